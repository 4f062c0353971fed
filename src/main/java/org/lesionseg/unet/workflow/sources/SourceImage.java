package org.lesionseg.unet.workflow.sources;

import org.lesionseg.unet.core.data.LoadedImage;
import org.lesionseg.unet.core.predict.PixelCalibration;

/** One image to segment: its raw planes (a file's slices, or an open image's (z, t) planes) and its calibration, if any. */
public final class SourceImage {

	private final LoadedImage pixels;
	private final PixelCalibration calibration;

	/** @param calibration the spatial calibration, or null for an image in pixels */
	public SourceImage(LoadedImage pixels, PixelCalibration calibration) {
		this.pixels = pixels;
		this.calibration = calibration;
	}

	public LoadedImage pixels() {
		return pixels;
	}

	/** The spatial calibration, or null when the image is in pixels. */
	public PixelCalibration calibration() {
		return calibration;
	}

	public String name() {
		return pixels.name();
	}
}
