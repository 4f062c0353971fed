package org.lesionseg.unet.core.metrics;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.predict.MaskPostprocessing;

/**
 * Pixel counts of a binary segmentation compared with its ground truth: true/false positives and negatives.
 * Immutable; counts of several images add up with {@link #plus(ConfusionCounts)}, so that pooled metrics are computed
 * from the summed counts. The ratios follow the conventions of segmentation papers for empty masks: when neither the
 * truth nor the prediction has foreground, Dice and IoU are 1 (a correct "no lesion").
 */
public final class ConfusionCounts {

	/** No pixels at all; the neutral element of {@link #plus(ConfusionCounts)}. */
	public static final ConfusionCounts ZERO = new ConfusionCounts(0, 0, 0, 0);

	private final long tp;
	private final long fp;
	private final long fn;
	private final long tn;

	/**
	 * @param tp foreground pixels predicted as foreground
	 * @param fp background pixels predicted as foreground
	 * @param fn foreground pixels predicted as background
	 * @param tn background pixels predicted as background
	 * @throws UnetException if a count is negative
	 */
	public ConfusionCounts(long tp, long fp, long fn, long tn) {
		if (tp < 0 || fp < 0 || fn < 0 || tn < 0) {
			throw new UnetException("pixel counts cannot be negative (tp=" + tp + ", fp=" + fp + ", fn=" + fn + ", tn="
					+ tn + ")");
		}
		this.tp = tp;
		this.fp = fp;
		this.fn = fn;
		this.tn = tn;
	}

	/**
	 * Counts a binary prediction against the truth. Any non-zero value is foreground, so 0/1 and 0/255 masks both
	 * work.
	 *
	 * @param predicted01 predicted mask, one value per pixel
	 * @param truth01 ground-truth mask of the same length
	 * @return the counts
	 * @throws UnetException if an array is missing or the lengths differ
	 */
	public static ConfusionCounts of(byte[] predicted01, byte[] truth01) {
		requireSameLength(predicted01 == null ? -1 : predicted01.length, truth01);
		long tp = 0;
		long fp = 0;
		long fn = 0;
		for (int i = 0; i < truth01.length; i++) {
			boolean predicted = predicted01[i] != 0;
			boolean truth = truth01[i] != 0;
			if (predicted && truth) {
				tp++;
			} else if (predicted) {
				fp++;
			} else if (truth) {
				fn++;
			}
		}
		return new ConfusionCounts(tp, fp, fn, truth01.length - tp - fp - fn);
	}

	/**
	 * Counts a probability map thresholded as prediction thresholds it ({@link MaskPostprocessing#threshold}:
	 * strictly above the threshold is foreground, NaN is background) against the truth.
	 *
	 * @param probability foreground probability per pixel
	 * @param threshold the threshold, for example 0.5
	 * @param truth01 ground-truth mask of the same length, non-zero is foreground
	 * @return the counts
	 * @throws UnetException if an array is missing, the lengths differ or the threshold is NaN
	 */
	public static ConfusionCounts of(float[] probability, float threshold, byte[] truth01) {
		requireSameLength(probability == null ? -1 : probability.length, truth01);
		if (Float.isNaN(threshold)) {
			throw new UnetException("the foreground threshold is not a number; give a value such as 0.5");
		}
		return of(MaskPostprocessing.threshold(probability, threshold), truth01);
	}

	private static void requireSameLength(int predictedLength, byte[] truth01) {
		if (predictedLength < 0 || truth01 == null) {
			throw new UnetException("cannot compare masks: the " + (truth01 == null ? "ground-truth" : "predicted")
					+ " mask is missing");
		}
		if (predictedLength != truth01.length) {
			throw new UnetException("cannot compare masks of different sizes: the prediction has " + predictedLength
					+ " pixels, the ground truth " + truth01.length + "; resize the prediction to the mask first");
		}
	}

	/** @return the sum of these counts and the other's, for pooled metrics over images */
	public ConfusionCounts plus(ConfusionCounts other) {
		return new ConfusionCounts(tp + other.tp, fp + other.fp, fn + other.fn, tn + other.tn);
	}

	/** @return foreground pixels predicted as foreground */
	public long tp() {
		return tp;
	}

	/** @return background pixels predicted as foreground */
	public long fp() {
		return fp;
	}

	/** @return foreground pixels predicted as background */
	public long fn() {
		return fn;
	}

	/** @return background pixels predicted as background */
	public long tn() {
		return tn;
	}

	/** @return number of pixels counted */
	public long total() {
		return tp + fp + fn + tn;
	}

	/** @return foreground pixels of the truth (tp + fn) */
	public long truthPixels() {
		return tp + fn;
	}

	/** @return foreground pixels of the prediction (tp + fp) */
	public long predictedPixels() {
		return tp + fp;
	}

	/** @return whether the ground truth has no foreground */
	public boolean truthEmpty() {
		return truthPixels() == 0;
	}

	/** @return 2tp/(2tp + fp + fn); 1 when truth and prediction are both empty */
	public double dice() {
		long denominator = 2 * tp + fp + fn;
		return denominator == 0 ? 1.0 : 2.0 * tp / denominator;
	}

	/** @return tp/(tp + fp + fn); 1 when truth and prediction are both empty */
	public double iou() {
		long denominator = tp + fp + fn;
		return denominator == 0 ? 1.0 : (double) tp / denominator;
	}

	/** @return (tp + tn)/total; NaN when no pixel was counted */
	public double accuracy() {
		long total = total();
		return total == 0 ? Double.NaN : (double) (tp + tn) / total;
	}

	/** @return tp/(tp + fp); when nothing is predicted, 1 if the truth is empty too, else 0 */
	public double precision() {
		long predicted = predictedPixels();
		if (predicted == 0) {
			return truthEmpty() ? 1.0 : 0.0;
		}
		return (double) tp / predicted;
	}

	/** @return tp/(tp + fn); when the truth is empty, 1 if nothing is predicted, else 0 */
	public double recall() {
		long truth = truthPixels();
		if (truth == 0) {
			return predictedPixels() == 0 ? 1.0 : 0.0;
		}
		return (double) tp / truth;
	}

	@Override
	public boolean equals(Object other) {
		if (!(other instanceof ConfusionCounts)) {
			return false;
		}
		ConfusionCounts that = (ConfusionCounts) other;
		return tp == that.tp && fp == that.fp && fn == that.fn && tn == that.tn;
	}

	@Override
	public int hashCode() {
		return Long.hashCode(tp) * 31 * 31 * 31 + Long.hashCode(fp) * 31 * 31 + Long.hashCode(fn) * 31
				+ Long.hashCode(tn);
	}

	@Override
	public String toString() {
		return "tp=" + tp + " fp=" + fp + " fn=" + fn + " tn=" + tn;
	}
}
