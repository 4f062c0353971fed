package org.lesionseg.unet.core.data;

import java.util.Locale;

import org.lesionseg.unet.core.UnetException;

/**
 * How raw pixel values become network input. The chosen {@link #key()} is stored in the model file so that
 * prediction normalises exactly as training did.
 * <p>
 * Statistics ignore NaN and infinite values, which are then set to 0 (float TIFFs often mark "no data" with NaN);
 * {@link #NONE} leaves every value untouched.
 */
public enum Normalization {
	/**
	 * Divide by the type's maximum: 255 for 8-bit (as the original PyTorch code did), 65535 for 16-bit; 32-bit images
	 * have no fixed range and are min–max scaled to [0, 1] over the whole image.
	 */
	SCALE_01("scale01"),
	/** Per image and channel, min–max to [0, 1]; a constant channel becomes 0. */
	MINMAX("minmax"),
	/** Per image and channel, mean 0 and standard deviation 1; a constant channel becomes 0. */
	ZSCORE("zscore"),
	/**
	 * Per image and channel, the 1st percentile to 0 and the 99.8th to 1, not clipped (bioimage.io's
	 * {@code scale_range}): the same image in another window, bit depth or scanner gain gives nearly the same input.
	 */
	PERCENTILE("percentile"),
	/** Raw values. */
	NONE("none");

	/** The percentiles that {@link #PERCENTILE} maps to 0 and 1. */
	public static final double LOW_PERCENTILE = 1, HIGH_PERCENTILE = 99.8;

	private final String key;

	Normalization(String key) {
		this.key = key;
	}

	/** The short lower-case name used in settings and the model file, e.g. {@code scale01}. */
	public String key() {
		return key;
	}

	/**
	 * Looks a normalisation up by its key or enum name, ignoring case, spaces, '-' and '_' (so {@code SCALE_01},
	 * {@code scale-01} and {@code MinMax} all work).
	 *
	 * @throws UnetException for an unknown name, listing the valid ones
	 */
	public static Normalization fromName(String name) {
		String wanted = name == null ? "" : name.trim().toLowerCase(Locale.ROOT).replaceAll("[\\s_-]", "");
		for (Normalization n : values())
			if (n.key.equals(wanted))
				return n;
		StringBuilder valid = new StringBuilder();
		for (Normalization n : values())
			valid.append(valid.length() == 0 ? "" : ", ").append(n.key);
		throw new UnetException("unknown normalisation '" + name + "': use one of " + valid);
	}

	/**
	 * Normalises channel-major (C, H, W) pixels in place.
	 *
	 * @param bitDepth 8, 16 or 32, as in {@link LoadedImage#bitDepth()}
	 */
	public void apply(float[] chw, int width, int height, int channels, int bitDepth) {
		int plane = width * height;
		if (chw.length != plane * channels)
			throw new IllegalArgumentException(chw.length + " values do not make " + width + "x" + height + "x" + channels);
		switch (this) {
			case NONE:
				return;
			case SCALE_01:
				if (bitDepth == 8 || bitDepth == 16) {
					float scale = bitDepth == 8 ? 1f / 255f : 1f / 65535f;
					for (int i = 0; i < chw.length; i++)
						chw[i] = Float.isFinite(chw[i]) ? chw[i] * scale : 0f;
				} else if (bitDepth == 32) {
					minMax(chw, 0, chw.length);
				} else {
					throw new IllegalArgumentException("bit depth must be 8, 16 or 32, got " + bitDepth);
				}
				return;
			case MINMAX:
				for (int c = 0; c < channels; c++)
					minMax(chw, c * plane, plane);
				return;
			case ZSCORE:
				for (int c = 0; c < channels; c++)
					zScore(chw, c * plane, plane);
				return;
			case PERCENTILE:
				for (int c = 0; c < channels; c++)
					percentileRange(chw, c * plane, plane);
				return;
			default:
				throw new AssertionError(this);
		}
	}

	private static void minMax(float[] values, int from, int count) {
		float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
		for (int i = from; i < from + count; i++) {
			float v = values[i];
			if (Float.isFinite(v)) {
				min = Math.min(min, v);
				max = Math.max(max, v);
			}
		}
		double range = (double) max - min;
		for (int i = from; i < from + count; i++) {
			float v = values[i];
			values[i] = Float.isFinite(v) && range > 0 ? (float) ((v - (double) min) / range) : 0f;
		}
	}

	private static void percentileRange(float[] values, int from, int count) {
		float[] finite = finiteSorted(values, from, count);
		double low = percentile(finite, LOW_PERCENTILE), high = percentile(finite, HIGH_PERCENTILE);
		double range = high - low;
		if (!(range > 0)) { // a (nearly) constant channel: min-max still tells its few other values apart
			minMax(values, from, count);
			return;
		}
		for (int i = from; i < from + count; i++) {
			float v = values[i];
			values[i] = Float.isFinite(v) ? (float) ((v - low) / range) : 0f;
		}
	}

	/** The finite values of a range, sorted. */
	static float[] finiteSorted(float[] values, int from, int count) {
		float[] finite = new float[count];
		int n = 0;
		for (int i = from; i < from + count; i++)
			if (Float.isFinite(values[i]))
				finite[n++] = values[i];
		float[] sorted = java.util.Arrays.copyOf(finite, n);
		java.util.Arrays.sort(sorted);
		return sorted;
	}

	/** The p-th percentile (0..100) of sorted values with linear interpolation, as numpy's default; NaN if empty. */
	public static double percentile(float[] sorted, double p) {
		if (sorted.length == 0)
			return Double.NaN;
		double rank = p / 100 * (sorted.length - 1);
		int below = (int) Math.floor(rank);
		int above = Math.min(below + 1, sorted.length - 1);
		return sorted[below] + (rank - below) * ((double) sorted[above] - sorted[below]);
	}

	private static void zScore(float[] values, int from, int count) {
		double sum = 0;
		int finite = 0;
		for (int i = from; i < from + count; i++)
			if (Float.isFinite(values[i])) {
				sum += values[i];
				finite++;
			}
		double mean = finite == 0 ? 0 : sum / finite;
		double squares = 0;
		for (int i = from; i < from + count; i++)
			if (Float.isFinite(values[i])) {
				double d = values[i] - mean;
				squares += d * d;
			}
		double sd = finite == 0 ? 0 : Math.sqrt(squares / finite); // population sd, like numpy's std()
		for (int i = from; i < from + count; i++) {
			float v = values[i];
			values[i] = Float.isFinite(v) && sd > 0 ? (float) ((v - mean) / sd) : 0f;
		}
	}
}
