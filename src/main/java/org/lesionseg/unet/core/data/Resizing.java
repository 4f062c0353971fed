package org.lesionseg.unet.core.data;

import java.util.Random;

/**
 * Resizing, padding and cropping of images and masks.
 * <p>
 * Images use bilinear interpolation with pixel centres aligned ("align corners = false"), the formula of
 * {@code cv2.resize(INTER_LINEAR)} that albumentations uses, so that a model trained here sees images resized as
 * in the original Python pipeline. Masks use nearest neighbour on the same pixel-centre grid, which keeps them 0/1
 * and aligned with the image. Nothing is changed in place: results are new arrays or samples.
 * <p>
 * One geometry rule for training, validation and prediction: an image is never stretched. It is scaled by one
 * factor for both axes ({@link #scaledSize}); training and validation in resize mode use the factor that fits the
 * image into the training square ({@link #fitToSize}) and fill the rest of the square by mirroring, as prediction
 * fills a tile that reaches past the image; prediction scales by the model's input scale, the median of the
 * training factors. A 512×256 image trained at 256 is seen at 256×128 in training and in prediction.
 */
public final class Resizing {

	private Resizing() {
	}

	/** Bilinearly resizes channel-major (C, H, W) pixels to (C, newHeight, newWidth). */
	public static float[] resizeImage(float[] chw, int width, int height, int channels, int newWidth, int newHeight) {
		checkSizes(chw.length, width, height, channels, newWidth, newHeight);
		int[] x0 = new int[newWidth], x1 = new int[newWidth];
		float[] ax = new float[newWidth];
		linearTaps(width, newWidth, x0, x1, ax);
		int[] y0 = new int[newHeight], y1 = new int[newHeight];
		float[] ay = new float[newHeight];
		linearTaps(height, newHeight, y0, y1, ay);
		float[] out = new float[newWidth * newHeight * channels];
		int inPlane = width * height, outPlane = newWidth * newHeight;
		for (int c = 0; c < channels; c++) {
			int inBase = c * inPlane, outBase = c * outPlane;
			for (int y = 0; y < newHeight; y++) {
				int row0 = inBase + y0[y] * width, row1 = inBase + y1[y] * width;
				float wy = ay[y];
				for (int x = 0; x < newWidth; x++) {
					float top = chw[row0 + x0[x]] * (1 - ax[x]) + chw[row0 + x1[x]] * ax[x];
					float bottom = chw[row1 + x0[x]] * (1 - ax[x]) + chw[row1 + x1[x]] * ax[x];
					out[outBase + y * newWidth + x] = top * (1 - wy) + bottom * wy;
				}
			}
		}
		return out;
	}

	/**
	 * The two source indices and the weight of the second for each output index, as cv2 computes them: source
	 * position {@code (i + 0.5) * in / out - 0.5}, clamped to the edge pixels.
	 */
	private static void linearTaps(int in, int out, int[] i0, int[] i1, float[] weight) {
		double scale = (double) in / out;
		for (int i = 0; i < out; i++) {
			double position = (i + 0.5) * scale - 0.5;
			int left = (int) Math.floor(position);
			double w = position - left;
			if (left < 0) {
				left = 0;
				w = 0;
			}
			if (left >= in - 1) {
				left = in - 1;
				w = 0;
			}
			i0[i] = left;
			i1[i] = Math.min(left + 1, in - 1);
			weight[i] = (float) w;
		}
	}

	/** Nearest-neighbour resize of a row-major (H, W) mask, sampling at pixel centres. */
	public static byte[] resizeMask(byte[] mask, int width, int height, int newWidth, int newHeight) {
		checkSizes(mask.length, width, height, 1, newWidth, newHeight);
		int[] xs = nearestTaps(width, newWidth), ys = nearestTaps(height, newHeight);
		byte[] out = new byte[newWidth * newHeight];
		for (int y = 0; y < newHeight; y++)
			for (int x = 0; x < newWidth; x++)
				out[y * newWidth + x] = mask[ys[y] * width + xs[x]];
		return out;
	}

