package org.lesionseg.unet.core.augment;

import java.util.Random;

import org.lesionseg.unet.core.data.Sample;
import org.lesionseg.unet.core.data.SampleTransform;

/**
 * Applies random augmentations ({@link AugmentSettings}) to training samples.
 * <p>
 * Flips and 90&deg; rotations permute pixels exactly. Rotation, scaling and elastic deformation are combined into
 * one mapping from output to source positions, sampled bilinearly for the image and by nearest neighbour for the
 * mask, so the mask stays 0/1 and aligned with the image; borders are mirrored (as albumentations' default
 * {@code BORDER_REFLECT_101}), which avoids black corners. Intensity changes touch only the image. All randomness
 * comes from the given {@link Random}: the same seed gives the same result. The input sample is never modified.
 */
public final class Augmenter implements SampleTransform {

	private final AugmentSettings settings;

	public Augmenter(AugmentSettings settings) {
		this.settings = settings;
	}

	public AugmentSettings settings() {
		return settings;
	}

	/** The augmented sample; the sample itself when nothing is enabled. */
	@Override
	public Sample apply(Sample sample, Random random) {
		if (settings.isNone())
			return sample;
		int w = sample.width(), h = sample.height(), c = sample.channels();
		float[] image = sample.imageData().clone();
		byte[] mask = sample.hasMask() ? sample.maskData().clone() : null;

		// Exact pixel permutations first.
		if (settings.horizontalFlip() && random.nextBoolean()) {
			image = flip(image, w, h, c, true);
			mask = mask == null ? null : flipMask(mask, w, h, true);
		}
		if (settings.verticalFlip() && random.nextBoolean()) {
			image = flip(image, w, h, c, false);
			mask = mask == null ? null : flipMask(mask, w, h, false);
		}
		if (settings.rotate90()) {
			int quarterTurns = w == h ? random.nextInt(4) : 2 * random.nextInt(2);
			for (int k = 0; k < quarterTurns; k++) {
				image = rotate90(image, w, h, c);
				mask = mask == null ? null : rotate90Mask(mask, w, h);
				int t = w;
				w = h;
				h = t;
			}
		}

		// One resampling for rotation, zoom and elastic deformation.
		double angle = settings.rotateDegrees() > 0 ? Math.toRadians(uniform(random, settings.rotateDegrees())) : 0;
		double zoom = settings.scale() > 0 ? 1 + uniform(random, settings.scale()) : 1;
		float[][] displacement = settings.elasticAlpha() > 0 ? displacementField(w, h, settings.elasticAlpha(), settings.elasticSigma(), random) : null;
		if (angle != 0 || zoom != 1 || displacement != null) {
			float[][] source = sourcePositions(w, h, angle, zoom, displacement);
			image = sampleBilinear(image, w, h, c, source);
			mask = mask == null ? null : sampleNearest(mask, w, h, source);
		}

		// Intensity, image only.
		if (settings.brightness() > 0) {
			float offset = (float) uniform(random, settings.brightness());
			for (int i = 0; i < image.length; i++)
				image[i] += offset;
		}
		if (settings.contrast() > 0)
			contrast(image, w * h, c, 1 + uniform(random, settings.contrast()));
		if (settings.gamma() > 0)
			gamma(image, w * h, c, 1 + uniform(random, settings.gamma()));
		if (settings.noise() > 0) {
			double sd = settings.noise();
			for (int i = 0; i < image.length; i++)
				image[i] += (float) (random.nextGaussian() * sd);
		}
		return Sample.of(sample.name(), image, w, h, c, mask);
	}

	/** Uniform in [-limit, limit]. */
	private static double uniform(Random random, double limit) {
		return (random.nextDouble() * 2 - 1) * limit;
	}

	// ---------------------------------------------------------------- exact permutations

	static float[] flip(float[] chw, int w, int h, int c, boolean horizontal) {
		float[] out = new float[chw.length];
		for (int ch = 0; ch < c; ch++)
			for (int y = 0; y < h; y++)
				for (int x = 0; x < w; x++) {
					int sx = horizontal ? w - 1 - x : x, sy = horizontal ? y : h - 1 - y;
					out[(ch * h + y) * w + x] = chw[(ch * h + sy) * w + sx];
				}
		return out;
	}

