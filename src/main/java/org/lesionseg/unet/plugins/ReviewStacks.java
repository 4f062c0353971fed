package org.lesionseg.unet.plugins;

import java.util.ArrayList;
import java.util.List;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.ij.ImagePlusConversion;
import org.lesionseg.unet.workflow.ReviewSession;

import ij.ImagePlus;

/** An open stack as the planes a review goes through: the ImageJ side of {@link ReviewSession.Stack}. */
final class ReviewStacks {

	private ReviewStacks() {
	}

	/** @throws UnetException for an image with several channels, which a training set file cannot hold */
	static ReviewSession.Stack of(ImagePlus image) {
		if (image.getNChannels() > 1)
			throw new UnetException(image.getTitle() + " has " + image.getNChannels() + " channels: a training set file holds one grey channel or RGB; "
				+ "convert it to RGB (Image > Type > RGB Color) or keep one channel (Image > Duplicate)");
		int planes = ImagePlusConversion.planes(image);
		List<String> names = new ArrayList<>(), labels = new ArrayList<>();
		List<ij.process.ImageProcessor> processors = new ArrayList<>();
		for (int p = 1; p <= planes; p++) {
			int index = stackIndex(image, p);
			names.add(ImagePlusConversion.sampleName(image, p));
			labels.add(label(image.getStack().getSliceLabel(index)));
			processors.add(image.getStack().getProcessor(index));
		}
		return new ReviewSession.Stack(image.getTitle(), names, labels, processors, ImagePlusConversion.bitDepth(image), image.getBitDepth() == 24,
			image.getCalibration());
	}

	/** The stack index of a 1-based (z, t) plane. */
	static int stackIndex(ImagePlus image, int plane) {
		int z = (plane - 1) % image.getNSlices() + 1;
		int t = (plane - 1) / image.getNSlices() + 1;
		return image.getStackIndex(1, z, t);
	}

	/** A slice label's first line without its file extension (an image sequence labels slices by file name); null for none. */
	private static String label(String sliceLabel) {
		if (sliceLabel == null || sliceLabel.trim().isEmpty())
			return null;
		String first = sliceLabel.split("\n")[0].trim();
		int dot = first.lastIndexOf('.');
		return dot > 0 ? first.substring(0, dot) : first;
	}
}
