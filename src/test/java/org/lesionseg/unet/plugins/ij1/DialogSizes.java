package org.lesionseg.unet.plugins.ij1;

import java.awt.Button;
import java.awt.Component;
import java.awt.Dimension;
import java.awt.EventQueue;
import java.awt.Rectangle;
import java.awt.Robot;
import java.awt.Window;
import java.awt.event.ActionEvent;
import java.awt.event.ActionListener;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;

import javax.imageio.ImageIO;

import org.lesionseg.unet.plugins.UNetCommand;

import ij.IJ;
import ij.ImagePlus;
import ij.gui.GenericDialog;

/**
 * Opens every command's plain-ImageJ dialog for real (and the Advanced dialog where there is one), prints each
 * dialog's size as {@code size<TAB>title<TAB>width<TAB>height}, then cancels it. Needs a display: run it under
 * Xvfb ({@link DialogSizesTest} does). With a folder argument it also saves a screenshot of each dialog there, for
 * docs/screenshots:
 *
 * <pre>
 * xvfb-run -a -s "-screen 0 1400x1050x24" java -cp target/test-classes:target/classes:... org.lesionseg.unet.plugins.ij1.DialogSizes docs/screenshots
 * </pre>
 */
public final class DialogSizes {

	private DialogSizes() {
	}

	public static void main(String[] args) throws Exception {
		Path shots = args.length > 0 ? Files.createDirectories(Paths.get(args[0])) : null;
		ImagePlus slice = IJ.createImage("slice.png", "8-bit ramp", 256, 256, 1);
		slice.show();
		IJ.wait(300);
		for (Map.Entry<String, Class<? extends UNetCommand>> e : UNetPlugIn.COMMANDS.entrySet()) {
			UNetCommand command = e.getValue().getDeclaredConstructor().newInstance();
			Thread measurer = new Thread(() -> measure(command.commandName(), shots));
			measurer.start();
			new CommandDialog(command).show();
			measurer.join();
		}
		System.exit(0);
	}

	private static void measure(String title, Path shots) {
		try {
			GenericDialog gd = waitFor(title);
			if (gd == null)
				return; // a command without a dialog (nothing to ask)
			report(gd, shots, title);
			Button advanced = button(gd, CommandDialog.ADVANCED);
			if (advanced != null) {
				EventQueue.invokeLater(() -> {
					for (ActionListener l : advanced.getActionListeners())
						l.actionPerformed(new ActionEvent(advanced, ActionEvent.ACTION_PERFORMED, CommandDialog.ADVANCED));
				});
				String advancedTitle = title + ": advanced settings";
				GenericDialog second = waitFor(advancedTitle);
				report(second, shots, advancedTitle);
				cancel(second);
			}
			cancel(gd);
		} catch (Exception e) {
			e.printStackTrace();
			System.exit(1);
		}
	}

	private static GenericDialog waitFor(String title) {
		for (int i = 0; i < 50; i++) {
			IJ.wait(100);
			for (Window w : Window.getWindows())
				if (w instanceof GenericDialog && w.isVisible() && title.equals(((GenericDialog) w).getTitle()))
					return (GenericDialog) w;
		}
		return null;
	}

	private static void report(GenericDialog gd, Path shots, String title) throws Exception {
		IJ.wait(1000); // the window manager places and sizes the dialog after it shows
		Dimension size = gd.getSize();
		Dimension preferred = gd.getPreferredSize();
		System.out.println("size\t" + title + "\t" + Math.max(size.width, preferred.width) + "\t" + Math.max(size.height, preferred.height) + "\t" + gd.getBounds());
		if (shots != null) {
			gd.toFront();
			IJ.wait(300);
			Rectangle r = gd.getBounds();
			String name = title.toLowerCase().replaceAll("[^a-z]+", "-").replaceAll("-unet|-with|-settings", "") + "-dialog.png";
			ImageIO.write(new Robot().createScreenCapture(r), "png", new File(shots.resolve(name).toString()));
		}
	}

	private static Button button(GenericDialog gd, String label) {
		for (Component c : allComponents(gd))
			if (c instanceof Button && label.equals(((Button) c).getLabel()))
				return (Button) c;
		return null;
	}

	private static java.util.List<Component> allComponents(java.awt.Container c) {
		java.util.List<Component> all = new java.util.ArrayList<>();
		for (Component child : c.getComponents()) {
			all.add(child);
			if (child instanceof java.awt.Container)
				all.addAll(allComponents((java.awt.Container) child));
		}
		return all;
	}

	private static void cancel(GenericDialog gd) {
		EventQueue.invokeLater(() -> gd.actionPerformed(new ActionEvent(gd.getButtons()[1], ActionEvent.ACTION_PERFORMED, "Cancel")));
		IJ.wait(300);
	}
}
