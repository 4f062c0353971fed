package org.lesionseg.unet.ij;

import java.util.ArrayList;
import java.util.List;

import org.lesionseg.unet.core.data.LoadedImage;
import org.lesionseg.unet.core.data.Sample;
import org.lesionseg.unet.core.predict.PixelCalibration;

import ij.ImagePlus;
import ij.measure.Calibration;

/**
 * An open image as the core sees an image file: its (z, t) planes with raw values ({@link LoadedImage}) and its
 * spatial calibration, so that open images and files are segmented by the same job.
 */
public final class ImagePlanes {

	private ImagePlanes() {
	}

	/**
	 * The raw planes of an image, named like a file of the same title would be ({@link ImagePlusConversion#imageName}).
	 *
	 * @throws org.lesionseg.unet.core.UnetException if the image is missing
	 */
	public static LoadedImage of(ImagePlus imp) {
		List<Sample> samples = ImagePlusConversion.toSamples(imp);
		List<float[]> planes = new ArrayList<>(samples.size());
		for (Sample s : samples)
			planes.add(s.imageData());
		return new LoadedImage(ImagePlusConversion.imageName(imp), imp.getWidth(), imp.getHeight(), samples.get(0).channels(),
			ImagePlusConversion.bitDepth(imp), planes);
	}

	/** The image's spatial calibration, or null when it is in pixels (no pixel size, unit or origin set). */
	public static PixelCalibration calibration(ImagePlus imp) {
		Calibration cal = imp.getCalibration();
		if (cal == null || !(cal.scaled() || cal.xOrigin != 0 || cal.yOrigin != 0))
			return null;
		return new PixelCalibration(cal.pixelWidth, cal.pixelHeight, cal.getUnit(), cal.xOrigin, cal.yOrigin);
	}
}
