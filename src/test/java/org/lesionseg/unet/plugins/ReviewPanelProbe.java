package org.lesionseg.unet.plugins;

import java.awt.EventQueue;
import java.awt.Rectangle;
import java.awt.Robot;
import java.awt.event.KeyEvent;
import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import javax.imageio.ImageIO;

import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

import ij.IJ;
import ij.ImageJ;
import ij.ImagePlus;
import ij.plugin.frame.RoiManager;

/**
 * Runs Review UNet Segmentation in real ImageJ with its panel (needs a display: {@link ReviewPanelTest} runs it under
 * Xvfb), presses the panel's keys as a user would, deletes a ROI in the ROI Manager, and prints what it saw as
 * {@code key<TAB>value} lines; saves a screenshot of the image, the panel and the ROI Manager.
 *
 * <pre>
 * xvfb-run -a -s "-screen 0 1400x1050x24" java -cp ... org.lesionseg.unet.plugins.ReviewPanelProbe MODEL.zip SETFOLDER shot.png
 * </pre>
 */
public final class ReviewPanelProbe {

	private ReviewPanelProbe() {
	}

	public static void main(String[] args) throws Exception {
		new ImageJ();
		Random random = new Random(3);
		List<Blobs.Picture> pictures = new ArrayList<>();
		for (int z = 0; z < 5; z++)
			pictures.add(Blobs.draw(96, 96, Arrays.asList(new Blobs.Disk(20 + 10 * z, 25, 6 + z % 3), new Blobs.Disk(60, 65 - 5 * z, 8), new Blobs.Disk(25, 70, 5)),
				random));
		ImagePlus imp = Blobs.stacks("brain", pictures)[0];
		ReviewPanel panel = open(imp, 300, "model_file", new File(args[0]), "output_folder", new File(args[1]));
		RoiManager manager = RoiManager.getInstance2();
		report("start", panel, imp, manager);
		press(panel, KeyEvent.VK_A);
		report("accepted", panel, imp, manager);
		// delete a ROI in the ROI Manager: its outline leaves the image too
		EventQueue.invokeAndWait(() -> {
			manager.select(0);
			manager.runCommand("Delete");
		});
		IJ.wait(300);
		report("deleted", panel, imp, manager);
		press(panel, KeyEvent.VK_N);
		press(panel, KeyEvent.VK_P);
		report("back", panel, imp, manager);
		press(panel, KeyEvent.VK_A);
		report("accepted2", panel, imp, manager);
		press(panel, KeyEvent.VK_R);
		report("rejected", panel, imp, manager);
		screenshot(imp, panel, manager, new File(args[2]));
		System.out.println("done");
		System.exit(0);
	}

	/**
	 * Shows the image zoomed, runs Review UNet Segmentation on it with these keys as Fiji runs it (not from a macro) and
	 * places its panel and the ROI Manager beside it; prints {@code cancel} and {@code panel} lines, and ends the JVM when
	 * the command stopped.
	 */
	static ReviewPanel open(ImagePlus imp, int zoom, Object... keysAndValues) throws Exception {
		imp.show();
		IJ.wait(500);
		imp.getWindow().setLocation(0, 120);
		IJ.run(imp, "Set... ", "zoom=" + zoom + " x=" + imp.getWidth() / 2 + " y=" + imp.getHeight() / 2);
		IJ.redirectErrorMessages(true); // an error must not wait in a modal dialog nobody closes
		java.util.Map<String, Object> inputs = new java.util.LinkedHashMap<>();
		inputs.put("image", imp);
		for (int i = 0; i < keysAndValues.length; i += 2)
			inputs.put((String) keysAndValues[i], keysAndValues[i + 1]);
		Context context = new Context(CommandService.class);
		CommandModule m = context.service(CommandService.class).run(ReviewUNetSegmentation.class, true, inputs).get();
		System.out.println("cancel\t" + m.getCancelReason());
		if (m.isCanceled()) {
			System.out.println(IJ.getLog());
			System.exit(1);
		}
		ReviewPanel panel = ((ReviewUNetSegmentation) m.getCommand()).panel();
		System.out.println("panel\t" + (panel != null && panel.isShowing()));
		IJ.wait(500);
		RoiManager manager = RoiManager.getInstance2();
		panel.setLocation(imp.getWindow().getX() + imp.getWindow().getWidth() + 10, 120);
		manager.setLocation(panel.getX(), panel.getY() + panel.getHeight() + 10);
		return panel;
	}

	/** Saves a screenshot of the image, the panel and the ROI Manager (the Log window hidden: it is not part of the review). */
	static void screenshot(ImagePlus imp, ReviewPanel panel, RoiManager manager, File file) throws Exception {
		java.awt.Window log = ij.WindowManager.getWindow("Log");
		if (log != null)
			log.setVisible(false);
		IJ.wait(800);
		Rectangle all = imp.getWindow().getBounds().union(panel.getBounds()).union(manager.getBounds());
		ImageIO.write(new Robot().createScreenCapture(all), "png", file);
	}

	static void press(ReviewPanel panel, int key) throws Exception {
		EventQueue.invokeAndWait(() -> panel.dispatchEvent(new KeyEvent(panel, KeyEvent.KEY_PRESSED, System.currentTimeMillis(), 0, key, KeyEvent.CHAR_UNDEFINED)));
		IJ.wait(300);
	}

	/** One line: step, rank, plane, manager count, overlay size, accepted, rejected, slice name, pixels inside the manager's ROIs. */
	private static void report(String step, ReviewPanel panel, ImagePlus imp, RoiManager manager) {
		System.out.println(String.join("\t", "step", step, Integer.toString(panel.rank()), Integer.toString(panel.plane()), Integer.toString(manager.getCount()),
			Integer.toString(imp.getOverlay() == null ? 0 : imp.getOverlay().size()),
			Integer.toString(panel.session().count(org.lesionseg.unet.workflow.ReviewSession.Decision.ACCEPTED)),
			Integer.toString(panel.session().count(org.lesionseg.unet.workflow.ReviewSession.Decision.REJECTED)), panel.session().name(panel.plane()),
			Integer.toString(area(manager))));
	}

	private static int area(RoiManager manager) {
		int n = 0;
		for (ij.gui.Roi r : manager.getRoisAsArray())
			n += r.getContainedPoints().length;
		return n;
	}
}
