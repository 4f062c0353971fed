package org.lesionseg.unet.plugins;

import java.awt.GraphicsEnvironment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.lesionseg.unet.core.UnetException;

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

	/** Adds ROIs under their own names (no renaming, nothing recorded), in order. */
	public static void add(RoiManager manager, List<Roi> rois) {
		for (Roi roi : rois)
			manager.add((ij.ImagePlus) null, (Roi) roi.clone(), -1);
		if (!Interpreter.isBatchMode() && manager.isVisible())
			manager.repaint();
	}
}
