package org.lesionseg.unet.plugins;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.ij.ImagePlusConversion;
import org.lesionseg.unet.workflow.TrainingSetJob;

import ij.ImagePlus;
import ij.io.FileInfo;

/** An open image with its masks as the planes {@link TrainingSetJob} writes: the ImageJ side of adding to a training set. */
final class TrainingSetPlanes {

	private TrainingSetPlanes() {
	}

	/**
	 * @param masks one 0/1 mask per (z, t) plane of the image
	 * @throws UnetException if the masks do not match the planes, or the image has several channels
	 */
	static TrainingSetJob.Image of(ImagePlus image, List<byte[]> masks) {
		int planes = ImagePlusConversion.planes(image);
		if (masks.size() != planes)
			throw new UnetException(image.getTitle() + " has " + planes + " slices but " + masks.size() + " masks were given");
		if (image.getNChannels() > 1)
			throw new UnetException(image.getTitle() + " has " + image.getNChannels() + " channels: a training set file holds one grey channel or RGB; "
				+ "convert it to RGB (Image > Type > RGB Color) or keep one channel (Image > Duplicate)");
		List<TrainingSetJob.Plane> list = new ArrayList<>();
		for (int p = 1; p <= planes; p++) {
			int z = (p - 1) % image.getNSlices() + 1;
			int t = (p - 1) / image.getNSlices() + 1;
			list.add(new TrainingSetJob.Plane(ImagePlusConversion.sampleName(image, p), image.getStack().getProcessor(image.getStackIndex(1, z, t)),
				masks.get(p - 1)));
		}
		int current = (image.getT() - 1) * image.getNSlices() + image.getZ();
		return new TrainingSetJob.Image(image.getTitle(), list, current, ImagePlusConversion.bitDepth(image), image.getBitDepth() == 24,
			image.getCalibration());
	}

	/** The folder the image was opened from, or null for an image made in memory. */
	static Path folderOf(ImagePlus image) {
		FileInfo info = image.getOriginalFileInfo();
		if (info == null || info.directory == null || info.directory.trim().isEmpty())
			return null;
		try {
			return Paths.get(info.directory);
		} catch (InvalidPathException e) {
			return null;
		}
	}
}
