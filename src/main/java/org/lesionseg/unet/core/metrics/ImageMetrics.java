package org.lesionseg.unet.core.metrics;

import java.util.Objects;

import org.lesionseg.unet.core.UnetException;

/** The pixel counts of one image's segmentation, with the image's name, for per-image tables and summaries. */
public final class ImageMetrics {

	private final String name;
	private final ConfusionCounts counts;

	/**
	 * @param name image name as shown in tables (usually the file name without extension)
	 * @param counts the image's pixel counts
	 * @throws UnetException if the name or counts are missing
	 */
	public ImageMetrics(String name, ConfusionCounts counts) {
		if (name == null || counts == null) {
			throw new UnetException("image metrics need an image name and pixel counts");
		}
		this.name = name;
		this.counts = counts;
	}

	/** @return the image name */
	public String name() {
		return name;
	}

	/** @return the image's pixel counts */
	public ConfusionCounts counts() {
		return counts;
	}

	/** @return the image's Dice (1 when truth and prediction are both empty) */
	public double dice() {
		return counts.dice();
	}

	/** @return the image's IoU (1 when truth and prediction are both empty) */
	public double iou() {
		return counts.iou();
	}

	@Override
	public boolean equals(Object other) {
		if (!(other instanceof ImageMetrics)) {
			return false;
		}
		ImageMetrics that = (ImageMetrics) other;
		return name.equals(that.name) && counts.equals(that.counts);
	}

	@Override
	public int hashCode() {
		return Objects.hash(name, counts);
	}

	@Override
	public String toString() {
		return name + ": " + counts;
	}
}
