package org.lesionseg.unet.core.predict;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import org.lesionseg.unet.core.UnetException;

/**
 * Turns a network's probability map into a clean binary mask and a list of measured objects.
 * <p>
 * All images are row-major arrays (index = y * width + x); masks hold 0 or 1. Nothing here depends on
 * ImageJ, so the command line and the plugins post-process identically. Objects are 8-connected
 * (pixels touching at a corner belong together, as in ImageJ's particle analyser); background is
 * therefore 4-connected when holes are filled, so that a diagonal line of object pixels closes a hole.
 * The flood fills use an explicit stack, never recursion, so an image of any size full of
 * foreground cannot overflow the call stack.
 *
 * <pre>
 * MaskPostprocessing.Result r = MaskPostprocessing.process(prob, w, h,
 * 		new MaskPostprocessing.Options().threshold(0.5f).minSize(5).fillHoles(true));
 * byte[] mask = r.mask();
 * for (SegmentedObject o : r.objects()) ...
 * </pre>
 */
public final class MaskPostprocessing {

	private MaskPostprocessing() {
	}

	/** Settings of {@link MaskPostprocessing#process}: a fluent, mutable holder with safe defaults. */
	public static final class Options {

		private float threshold = 0.5f;
		private int minSize = 0;
		private boolean fillHoles = false;

		/**
		 * Probability above which a pixel is foreground; default 0.5. Must lie in (0, 1) ({@link #validThreshold}):
		 * 0 would mark every pixel and 1 none. Requests check the user's value first and name its key.
		 */
		public Options threshold(float value) {
			if (!validThreshold(value))
				throw new UnetException(String.format(Locale.ROOT, "threshold must be between 0 and 1 (exclusive), got %s", Float.toString(value)));
			threshold = value;
			return this;
		}

		/** The one threshold range of every entry point and the core: (0, 1), both ends excluded. */
		public static boolean validThreshold(double value) {
			return value > 0 && value < 1;
		}

		/** Objects with fewer pixels than this are removed; default 0 (keep all). Must not be negative. */
		public Options minSize(int pixels) {
			if (pixels < 0)
				throw new UnetException("minimum object size " + pixels + " is negative: use 0 to keep every object");
			minSize = pixels;
			return this;
		}

		/** Whether holes inside objects become foreground; default false. */
		public Options fillHoles(boolean value) {
			fillHoles = value;
			return this;
		}

		public float threshold() {
			return threshold;
		}

		public int minSize() {
			return minSize;
		}

		public boolean fillHoles() {
			return fillHoles;
		}

		@Override
		public String toString() {
			return String.format(Locale.ROOT, "threshold=%s min_size=%d fill_holes=%b", Float.toString(threshold), minSize, fillHoles);
		}
	}

	/** What {@link MaskPostprocessing#process} returns: the final mask, its labels and its objects. */
	public static final class Result {

		private final byte[] mask;
		private final LabelImage labels;
		private final List<SegmentedObject> objects;

		Result(byte[] mask, LabelImage labels, List<SegmentedObject> objects) {
			this.mask = mask;
			this.labels = labels;
			this.objects = Collections.unmodifiableList(objects);
		}

		/** The final 0/1 mask, row-major. */
		public byte[] mask() {
			return mask;
		}

		public LabelImage labels() {
			return labels;
		}

		/** The objects ordered by label. */
		public List<SegmentedObject> objects() {
			return objects;
		}
	}

	/**
	 * Thresholds, optionally fills holes, removes small objects, labels and measures, in that order.
	 *
	 * @param probability row-major probabilities in [0, 1]
	 */
	public static Result process(float[] probability, int width, int height, Options options) {
		checkSize(probability.length, width, height, "probability map");
		byte[] mask = threshold(probability, options.threshold());
		if (options.fillHoles())
			mask = fillHoles(mask, width, height);
		LabelImage labels = label(mask, width, height);
		if (options.minSize() > 1) {
			labels = dropSmall(labels, options.minSize());
			mask = labels.toMask();
		}
		return new Result(mask, labels, objects(labels, probability));
	}

	/**
	 * Foreground where the probability is strictly greater than the threshold, like {@code prob > 0.5}
	 * in PyTorch; NaN counts as background.
	 */
	public static byte[] threshold(float[] probability, float threshold) {
		byte[] mask = new byte[probability.length];
		for (int i = 0; i < probability.length; i++)
			if (probability[i] > threshold)
				mask[i] = 1;
		return mask;
	}

	/**
	 * Fills holes: background regions (4-connected) that do not touch the image border become
	 * foreground. Returns a new mask; the input is not changed.
	 */
	public static byte[] fillHoles(byte[] mask, int width, int height) {
		checkSize(mask.length, width, height, "mask");
		// Mark the background reachable from the border; whatever background remains is a hole.
		boolean[] outside = new boolean[mask.length];
		IntStack stack = new IntStack();
		for (int x = 0; x < width; x++) {
			seedBackground(mask, outside, stack, x);
			seedBackground(mask, outside, stack, (height - 1) * width + x);
		}
		for (int y = 0; y < height; y++) {
			seedBackground(mask, outside, stack, y * width);
			seedBackground(mask, outside, stack, y * width + width - 1);
		}
		while (!stack.isEmpty()) {
			int i = stack.pop();
			int x = i % width;
			int y = i / width;
			if (x > 0)
				seedBackground(mask, outside, stack, i - 1);
			if (x < width - 1)
				seedBackground(mask, outside, stack, i + 1);
			if (y > 0)
				seedBackground(mask, outside, stack, i - width);
			if (y < height - 1)
				seedBackground(mask, outside, stack, i + width);
		}
		byte[] filled = new byte[mask.length];
		for (int i = 0; i < mask.length; i++)
			filled[i] = (byte) (outside[i] ? 0 : 1);
		return filled;
	}

