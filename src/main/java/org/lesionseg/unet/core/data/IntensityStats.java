package org.lesionseg.unet.core.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The raw pixel statistics of a set of images, per channel, before any normalisation: mean, standard deviation and
 * the 1st, 50th and 99th percentiles, with the bit depth. A model file keeps those of its training data, so that an
 * input far from them (another window, scanner or export) is reported before its predictions are trusted
 * ({@link #shiftFrom}). Public fields keep it a plain record for the model file's JSON.
 */
public final class IntensityStats {

	/** One channel's statistics. */
	public static final class Channel {
		public double mean;
		public double sd;
		public double p1;
		public double p50;
		public double p99;
		/** Finite pixels counted. */
		public long pixels;
		/**
		 * Mean and sd of the pixels above their image's minimum: the object rather than the background around it,
		 * whose share changes from slice to slice and would move the overall mean.
		 */
		public double objectMean;
		public double objectSd;
		/** Quartiles of the pixels above their image's minimum: robust to the bright rim (bone) that moves the mean. */
		public double objectP25;
		public double objectP50;
		public double objectP75;
		/** The share of pixels above their image's minimum. */
		public double objectShare;

		@Override
		public String toString() {
			return String.format(Locale.ROOT, "median above the background %s (quartiles %s-%s), percentiles 1/99 %s/%s", num(objectP50), num(objectP25),
				num(objectP75), num(p1), num(p99));
		}
	}

	public int bitDepth;
	public List<Channel> channels = new ArrayList<>();

	/** Pixels per channel kept for the percentiles (a fixed-seed reservoir sample: the same images give the same values). */
	static final int SAMPLE = 200_000;

	/** Inputs with less than this share of pixels above their background are not compared (the first slices of a volume). */
	static final double MIN_OBJECT_SHARE = 0.05;

	/** Median shift (in training interquartile ranges) and spread ratio beyond which an input is reported as far from the training data. */
	static final double MAX_MEDIAN_SHIFT = 1.0, MAX_SPREAD_RATIO = 1.5;

	/** Gathers statistics image by image. */
	public static final class Accumulator {
		private int bitDepth;
		private double[] sum, squares, objectSum, objectSquares;
		private long[] count, objectCount;
		private float[][] reservoir, objectReservoir;
		private int[] kept, objectKept;
		private final SplittableRandom random = new SplittableRandom(42);

		/** Adds one image's raw channel-major (C, H, W) pixels. */
		public synchronized void add(float[] chw, int width, int height, int channels, int imageBitDepth) {
			if (sum == null) {
				sum = new double[channels];
				squares = new double[channels];
				count = new long[channels];
				objectSum = new double[channels];
				objectSquares = new double[channels];
				objectCount = new long[channels];
				reservoir = new float[channels][SAMPLE];
				kept = new int[channels];
				objectReservoir = new float[channels][SAMPLE];
				objectKept = new int[channels];
			}
			bitDepth = Math.max(bitDepth, imageBitDepth);
			int plane = width * height;
			for (int c = 0; c < Math.min(channels, sum.length); c++) {
				float min = Float.POSITIVE_INFINITY;
				for (int i = c * plane; i < (c + 1) * plane; i++)
					if (Float.isFinite(chw[i]))
						min = Math.min(min, chw[i]);
				for (int i = c * plane; i < (c + 1) * plane; i++) {
					float v = chw[i];
					if (!Float.isFinite(v))
						continue;
					sum[c] += v;
					squares[c] += (double) v * v;
					if (v > min) {
						objectSum[c] += v;
						objectSquares[c] += (double) v * v;
						long m = ++objectCount[c];
						if (objectKept[c] < SAMPLE) {
							objectReservoir[c][objectKept[c]++] = v;
						} else {
							long j = random.nextLong(m);
							if (j < SAMPLE)
								objectReservoir[c][(int) j] = v;
						}
					}
					long n = ++count[c];
					if (kept[c] < SAMPLE) {
						reservoir[c][kept[c]++] = v;
					} else {
						long j = random.nextLong(n);
						if (j < SAMPLE)
							reservoir[c][(int) j] = v;
					}
				}
			}
		}

		/** The statistics so far, or null if no image was added. */
		public synchronized IntensityStats result() {
			if (sum == null)
				return null;
			IntensityStats stats = new IntensityStats();
			stats.bitDepth = bitDepth;
			for (int c = 0; c < sum.length; c++) {
				Channel ch = new Channel();
				ch.pixels = count[c];
				if (count[c] > 0) {
					ch.mean = sum[c] / count[c];
					ch.sd = Math.sqrt(Math.max(0, squares[c] / count[c] - ch.mean * ch.mean));
					float[] sorted = Arrays.copyOf(reservoir[c], kept[c]);
					Arrays.sort(sorted);
					ch.p1 = Normalization.percentile(sorted, 1);
					ch.p50 = Normalization.percentile(sorted, 50);
					ch.p99 = Normalization.percentile(sorted, 99);
				}
				if (objectCount[c] > 0) {
					ch.objectMean = objectSum[c] / objectCount[c];
					ch.objectSd = Math.sqrt(Math.max(0, objectSquares[c] / objectCount[c] - ch.objectMean * ch.objectMean));
					ch.objectShare = objectCount[c] / (double) count[c];
					float[] sorted = Arrays.copyOf(objectReservoir[c], objectKept[c]);
					Arrays.sort(sorted);
					ch.objectP25 = Normalization.percentile(sorted, 25);
					ch.objectP50 = Normalization.percentile(sorted, 50);
					ch.objectP75 = Normalization.percentile(sorted, 75);
				}
				stats.channels.add(ch);
			}
			return stats;
		}
	}

	/** The statistics of one image. */
	public static IntensityStats of(float[] chw, int width, int height, int channels, int bitDepth) {
		Accumulator a = new Accumulator();
		a.add(chw, width, height, channels, bitDepth);
		return a.result();
	}

	/**
	 * How an input differs from these (training) statistics, when far enough to matter: the median of its pixels above
	 * the background moved by more than the training's interquartile range of them, the 1st..99th percentile range
	 * changed more than 1.5-fold, or its bit depth differs. On the sample data this flags no BHSD CT slice against
	 * the BHSD set, 1 of 73 ISLES slices against the ISLES set, and every BHSD slice re-windowed or against ISLES. Null when it is close, blank, or when the
	 * channels cannot be compared.
	 */
	public String shiftFrom(IntensityStats input) {
		if (input == null || input.channels.size() != channels.size())
			return null; // a grey image for an RGB model is converted; its statistics are not comparable
		if (input.bitDepth != bitDepth)
			return "bit depth " + input.bitDepth + " where the training images had " + bitDepth;
		for (int c = 0; c < channels.size(); c++) {
			Channel t = channels.get(c), in = input.channels.get(c);
			String where = channels.size() > 1 ? "channel " + (c + 1) + ": " : "";
			if (in.sd == 0 || in.objectShare < MIN_OBJECT_SHARE)
				continue; // a blank slice, or the edge of a volume: too little to compare
			double tRange = t.p99 - t.p1, inRange = in.p99 - in.p1;
			// the spread of the object itself varies too much from slice to slice (more or less bone) to be compared
			double tIqr = t.objectP75 - t.objectP25;
			boolean medianMoved = tIqr > 0 && Math.abs(in.objectP50 - t.objectP50) > MAX_MEDIAN_SHIFT * tIqr;
			boolean rangeChanged = tRange > 0 && inRange > 0 && outside(inRange / tRange);
			if (medianMoved || rangeChanged)
				return where + in + " where the training images had " + t;
		}
		return null;
	}

	private static boolean outside(double ratio) {
		return ratio > MAX_SPREAD_RATIO || ratio < 1 / MAX_SPREAD_RATIO;
	}

	/** The one warning line for an input whose statistics are far from the training data's, or null. */
	public static String warning(IntensityStats training, String inputName, IntensityStats input, String normalization) {
		if (training == null)
			return null; // a model file from before the statistics were recorded
		String shift = training.shiftFrom(input);
		if (shift == null)
			return null;
		return "the intensities of " + inputName + " are far from the model's training data (" + shift + "): its predictions may be wrong; "
			+ ("percentile".equals(normalization) ? "check that it is the same kind of image (modality, window) as the training data"
				: "convert it to the training data's range or window, or train with normalization=percentile");
	}

	static String num(double v) {
		if (v == Math.rint(v) && Math.abs(v) < 1e7)
			return String.valueOf((long) v);
		return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.0f" : Math.abs(v) >= 1 ? "%.1f" : "%.3g", v);
	}
}
