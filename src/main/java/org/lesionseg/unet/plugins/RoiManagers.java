package org.lesionseg.unet.plugins;

import java.awt.GraphicsEnvironment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.ij.ImageRois;

import ij.IJ;
import ij.ImagePlus;
import ij.WindowManager;
import ij.gui.ImageWindow;

import ij.gui.Roi;
import ij.macro.Interpreter;
import ij.plugin.frame.RoiManager;

/**
 * The ROI Manager that the user or the running macro sees. In a batch-mode macro that is ImageJ's hidden batch-mode
 * manager (the one {@code roiManager("count")} reads), otherwise the open ROI Manager window. Without a display there
 * is none: the ROI Manager is a window.
 */
public final class RoiManagers {

	private RoiManagers() {
	}

	/**
	 * @param create whether to open a ROI Manager when none is open
	 * @return the manager, or null when headless (or none is open and {@code create} is false)
	 */
	public static RoiManager get(boolean create) {
		if (GraphicsEnvironment.isHeadless())
			return null;
		RoiManager manager = RoiManager.getInstance2();
		if (manager == null && Interpreter.isBatchMode())
			manager = Interpreter.getBatchModeRoiManager();
		if (manager != null || !create)
			return manager;
		return Interpreter.isBatchMode() ? new RoiManager(true) : new RoiManager();
	}

	/**
	 * The ROIs of the ROI Manager, for drawing masks.
	 *
	 * @throws UnetException if there is no ROI Manager or it holds no ROI
	 */
	public static List<Roi> requireRois() {
		if (GraphicsEnvironment.isHeadless())
			throw new UnetException("masks from the ROI Manager need ImageJ with a display (the ROI Manager is a window): "
				+ "run under Xvfb on a server, or save the masks as images and choose them instead");
		RoiManager manager = get(false);
		if (manager == null || manager.getCount() == 0)
			throw new UnetException("the ROI Manager holds no ROIs: outline the lesions and add them with Ctrl+T (or roiManager(\"add\")) first");
		return new ArrayList<>(Arrays.asList(manager.getRoisAsArray()));
	}

	/**
	 * The ROI Manager's ROIs that belong to this image, by the rule of {@link ImageRois}: ROIs naming another image
	 * or drawn on another open image are left out, and ROIs of unknown image count only when no ROI belongs to another
	 * image (left out otherwise, with a warning in the log).
	 *
	 * @throws UnetException if there is no ROI Manager, it holds no ROI, or none of its ROIs belongs to the image
	 */
	public static List<Roi> roisOf(ImagePlus image) {
		return select(requireRois(), image);
	}

	/** The ROIs of this image among the given ones, with the log and the errors of {@link #roisOf}. */
	static List<Roi> select(List<Roi> all, ImagePlus image) {
		ImageRois.Selection s = ImageRois.select(all, image);
		if (s.rois.isEmpty())
			throw new UnetException("none of the " + all.size() + " ROIs in the ROI Manager belongs to " + image.getTitle() + " (they belong to "
				+ String.join(", ", s.otherImages) + (s.unknownLeftOut > 0 ? " or to no known image" : "")
				+ "): outline its lesions while it is the current image, or segment it first");
		if (s.unknownLeftOut > 0)
			IJ.log("warning: " + s.unknownLeftOut + " ROI(s) in the ROI Manager name no image and were left out for " + image.getTitle()
				+ ", since other ROIs belong to " + String.join(", ", s.otherImages)
				+ " (add ROIs while their image is the current one, or delete the other images' ROIs)");
		return new ArrayList<>(s.rois);
	}

	/**
	 * Puts a segmentation's ROIs of an image into the manager, replacing those an earlier segmentation put there for the
	 * same image ({@link ImageRois#isSegmentationOf}); the user's own ROIs and other images' ROIs stay.
	 *
	 * @return the number of earlier ROIs replaced
	 */
	public static int replaceSegmentation(RoiManager manager, ImagePlus image, List<Roi> rois) {
		int removed = 0;
		for (int i = manager.getCount() - 1; i >= 0; i--)
			if (ImageRois.isSegmentationOf(manager.getRoi(i), image)) {
				manager.delete(i);
				removed++;
			}
		add(manager, rois);
		return removed;
	}

	/**
	 * At most {@code max} of the ROIs, the ones with the most pixels, in their original order (slice by slice); all of
	 * them when {@code max} is 0 or not exceeded.
	 */
	public static List<Roi> largest(List<Roi> rois, int max) {
		if (max <= 0 || rois.size() <= max)
			return rois;
		Integer[] order = new Integer[rois.size()];
		int[] pixels = new int[rois.size()];
		for (int i = 0; i < order.length; i++) {
			order[i] = i;
			pixels[i] = rois.get(i).getContainedPoints().length;
		}
		// largest first; equal sizes keep their order, so the choice is the same on every run
		Arrays.sort(order, (a, b) -> pixels[a] != pixels[b] ? Integer.compare(pixels[b], pixels[a]) : Integer.compare(a, b));
		boolean[] kept = new boolean[order.length];
		for (int i = 0; i < max; i++)
			kept[order[i]] = true;
		List<Roi> chosen = new ArrayList<>(max);
		for (int i = 0; i < kept.length; i++)
			if (kept[i])
				chosen.add(rois.get(i));
		return chosen;
	}

	/**
	 * Makes a shown image draw the manager's ROIs, ImageJ's way ("Show All"): the manager redraws its list on the
	 * current image after every deletion, addition or edit, so the image always shows exactly the manager's ROIs.
	 * Show All draws on the current image, so the image is made current first. An image without a window (a batch-mode
	 * macro, a script's image) shows nothing: the manager would copy its ROIs into the image's overlay once, where a
	 * later deletion would not reach them.
	 */
	public static void showAll(RoiManager manager, ImagePlus image) {
		ImageWindow window = image.getWindow();
		if (window == null || image.getCanvas() == null)
			return;
		if (WindowManager.getCurrentImage() != image)
			WindowManager.setCurrentWindow(window);
		if (WindowManager.getCurrentImage() == image)
			manager.runCommand("Show All");
	}

	/** Adds ROIs under their own names (no renaming, nothing recorded), in order. */
	public static void add(RoiManager manager, List<Roi> rois) {
		for (Roi roi : rois)
			manager.add((ImagePlus) null, (Roi) roi.clone(), -1);
		if (!Interpreter.isBatchMode() && manager.isVisible())
			manager.repaint();
	}
}
