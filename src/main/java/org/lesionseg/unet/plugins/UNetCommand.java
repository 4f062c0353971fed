package org.lesionseg.unet.plugins;

import java.awt.GraphicsEnvironment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.ij.Progress;
import org.scijava.command.ContextCommand;

import ij.IJ;
import ij.ImageJ;
import ij.Macro;
import ij.macro.Interpreter;

/**
 * What every UNet command shares: it refuses macro keys it does not have ({@link MacroOptions}), runs its work with
 * the plugin's class loader ({@link EngineContext}), reports a problem the user can fix as one clear message
 * ({@link #reportError}: one line in the status bar and the log, a dialog when someone sees ImageJ's window; a running macro is stopped), and can be
 * stopped.
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
			checkMacroKeys(Macro.getOptions());
			if (usesEngine())
				EngineContext.run(this::execute);
			else
				execute();
		} catch (UnetException e) {
			fail(e.getMessage());
		} catch (RuntimeException e) {
			if (Macro.MACRO_CANCELED.equals(e.getMessage()))
				throw e; // ImageJ's own way of ending a macro: let it pass
			// a bug, not a user's mistake: the same one line (and no dialog in a macro), with the trace for a report
			e.printStackTrace();
			fail("unexpected " + e + " (a bug: please report it with the stack trace printed on the console)");
		}
	}

	/**
	 * Refuses macro keys this command does not have. ImageJ and Fiji ignore them, so a misspelled key would silently
	 * run with its default. A macro's options are set on the thread that runs the command, in ImageJ and in Fiji.
	 *
	 * @param options the running macro's options, or null when no macro gave any
	 * @throws UnetException naming each unknown key and the key probably meant
	 */
	public void checkMacroKeys(String options) {
		String problem = MacroOptions.unknownKeys(commandName(), options, keyNames(getClass()));
		if (problem != null)
			throw new UnetException(problem);
	}

	/** Gathers the parameters and calls the workflow; throws {@link UnetException} for anything the user can fix. */
	protected abstract void execute();

	/** Whether the command runs the network (commands that only handle files and ROIs do not start the engine). */
	protected boolean usesEngine() {
		return true;
	}

	/**
	 * The keys the plain-ImageJ dialog shows first; the others wait behind its "Advanced…" button (a macro still
	 * gives any key). Empty: one dialog with every key. Keys a command does not have yet may be named, so that a
	 * setting added later (such as the kind of model) lands among the essentials.
	 */
	public Set<String> essentialKeys() {
		return Collections.emptySet();
	}

	/** The command's menu label, also its name in {@code run("...")} and the title of its messages. */
	public String commandName() {
		return MacroKeys.commandName(getClass());
	}

	/** Every key a macro may give the command: its {@code @Parameter} inputs ({@link MacroKeys#keysOf}). */
	public static List<String> keyNames(Class<?> commandClass) {
		List<String> names = new ArrayList<>();
		for (MacroKeys.Key k : MacroKeys.keysOf(commandClass))
			names.add(k.name());
		return names;
	}

	/** Stops the command with a message the user can act on ({@link #reportError}). */
	protected void fail(String message) {
		cancel(message);
		reportError(commandName(), message);
	}

	/**
	 * The one way every UNet error reaches the user, in Fiji and plain ImageJ alike: the line
	 * {@code <command> error: <message>} goes to the status bar and the log ({@link Progress#failed}), and a dialog
	 * follows only when ImageJ's window is showing and no macro runs (someone is there to close it). Nothing modal is
	 * shown otherwise, since a dialog on an invisible display (a {@code -batch} macro under Xvfb) would wait forever;
	 * headless, the log line goes to the console. A running macro is then stopped: a failed step must not let the next
	 * ones run on missing results.
	 */
	public static void reportError(String command, String message) {
		reportError(command, message, Progress.imageJ());
	}

	/** As {@link #reportError(String, String)}, with the status bar and log of {@code progress}. */
	static void reportError(String command, String message, Progress progress) {
		progress.failed(command + " error: " + message);
		if (interactive()) {
			IJ.error(command, message);
			return;
		}
		abortMacro();
	}

	/** True when a person sees ImageJ's window and no macro runs. */
	static boolean interactive() {
		return someoneSeesImageJ() && !IJ.isMacro();
	}

	/** True when ImageJ's window is on a screen: not headless, not a {@code -batch} run (which opens no window). */
	public static boolean someoneSeesImageJ() {
		ImageJ window = IJ.getInstance();
		return !GraphicsEnvironment.isHeadless() && window != null && window.isShowing();
	}

	/**
	 * Stops the running macro, ImageJ's way. {@link Macro#abort()} throws only on a thread named {@code ...Macro$} (a
	 * macro run from ImageJ's menus); a {@code -batch} macro runs on {@code Run$_main} and would go on, so there the
	 * interpreter itself is stopped: it runs no further statement once the command returns.
	 */
	static void abortMacro() {
		if (Thread.currentThread().getName().endsWith("Macro$")) {
			Macro.abort(); // throws ImageJ's "Macro canceled", which ends the macro quietly
			return;
		}
		Interpreter macro = Interpreter.getInstance();
		if (macro != null)
			Interpreter.abort(macro);
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