	private static void seedBackground(byte[] mask, boolean[] outside, IntStack stack, int i) {
		if (mask[i] == 0 && !outside[i]) {
			outside[i] = true;
			stack.push(i);
		}
	}

	/**
	 * Removes 8-connected objects with fewer than {@code minSize} pixels. Returns a new mask; the input
	 * is not changed.
	 */
	public static byte[] removeSmall(byte[] mask, int width, int height, int minSize) {
		checkSize(mask.length, width, height, "mask");
		if (minSize <= 1)
			return mask.clone();
		return dropSmall(label(mask, width, height), minSize).toMask();
	}

	/** Removes small objects from a label image and renumbers the rest, keeping their order. */
	private static LabelImage dropSmall(LabelImage labels, int minSize) {
		int[] l = labels.labels();
		long[] area = new long[labels.count() + 1];
		for (int v : l)
			area[v]++;
		int[] newLabel = new int[area.length];
		int count = 0;
		for (int v = 1; v < area.length; v++)
			if (area[v] >= minSize)
				newLabel[v] = ++count;
		int[] kept = new int[l.length];
		for (int i = 0; i < l.length; i++)
			kept[i] = newLabel[l[i]];
		return new LabelImage(kept, labels.width(), labels.height(), count);
	}

	/**
	 * Labels the 8-connected components of a 0/1 mask (any non-zero value counts as foreground).
	 * Objects are numbered 1, 2, ... in raster order of their first pixel.
	 */
	public static LabelImage label(byte[] mask, int width, int height) {
		checkSize(mask.length, width, height, "mask");
		int[] labels = new int[mask.length];
		IntStack stack = new IntStack();
		int count = 0;
		for (int start = 0; start < mask.length; start++) {
			if (mask[start] == 0 || labels[start] != 0)
				continue;
			count++;
			labels[start] = count;
			stack.push(start);
			while (!stack.isEmpty()) {
				int i = stack.pop();
				int x = i % width;
				int y = i / width;
				int x0 = Math.max(0, x - 1), x1 = Math.min(width - 1, x + 1);
				int y0 = Math.max(0, y - 1), y1 = Math.min(height - 1, y + 1);
				for (int ny = y0; ny <= y1; ny++) {
					int row = ny * width;
					for (int nx = x0; nx <= x1; nx++) {
						int n = row + nx;
						if (mask[n] != 0 && labels[n] == 0) {
							labels[n] = count;
							stack.push(n);
						}
					}
				}
			}
		}
		return new LabelImage(labels, width, height, count);
	}

	/**
	 * Measures every object of a label image.
	 *
	 * @param probability the row-major probability map the labels came from, or null (then the
	 *            probabilities are NaN)
	 * @return one object per label, ordered by label
	 */
	public static List<SegmentedObject> objects(LabelImage labels, float[] probability) {
		int width = labels.width();
		int[] l = labels.labels();
		if (probability != null)
			checkSize(probability.length, width, labels.height(), "probability map");
		int n = labels.count() + 1;
		long[] area = new long[n];
		double[] sumX = new double[n], sumY = new double[n], sumP = new double[n];
		double[] maxP = new double[n];
		int[] minX = new int[n], minY = new int[n], maxX = new int[n], maxY = new int[n];
		Arrays.fill(minX, Integer.MAX_VALUE);
		Arrays.fill(minY, Integer.MAX_VALUE);
		Arrays.fill(maxX, -1);
		Arrays.fill(maxY, -1);
		Arrays.fill(maxP, Double.NEGATIVE_INFINITY);
		for (int i = 0; i < l.length; i++) {
			int v = l[i];
			if (v == 0)
				continue;
			if (v < 0 || v >= n)
				throw new IllegalArgumentException("label " + v + " at pixel " + i + " exceeds the object count " + labels.count());
			int x = i % width;
			int y = i / width;
			area[v]++;
			sumX[v] += x;
			sumY[v] += y;
			if (x < minX[v])
				minX[v] = x;
			if (x > maxX[v])
				maxX[v] = x;
			if (y < minY[v])
				minY[v] = y;
			if (y > maxY[v])
				maxY[v] = y;
			if (probability != null) {
				sumP[v] += probability[i];
				if (probability[i] > maxP[v])
					maxP[v] = probability[i];
			}
		}
		List<SegmentedObject> objects = new ArrayList<>(labels.count());
		for (int v = 1; v < n; v++) {
			if (area[v] == 0)
				continue; // a label image made elsewhere may skip numbers
			double mean = probability == null ? Double.NaN : sumP[v] / area[v];
			double max = probability == null ? Double.NaN : maxP[v];
			objects.add(new SegmentedObject(v, area[v], sumX[v] / area[v] + 0.5, sumY[v] / area[v] + 0.5, minX[v], minY[v],
					maxX[v] - minX[v] + 1, maxY[v] - minY[v] + 1, mean, max));
		}
		return objects;
	}

	private static void checkSize(int length, int width, int height, String what) {
		if (width <= 0 || height <= 0)
			throw new IllegalArgumentException(what + " size must be positive, got " + width + "x" + height);
		if ((long) width * height != length)
			throw new IllegalArgumentException(what + " has " + length + " pixels, expected " + width + "x" + height);
	}

	/** A growable stack of pixel indices: the flood fills' work list, so no recursion is needed. */
	private static final class IntStack {

		private int[] items = new int[1024];
		private int size;

		void push(int value) {
			if (size == items.length)
				items = Arrays.copyOf(items, items.length * 2);
			items[size++] = value;
		}

		int pop() {
			return items[--size];
		}

		boolean isEmpty() {
			return size == 0;
		}
	}
}