	private static int[] nearestTaps(int in, int out) {
		double scale = (double) in / out;
		int[] taps = new int[out];
		for (int i = 0; i < out; i++)
			taps[i] = Math.min((int) Math.floor((i + 0.5) * scale), in - 1);
		return taps;
	}

	/** The sample resized to newWidth &times; newHeight (image bilinear, mask nearest); the sample itself if it already has that size. */
	public static Sample resize(Sample sample, int newWidth, int newHeight) {
		if (sample.width() == newWidth && sample.height() == newHeight)
			return sample;
		float[] image = resizeImage(sample.imageData(), sample.width(), sample.height(), sample.channels(), newWidth, newHeight);
		byte[] mask = sample.hasMask() ? resizeMask(sample.maskData(), sample.width(), sample.height(), newWidth, newHeight) : null;
		return Sample.of(sample.name(), image, newWidth, newHeight, sample.channels(), mask);
	}

	/** The factor that fits a width &times; height image into a size &times; size square, the same for both axes. */
	public static double fitScale(int width, int height, int size) {
		return size / (double) Math.max(width, height);
	}

	/** {width, height} of an image scaled by one factor for both axes: each side rounded, at least 1 pixel. */
	public static int[] scaledSize(int width, int height, double scale) {
		return new int[] { Math.max(1, (int) Math.round(width * scale)), Math.max(1, (int) Math.round(height * scale)) };
	}

	/**
	 * A training (or validation) sample of size &times; size in resize mode: the sample scaled by
	 * {@link #fitScale} (aspect ratio kept), its short side filled up to the square by mirroring image and mask
	 * at the right and bottom edges, as the predictor fills tiles that reach past an image.
	 */
	public static Sample fitToSize(Sample sample, int size) {
		int[] scaled = scaledSize(sample.width(), sample.height(), fitScale(sample.width(), sample.height(), size));
		Sample s = resize(sample, Math.min(size, scaled[0]), Math.min(size, scaled[1]));
		return mirrorPadTo(s, size, size);
	}

	/**
	 * The sample extended to width &times; height by mirroring (without repeating the edge pixel) at the right
	 * and bottom; the sample itself when it has that size already. Used where the network needs a larger input
	 * than the image: training squares here, tiles in {@code TiledPredictor}.
	 */
	public static Sample mirrorPadTo(Sample sample, int width, int height) {
		int w = sample.width(), h = sample.height(), c = sample.channels();
		if (w == width && h == height)
			return sample;
		if (width < w || height < h)
			throw new IllegalArgumentException("cannot pad " + w + "x" + h + " to the smaller " + width + "x" + height);
		int[] xs = new int[width], ys = new int[height];
		for (int x = 0; x < width; x++)
			xs[x] = mirror(x, w);
		for (int y = 0; y < height; y++)
			ys[y] = mirror(y, h);
		float[] source = sample.imageData();
		float[] image = new float[width * height * c];
		for (int ch = 0; ch < c; ch++)
			for (int y = 0; y < height; y++) {
				int src = (ch * h + ys[y]) * w, dst = (ch * height + y) * width;
				for (int x = 0; x < width; x++)
					image[dst + x] = source[src + xs[x]];
			}
		byte[] mask = null;
		if (sample.hasMask()) {
			byte[] sourceMask = sample.maskData();
			mask = new byte[width * height];
			for (int y = 0; y < height; y++)
				for (int x = 0; x < width; x++)
					mask[y * width + x] = sourceMask[ys[y] * w + xs[x]];
		}
		return Sample.of(sample.name(), image, width, height, c, mask);
	}

	/** Mirrors an index into [0, n) without repeating the edge (numpy's "reflect"; the predictor's tile padding). */
	public static int mirror(int i, int n) {
		if (n == 1)
			return 0;
		int period = 2 * (n - 1);
		int m = Math.floorMod(i, period);
		return m < n ? m : period - m;
	}