	static byte[] flipMask(byte[] mask, int w, int h, boolean horizontal) {
		byte[] out = new byte[mask.length];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++)
				out[y * w + x] = mask[(horizontal ? y : h - 1 - y) * w + (horizontal ? w - 1 - x : x)];
		return out;
	}

	/** A quarter turn (counter-clockwise as displayed): the result is h wide and w high. */
	static float[] rotate90(float[] chw, int w, int h, int c) {
		float[] out = new float[chw.length];
		// output (x', y') of size (h, w) takes input (x = w - 1 - y', y = x')
		for (int ch = 0; ch < c; ch++)
			for (int yo = 0; yo < w; yo++)
				for (int xo = 0; xo < h; xo++)
					out[(ch * w + yo) * h + xo] = chw[(ch * h + xo) * w + (w - 1 - yo)];
		return out;
	}

	static byte[] rotate90Mask(byte[] mask, int w, int h) {
		byte[] out = new byte[mask.length];
		for (int yo = 0; yo < w; yo++)
			for (int xo = 0; xo < h; xo++)
				out[yo * h + xo] = mask[xo * w + (w - 1 - yo)];
		return out;
	}

	// ---------------------------------------------------------------- resampling

	/**
	 * For each output pixel, the source position: first the elastic displacement on the output grid, then the
	 * inverse of rotation and zoom about the image centre.
	 */
	private static float[][] sourcePositions(int w, int h, double angle, double zoom, float[][] displacement) {
		double cx = (w - 1) / 2.0, cy = (h - 1) / 2.0;
		double cos = Math.cos(angle) / zoom, sin = Math.sin(angle) / zoom;
		float[] sx = new float[w * h], sy = new float[w * h];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				int i = y * w + x;
				double u = x - cx, v = y - cy;
				if (displacement != null) {
					u += displacement[0][i];
					v += displacement[1][i];
				}
				sx[i] = (float) (cx + cos * u + sin * v);
				sy[i] = (float) (cy - sin * u + cos * v);
			}
		return new float[][] { sx, sy };
	}

	/** Mirrors an index into [0, n) without repeating the edge pixel (reflect-101: ... 2 1 | 0 1 2 ... n-1 | n-2 ...). */
	static int reflect(int i, int n) {
		if (n == 1)
			return 0;
		int period = 2 * (n - 1);
		i = Math.abs(i) % period;
		return i >= n ? period - i : i;
	}

	private static float[] sampleBilinear(float[] chw, int w, int h, int c, float[][] source) {
		float[] out = new float[chw.length];
		int plane = w * h;
		for (int i = 0; i < plane; i++) {
			double fx = source[0][i], fy = source[1][i];
			int x0 = (int) Math.floor(fx), y0 = (int) Math.floor(fy);
			float ax = (float) (fx - x0), ay = (float) (fy - y0);
			int xa = reflect(x0, w), xb = reflect(x0 + 1, w), ya = reflect(y0, h), yb = reflect(y0 + 1, h);
			for (int ch = 0; ch < c; ch++) {
				int base = ch * plane;
				float top = chw[base + ya * w + xa] * (1 - ax) + chw[base + ya * w + xb] * ax;
				float bottom = chw[base + yb * w + xa] * (1 - ax) + chw[base + yb * w + xb] * ax;
				out[base + i] = top * (1 - ay) + bottom * ay;
			}
		}
		return out;
	}

	private static byte[] sampleNearest(byte[] mask, int w, int h, float[][] source) {
		byte[] out = new byte[mask.length];
		for (int i = 0; i < out.length; i++) {
			int x = reflect((int) Math.floor(source[0][i] + 0.5), w), y = reflect((int) Math.floor(source[1][i] + 0.5), h);
			out[i] = mask[y * w + x];
		}
		return out;
	}

	/** Uniform noise in [-1, 1] per pixel, Gaussian-smoothed with sigma, times alpha: {dx, dy}. */
	static float[][] displacementField(int w, int h, double alpha, double sigma, Random random) {
		float[][] field = new float[2][w * h];
		for (float[] component : field) {
			for (int i = 0; i < component.length; i++)
				component[i] = (float) (random.nextDouble() * 2 - 1);
			gaussianBlur(component, w, h, sigma);
			for (int i = 0; i < component.length; i++)
				component[i] *= alpha;
		}
		return field;
	}

	/** Separable Gaussian blur in place, mirrored borders, kernel radius 3 sigma. */
	static void gaussianBlur(float[] values, int w, int h, double sigma) {
		int radius = Math.max(1, (int) Math.ceil(3 * sigma));
		float[] kernel = new float[2 * radius + 1];
		double sum = 0;
		for (int k = -radius; k <= radius; k++) {
			kernel[k + radius] = (float) Math.exp(-k * k / (2 * sigma * sigma));
			sum += kernel[k + radius];
		}
		for (int k = 0; k < kernel.length; k++)
			kernel[k] /= sum;
		float[] temp = new float[values.length];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				float acc = 0;
				for (int k = -radius; k <= radius; k++)
					acc += kernel[k + radius] * values[y * w + reflect(x + k, w)];
				temp[y * w + x] = acc;
			}
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				float acc = 0;
				for (int k = -radius; k <= radius; k++)
					acc += kernel[k + radius] * temp[reflect(y + k, h) * w + x];
				values[y * w + x] = acc;
			}
	}

	// ---------------------------------------------------------------- intensity

	/** Stretches each channel around its mean by the factor. */
	private static void contrast(float[] chw, int plane, int channels, double factor) {
		for (int ch = 0; ch < channels; ch++) {
			double mean = 0;
			for (int i = ch * plane; i < (ch + 1) * plane; i++)
				mean += chw[i];
			mean /= plane;
			for (int i = ch * plane; i < (ch + 1) * plane; i++)
				chw[i] = (float) (mean + (chw[i] - mean) * factor);
		}
	}

	/** Applies a gamma to each channel's values mapped to its own [min, max] (works for any normalisation). */
	private static void gamma(float[] chw, int plane, int channels, double gamma) {
		for (int ch = 0; ch < channels; ch++) {
			float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
			for (int i = ch * plane; i < (ch + 1) * plane; i++) {
				min = Math.min(min, chw[i]);
				max = Math.max(max, chw[i]);
			}
			double range = (double) max - min;
			if (!(range > 0))
				continue;
			for (int i = ch * plane; i < (ch + 1) * plane; i++)
				chw[i] = (float) (min + range * Math.pow((chw[i] - min) / range, gamma));
		}
	}
}
