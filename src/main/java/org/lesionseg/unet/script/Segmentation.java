package org.lesionseg.unet.script;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.lesionseg.unet.ij.ImagePlusConversion;
import org.lesionseg.unet.workflow.SegmentationJob;

import ij.ImagePlus;
import ij.gui.Roi;

/** What {@link Model#segment} found in one image or stack: ROIs (one per object), probability map and mask. */
public final class Segmentation {

	private final ImagePlus image;
	private final SegmentationJob.ImageResult result;

	Segmentation(ImagePlus image, SegmentationJob.ImageResult result) {
		this.image = image;
		this.result = result;
	}

	/** One ROI per object, with its slice position on stacks, named as in the ROI Manager. */
	public List<Roi> rois() {
		return Collections.unmodifiableList(new ArrayList<>(result.rois));
	}

	public int objectCount() {
		return result.objects;
	}

	/** Foreground pixels over all slices. */
	public long foregroundPixels() {
		return result.foregroundPixels;
	}

	/** The 32-bit probability map (a stack for a stack), calibrated as the image. */
	public ImagePlus probability() {
		return ImagePlusConversion.probabilityImage(ImagePlusConversion.imageName(image) + "-probability", new ArrayList<>(result.probabilities),
			image.getWidth(), image.getHeight(), image.getCalibration());
	}

	/**
	 * The 32-bit uncertainty map (standard deviation of test-time augmentation's predictions or a diffusion model's
	 * samples), or null when the model was loaded without {@code test_time_augmentation} and is no diffusion model.
	 */
	public ImagePlus uncertainty() {
		if (result.uncertainties.isEmpty())
			return null;
		return ImagePlusConversion.probabilityImage(ImagePlusConversion.imageName(image) + "-uncertainty", new ArrayList<>(result.uncertainties),
			image.getWidth(), image.getHeight(), image.getCalibration());
	}

	/** Each slice's uncertainty score, 1-based slice order; empty without an uncertainty map (see {@link #uncertainty()}). */
	public double[] uncertaintyScores() {
		return result.uncertainty.slices().stream().mapToDouble(r -> r.score.score()).toArray();
	}

	/** The 8-bit mask (255 = foreground), calibrated as the image. */
	public ImagePlus mask() {
		return ImagePlusConversion.maskImage(ImagePlusConversion.imageName(image) + "-mask", new ArrayList<>(result.masks), image.getWidth(),
			image.getHeight(), image.getCalibration());
	}

	/** The job's own result, for anything not offered here. */
	public SegmentationJob.ImageResult result() {
		return result;
	}
}
