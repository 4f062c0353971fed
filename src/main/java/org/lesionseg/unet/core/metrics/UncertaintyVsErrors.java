package org.lesionseg.unet.core.metrics;

import java.util.Locale;

/**
 * How well an uncertainty map points at the errors of a prediction, over many images: the mean uncertainty on wrong
 * and on right pixels, and the area under the ROC curve of uncertainty as a detector of wrong pixels (1: every wrong
 * pixel is more uncertain than every right one; 0.5: no better than chance).
 * <p>
 * Uncertainties are counted in {@link #BINS} bins over [0, {@link #MAX}] (a standard deviation of values in [0, 1]
 * is at most 0.5; larger values go into the last bin), so any number of pixels takes constant memory; pixels in one
 * bin count as ties (half) in the AUC.
 */
public final class UncertaintyVsErrors {

	static final int BINS = 10_000;
	static final double MAX = 0.5;

	private final long[] wrong = new long[BINS];
	private final long[] right = new long[BINS];
	private double sumWrong;
	private double sumRight;
	private long wrongPixels;
	private long rightPixels;

	/** Adds one image: its uncertainty map, the predicted mask and the true mask (non-zero = foreground). */
	public void add(float[] uncertainty, byte[] predicted, byte[] truth) {
		if (uncertainty.length != predicted.length || predicted.length != truth.length)
			throw new IllegalArgumentException("uncertainty, prediction and truth differ in size");
		for (int i = 0; i < uncertainty.length; i++) {
			double u = Math.max(0, uncertainty[i]);
			int bin = (int) Math.min(BINS - 1, Math.floor(u / MAX * BINS));
			if ((predicted[i] != 0) != (truth[i] != 0)) {
				wrong[bin]++;
				sumWrong += u;
				wrongPixels++;
			} else {
				right[bin]++;
				sumRight += u;
				rightPixels++;
			}
		}
	}

	public long wrongPixels() {
		return wrongPixels;
	}

	public long rightPixels() {
		return rightPixels;
	}

	/** Mean uncertainty on wrong pixels (NaN without any). */
	public double meanOnWrong() {
		return wrongPixels == 0 ? Double.NaN : sumWrong / wrongPixels;
	}

	/** Mean uncertainty on right pixels (NaN without any). */
	public double meanOnRight() {
		return rightPixels == 0 ? Double.NaN : sumRight / rightPixels;
	}

	/** P(a wrong pixel is more uncertain than a right one), ties counting half; NaN without both kinds of pixel. */
	public double auc() {
		if (wrongPixels == 0 || rightPixels == 0)
			return Double.NaN;
		double pairs = 0;
		long rightBelow = 0;
		for (int b = 0; b < BINS; b++) {
			pairs += wrong[b] * (rightBelow + right[b] / 2.0);
			rightBelow += right[b];
		}
		return pairs / ((double) wrongPixels * rightPixels);
	}

	/** One line for the user. */
	public String summaryLine() {
		return String.format(Locale.ROOT, "uncertainty: mean %.4f on wrong pixels (%d), %.4f on right pixels; AUC %.3f for finding the wrong pixels by it",
			meanOnWrong(), wrongPixels, meanOnRight(), auc());
	}
}