	/**
	 * Pads the sample with zeros (image and mask) to at least minWidth &times; minHeight, keeping it centred; returns
	 * the sample itself when it is large enough.
	 */
	public static Sample padTo(Sample sample, int minWidth, int minHeight) {
		int w = sample.width(), h = sample.height();
		if (w >= minWidth && h >= minHeight)
			return sample;
		int newW = Math.max(w, minWidth), newH = Math.max(h, minHeight);
		int offX = (newW - w) / 2, offY = (newH - h) / 2;
		int c = sample.channels();
		float[] source = sample.imageData();
		float[] image = new float[newW * newH * c];
		for (int ch = 0; ch < c; ch++)
			for (int y = 0; y < h; y++)
				System.arraycopy(source, (ch * h + y) * w, image, (ch * newH + y + offY) * newW + offX, w);
		byte[] mask = null;
		if (sample.hasMask()) {
			byte[] sourceMask = sample.maskData();
			mask = new byte[newW * newH];
			for (int y = 0; y < h; y++)
				System.arraycopy(sourceMask, y * w, mask, (y + offY) * newW + offX, w);
		}
		return Sample.of(sample.name(), image, newW, newH, c, mask);
	}

	/** The region (x, y, width, height) of the sample, which must lie inside it. */
	public static Sample crop(Sample sample, int x, int y, int width, int height) {
		int w = sample.width(), h = sample.height(), c = sample.channels();
		if (x < 0 || y < 0 || width <= 0 || height <= 0 || x + width > w || y + height > h)
			throw new IllegalArgumentException("crop " + x + "," + y + " " + width + "x" + height + " outside " + w + "x" + h);
		float[] source = sample.imageData();
		float[] image = new float[width * height * c];
		for (int ch = 0; ch < c; ch++)
			for (int row = 0; row < height; row++)
				System.arraycopy(source, (ch * h + y + row) * w + x, image, (ch * height + row) * width, width);
		byte[] mask = null;
		if (sample.hasMask()) {
			byte[] sourceMask = sample.maskData();
			mask = new byte[width * height];
			for (int row = 0; row < height; row++)
				System.arraycopy(sourceMask, (y + row) * w + x, mask, row * width, width);
		}
		return Sample.of(sample.name(), image, width, height, c, mask);
	}

	/**
	 * A random patch &times; patch crop; an image smaller than the patch is first padded with zeros
	 * ({@link #padTo}). Draws exactly two ints from the random generator.
	 */
	public static Sample randomCrop(Sample sample, int patch, Random random) {
		Sample padded = padTo(sample, patch, patch);
		int x = random.nextInt(padded.width() - patch + 1);
		int y = random.nextInt(padded.height() - patch + 1);
		return crop(padded, x, y, patch, patch);
	}

	/**
	 * A random patch crop that, with probability {@code foregroundProbability} and when the mask has foreground, is
	 * centred (as far as the borders allow) on a randomly chosen foreground pixel. Small lesions are otherwise rarely
	 * inside a patch, and the network learns to predict background only.
	 */
	public static Sample randomCrop(Sample sample, int patch, Random random, double foregroundProbability) {
		Sample padded = padTo(sample, patch, patch);
		double draw = random.nextDouble();
		int x = random.nextInt(padded.width() - patch + 1);
		int y = random.nextInt(padded.height() - patch + 1);
		if (draw < foregroundProbability && padded.hasMask()) {
			byte[] mask = padded.maskData();
			int count = 0;
			for (byte b : mask)
				count += b != 0 ? 1 : 0;
			if (count > 0) {
				int pick = random.nextInt(count);
				for (int i = 0; i < mask.length; i++)
					if (mask[i] != 0 && pick-- == 0) {
						int cx = i % padded.width(), cy = i / padded.width();
						x = clamp(cx - patch / 2, 0, padded.width() - patch);
						y = clamp(cy - patch / 2, 0, padded.height() - patch);
						break;
					}
			}
		}
		return crop(padded, x, y, patch, patch);
	}

	private static int clamp(int value, int min, int max) {
		return Math.max(min, Math.min(max, value));
	}

	private static void checkSizes(int length, int width, int height, int channels, int newWidth, int newHeight) {
		if (width <= 0 || height <= 0 || channels <= 0 || length != width * height * channels)
			throw new IllegalArgumentException(length + " values do not make " + width + "x" + height + "x" + channels);
		if (newWidth <= 0 || newHeight <= 0)
			throw new IllegalArgumentException("new size must be positive, got " + newWidth + "x" + newHeight);
	}
}
