package org.lesionseg.unet.plugins;

import java.awt.Dialog;
import java.awt.Window;
import java.awt.image.BufferedImage;
import java.io.File;
import java.util.ArrayDeque;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

import ij.IJ;
import ij.ImageJ;
import ij.ImagePlus;
import ij.gui.ImageCanvas;
import ij.gui.MessageDialog;
import ij.plugin.frame.RoiManager;

/**
 * A user's review in the real ImageJ window (run by {@link ReviewWindowsTest} under Xvfb, in a JVM with a display):
 * segments a shown image with Segment with UNet run as Fiji runs it (not from a macro), deletes one ROI in the ROI
 * Manager as a user does (select it, press Delete) and prints how many outlines the image's window draws before and
 * after; then runs the command with a model file that does not exist and prints what the user sees of the error
 * (the dialog, the status bar, the log). One {@code key value} line per fact.
 */
public final class ReviewWindowsProbe {

	private ReviewWindowsProbe() {
	}

	public static void main(String[] args) throws Exception {
		File model = new File(args[0]);
		new ImageJ();
		ImagePlus imp = IJ.openImage(args[1]);
		imp.show();
		IJ.wait(500);
		Context context = new Context(CommandService.class);
		CommandService commands = context.service(CommandService.class);
		CommandModule m = commands.run(SegmentWithUNet.class, true, "image", imp, "model_file", model).get();
		System.out.println("cancelled " + m.isCanceled());
		RoiManager manager = RoiManager.getInstance();
		System.out.println("manager " + (manager == null ? 0 : manager.getCount()));
		System.out.println("shown " + outlinesShown(imp));
		manager.select(1);
		manager.runCommand("Delete");
		imp.deleteRoi(); // the user clicks beside the outlines: the selection the manager made goes away
		IJ.wait(300);
		System.out.println("manager after delete " + manager.getCount());
		System.out.println("shown after delete " + outlinesShown(imp));

		Future<CommandModule> failing = commands.run(SegmentWithUNet.class, true, "image", imp, "model_file", new File(model.getParentFile(), "missing.zip"));
		MessageDialog dialog = null;
		for (int i = 0; i < 100 && dialog == null; i++) {
			IJ.wait(100);
			for (Window w : Window.getWindows())
				if (w instanceof MessageDialog && w.isVisible())
					dialog = (MessageDialog) w;
		}
		System.out.println("dialog " + (dialog == null ? "none" : ((Dialog) dialog).getTitle()));
		System.out.println("status " + ImageJ.getStatusBarText());
		String log = IJ.getLog();
		System.out.println("log has error " + (log != null && log.contains("Segment with UNet error: model_file")));
		if (dialog != null)
			dialog.dispose(); // the user presses OK
		System.out.println("error cancelled " + failing.get(30, TimeUnit.SECONDS).isCanceled());
		System.exit(0);
	}

	/**
	 * The outlines the image's window draws: its canvas painted as on screen, then the connected groups of coloured
	 * pixels counted (the image is grey, so every coloured pixel is an outline, from the overlay, the ROI Manager's Show
	 * All or the selection).
	 */
	static int outlinesShown(ImagePlus imp) {
		ImageCanvas canvas = imp.getCanvas();
		BufferedImage shot = new BufferedImage(canvas.getWidth(), canvas.getHeight(), BufferedImage.TYPE_INT_RGB);
		canvas.paint(shot.getGraphics());
		int w = shot.getWidth(), h = shot.getHeight();
		boolean[] coloured = new boolean[w * h];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				int rgb = shot.getRGB(x, y);
				int r = (rgb >> 16) & 255, g = (rgb >> 8) & 255, b = rgb & 255;
				coloured[y * w + x] = r != g || g != b;
			}
		int groups = 0;
		ArrayDeque<Integer> todo = new ArrayDeque<>();
		for (int start = 0; start < coloured.length; start++) {
			if (!coloured[start])
				continue;
			groups++;
			coloured[start] = false;
			todo.add(start);
			while (!todo.isEmpty()) {
				int p = todo.poll(), px = p % w, py = p / w;
				for (int dy = -1; dy <= 1; dy++)
					for (int dx = -1; dx <= 1; dx++) {
						int x = px + dx, y = py + dy;
						if (x >= 0 && y >= 0 && x < w && y < h && coloured[y * w + x]) {
							coloured[y * w + x] = false;
							todo.add(y * w + x);
						}
					}
			}
		}
		return groups;
	}
}
