package org.lesionseg.unet.plugins;

import org.lesionseg.unet.core.UnetException;
import org.scijava.command.ContextCommand;

import ij.IJ;
import ij.Macro;

/**
 * What every UNet command shares: it runs its work with the plugin's class loader ({@link EngineContext}), reports a
 * problem the user can fix as one clear message (a dialog with a display; without one a log line, and a running macro
 * is aborted), and can be stopped.
 * <p>
 * Subclasses only declare their {@code @Parameter} fields (the macro keys) and implement {@link #execute()}, which
 * gathers the parameters and does the work (through the workflow jobs for training, folder segmentation and
 * evaluation). The plain-ImageJ entry point ({@link org.lesionseg.unet.plugins.ij1.UNetPlugIn}) fills the same fields
 * from its own dialog and calls {@link #run()}.
 */
public abstract class UNetCommand extends ContextCommand {

	private volatile boolean stopAsked;

	@Override
	public final void run() {
		stopAsked = false;
		IJ.resetEscape(); // an Esc pressed before this command must not stop it
		try {
			if (usesEngine())
				EngineContext.run(this::execute);
			else
				execute();
		} catch (UnetException e) {
			fail(e.getMessage());
		}
	}

	/** Gathers the parameters and does the work; throws {@link UnetException} for anything the user can fix. */
	protected abstract void execute();

	/** Whether the command runs the network (commands that only handle files and ROIs do not start the engine). */
	protected boolean usesEngine() {
		return true;
	}

	/** The command's menu label, also its name in {@code run("...")} and the title of its messages. */
	public String commandName() {
		return MacroKeys.commandName(getClass());
	}

	/**
	 * Stops the command with a message the user can act on: a dialog when ImageJ has a window, otherwise a log line
	 * (the console when headless) and a running macro is aborted, as ImageJ's own commands do.
	 */
	protected void fail(String message) {
		cancel(message);
		if (IJ.getInstance() != null) {
			IJ.error(commandName(), message);
		} else {
			IJ.log(commandName() + " error: " + message);
			if (IJ.isMacro())
				Macro.abort();
		}
	}

	/** Also asks a running training or segmentation to stop at its next step. */
	@Override
	public void cancel(String reason) {
		super.cancel(reason);
		stopAsked = true;
	}

	/** True once the command was asked to stop: by {@link #cancel}, ImageJ's Esc key, or an interrupt of its thread. */
	protected boolean stopRequested() {
		return stopAsked || IJ.escapePressed() || Thread.currentThread().isInterrupted();
	}
}
