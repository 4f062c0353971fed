package org.lesionseg.unet.plugins;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.data.Sample;
import org.lesionseg.unet.ij.ImagePlusConversion;
import org.lesionseg.unet.ij.RoiConversion;
import org.lesionseg.unet.workflow.LabelledSource;

import ij.IJ;
import ij.ImagePlus;
import ij.gui.Roi;

/**
 * The masks of an open image: from a mask image (one slice per image slice, 0 = background), or from the ROIs of the
 * ROI Manager, each ROI marking a lesion on its slice.
 */
public final class MaskSources {

	private MaskSources() {
	}

	/**
	 * One 0/1 mask per (z, t) plane of the image.
	 *
	 * @param mask the mask image, or null when {@code fromRoiManager}
	 * @param fromRoiManager draw the masks from the ROI Manager's ROIs of this image instead (see
	 *            {@link RoiManagers#roisOf})
	 * @throws UnetException if the mask image is missing, does not fit the image or is not binary, or the ROI Manager
	 *             is empty
	 */
	public static List<byte[]> masks(ImagePlus image, ImagePlus mask, boolean fromRoiManager) {
		if (fromRoiManager)
			return fromRois(image, RoiManagers.roisOf(image));
		requireMask(image, mask);
		return ImagePlusConversion.toMasks(mask);
	}

	/**
	 * Paints ROIs into one mask per (z, t) plane, each on its own plane ({@link RoiConversion#toMasks(List, ImagePlus)}).
	 * On a stack, a ROI without a position marks every slice, which is rarely meant: such ROIs are reported in the log.
	 */
	public static List<byte[]> fromRois(ImagePlus image, List<Roi> rois) {
		return fromRois(image, rois, false);
	}

	/** @param groups paint each ROI with its ROI group (a class of a multi-class training), not 1 */
	static List<byte[]> fromRois(ImagePlus image, List<Roi> rois, boolean groups) {
		int planes = ImagePlusConversion.planes(image);
		if (planes > 1) {
			List<String> unplaced = new ArrayList<>();
			for (Roi roi : rois)
				if (roi.getPosition() == 0 && !roi.hasHyperStackPosition())
					unplaced.add(roi.getName() == null ? "(unnamed)" : roi.getName());
			if (!unplaced.isEmpty())
				IJ.log("warning: " + unplaced.size() + " ROI(s) have no slice and mark every slice of " + image.getTitle() + ": " + String.join(", ", unplaced)
					+ " (add ROIs while their slice is shown, or set their position in the ROI Manager's Properties)");
		}
		return Arrays.asList(groups ? RoiConversion.toLabelMasks(rois, image) : RoiConversion.toMasks(rois, image));
	}

	/**
	 * An open image and its mask image (or the ROI Manager's lesions) as a labelled source: the image's raw planes
	 * with the raw values of their masks, which the job turns into 0/1 by the same rule and mask policy as mask files.
	 *
	 * @throws UnetException if the mask image is missing or does not fit the image, or the ROI Manager is empty
	 */
	public static LabelledSource labelledSource(ImagePlus image, ImagePlus mask, boolean fromRoiManager) {
		List<String> maskNames = new ArrayList<>();
		List<float[]> maskValues = new ArrayList<>();
		if (fromRoiManager) {
			int plane = 0;
			// ROI group k = class k: label images for a multi-class training; a binary one reads any non-zero as lesion
			for (byte[] m : fromRois(image, RoiManagers.roisOf(image), true)) {
				float[] v = new float[m.length];
				for (int i = 0; i < m.length; i++)
					v[i] = m[i];
				maskValues.add(v);
				maskNames.add("ROIs of " + ImagePlusConversion.sampleName(image, ++plane));
			}
		} else {
			requireMask(image, mask);
			maskValues = ImagePlusConversion.maskValues(mask);
			for (int plane = 1; plane <= maskValues.size(); plane++)
				maskNames.add(ImagePlusConversion.maskPlaneName(mask, plane));
		}
		List<Sample> samples = ImagePlusConversion.toSamples(image);
		List<LabelledSource.Plane> planes = new ArrayList<>(samples.size());
		for (int i = 0; i < samples.size(); i++) {
			Sample s = samples.get(i);
			planes.add(new LabelledSource.Plane(s.name(), s.imageData(), s.width(), s.height(), s.channels(), maskNames.get(i), maskValues.get(i)));
		}
		return LabelledSource.planes(image.getTitle(), planes, ImagePlusConversion.bitDepth(image));
	}

	private static void requireMask(ImagePlus image, ImagePlus mask) {
		if (mask == null)
			throw new UnetException("no mask was chosen for " + image.getTitle() + ": choose its mask image (mask=[title]), or use_roi_manager=true to take the lesions from the ROI Manager");
		if (mask == image)
			throw new UnetException("the image and the mask are the same image (" + image.getTitle() + "): choose the mask image");
		ImagePlusConversion.checkPair(image, mask);
	}
}
