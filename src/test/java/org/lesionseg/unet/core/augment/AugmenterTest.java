package org.lesionseg.unet.core.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.lesionseg.unet.core.data.Batch;
import org.lesionseg.unet.core.data.BatchStream;
import org.lesionseg.unet.core.data.DatasetFolders;
import org.lesionseg.unet.core.data.DatasetLoader;
import org.lesionseg.unet.core.data.ImageMaskPair;
import org.lesionseg.unet.core.data.MaskPolicy;
import org.lesionseg.unet.core.data.Normalization;
import org.lesionseg.unet.core.data.Sample;
import org.lesionseg.unet.core.data.SampleTransform;

class AugmenterTest {

	/**
	 * A w x h sample, 2 channels, with an L-shaped bright region (1 in channel 0, 2 in channel 1, background 0) and
	 * the same L in the mask. The L is off-centre and asymmetric, so a flip or rotation applied to only one of them
	 * would show.
	 */
	static Sample lShape(int w, int h) {
		float[] image = new float[w * h * 2];
		byte[] mask = new byte[w * h];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				boolean inside = (x >= 6 && x < 12 && y >= 5 && y < 20) || (x >= 6 && x < 20 && y >= 14 && y < 20);
				if (inside) {
					image[y * w + x] = 1;
					image[w * h + y * w + x] = 2;
					mask[y * w + x] = 1;
				}
			}
		return Sample.of("L", image, w, h, 2, mask);
	}

	/** Pixels where "image channel 0 above 0.5" and the mask disagree. */
	static int mismatches(Sample s) {
		int count = 0;
		float[] image = s.imageData();
		byte[] mask = s.maskData();
		for (int i = 0; i < mask.length; i++)
			if ((image[i] > 0.5f) != (mask[i] == 1))
				count++;
		return count;
	}

	static void assertBinary(Sample s) {
		for (byte b : s.maskData())
			assertTrue(b == 0 || b == 1);
	}

	@Test
	void flipsAndQuarterTurnsKeepImageAndMaskIdentical() {
		Augmenter augmenter = new Augmenter(AugmentSettings.parse("flip,vflip,rot90"));
		Sample original = lShape(32, 32);
		Set<String> distinct = new HashSet<>();
		for (long seed = 0; seed < 40; seed++) {
			Sample out = augmenter.apply(original, new Random(seed));
			assertEquals(0, mismatches(out), "seed " + seed);
			assertBinary(out);
			// channel 1 moved the same way as channel 0
			for (int i = 0; i < 32 * 32; i++)
				assertEquals(out.imageData()[i] * 2, out.imageData()[32 * 32 + i], 0f);
			distinct.add(Arrays.toString(out.maskData()));
		}
		assertEquals(8, distinct.size()); // the 8 symmetries of the square all occur
	}

	@Test
	void quarterTurnByHand() {
		// 3x2 image [[1,2,3],[4,5,6]] turned counter-clockwise: [[3,6],[2,5],[1,4]]
		float[] turned = Augmenter.rotate90(new float[] { 1, 2, 3, 4, 5, 6 }, 3, 2, 1);
		assertArrayEquals(new float[] { 3, 6, 2, 5, 1, 4 }, turned);
		assertArrayEquals(new byte[] { 3, 6, 2, 5, 1, 4 }, Augmenter.rotate90Mask(new byte[] { 1, 2, 3, 4, 5, 6 }, 3, 2));
		assertArrayEquals(new float[] { 3, 2, 1, 6, 5, 4 }, Augmenter.flip(new float[] { 1, 2, 3, 4, 5, 6 }, 3, 2, 1, true));
		assertArrayEquals(new float[] { 4, 5, 6, 1, 2, 3 }, Augmenter.flip(new float[] { 1, 2, 3, 4, 5, 6 }, 3, 2, 1, false));
	}

	@Test
	void rotationScaleAndElasticKeepMaskAligned() {
		Augmenter augmenter = new Augmenter(AugmentSettings.parse("flip,vflip,rot90,rotate=35,scale=0.2,elastic=8:4"));
		Sample original = lShape(32, 28);
		int lPixels = 6 * 15 + 8 * 6;
		for (long seed = 0; seed < 30; seed++) {
			Sample out = augmenter.apply(original, new Random(seed));
			assertEquals(32, out.width()); // non-square: size kept
			assertEquals(28, out.height());
			assertBinary(out);
			int foreground = 0, overlap = 0;
			double mx = 0, my = 0, ix = 0, iy = 0, imageMass = 0;
			for (int y = 0; y < 28; y++)
				for (int x = 0; x < 32; x++) {
					int i = y * 32 + x;
					float v = out.imageData()[i];
					if (out.maskData()[i] == 1) {
						foreground++;
						mx += x;
						my += y;
						if (v > 0.5f)
							overlap++;
					}
					imageMass += v;
					ix += v * x;
					iy += v * y;
				}
			assertTrue(foreground > 0.5 * lPixels && foreground < 1.6 * lPixels, "seed " + seed + ": " + foreground);
			// disagreements only at the border of the shape (bilinear vs nearest), never a shift
			assertTrue(mismatches(out) <= 0.2 * foreground, "seed " + seed + ": " + mismatches(out) + " of " + foreground);
			assertTrue(overlap >= 0.85 * foreground, "seed " + seed);
			assertEquals(ix / imageMass, mx / foreground, 0.6, "x centroid, seed " + seed);
			assertEquals(iy / imageMass, my / foreground, 0.6, "y centroid, seed " + seed);
		}
	}

	@Test
	void deterministicForSeedAndInputUntouched() {
		Augmenter augmenter = new Augmenter(AugmentSettings.parse("flip,vflip,rot90,rotate=35,scale=0.1,elastic=30:5,brightness=0.2,contrast=0.2,gamma=0.2,noise=0.02"));
		Sample original = lShape(24, 24);
		float[] before = original.imageData().clone();
		byte[] maskBefore = original.maskData().clone();
		Sample a = augmenter.apply(original, new Random(5));
		Sample b = augmenter.apply(original, new Random(5));
		Sample c = augmenter.apply(original, new Random(6));
		assertArrayEquals(a.imageData(), b.imageData(), 0f);
		assertArrayEquals(a.maskData(), b.maskData());
		assertFalse(Arrays.equals(a.imageData(), c.imageData()));
		assertArrayEquals(before, original.imageData(), 0f);
		assertArrayEquals(maskBefore, original.maskData());
		assertSame(original, new Augmenter(AugmentSettings.none()).apply(original, new Random(1)));
	}

	@Test
	void intensityChangesOnlyTheImage() {
		Sample original = lShape(24, 24);
		Sample bright = new Augmenter(AugmentSettings.parse("brightness=0.3")).apply(original, new Random(2));
		assertArrayEquals(original.maskData(), bright.maskData());
		float offset = bright.imageData()[0] - original.imageData()[0];
		assertTrue(Math.abs(offset) <= 0.3f && offset != 0);
		for (int i = 0; i < original.imageData().length; i++)
			assertEquals(original.imageData()[i] + offset, bright.imageData()[i], 1e-6f);

		// contrast keeps the mean; gamma keeps min and max; noise has about the given sd
		Sample contrast = new Augmenter(AugmentSettings.parse("contrast=0.5")).apply(original, new Random(3));
		assertEquals(mean(original.imageData(), 0, 576), mean(contrast.imageData(), 0, 576), 1e-5);
		Sample gamma = new Augmenter(AugmentSettings.parse("gamma=0.5")).apply(original, new Random(3));
		assertArrayEquals(original.imageData(), gamma.imageData(), 1e-6f); // two-valued channels: min and max stay
		float[] flat = new float[100 * 100];
		Sample noisy = new Augmenter(AugmentSettings.parse("noise=0.1")).apply(Sample.of("n", flat, 100, 100, 1, null), new Random(4));
		double m = mean(noisy.imageData(), 0, flat.length), var = 0;
		for (float v : noisy.imageData())
			var += (v - m) * (v - m);
		assertEquals(0.1, Math.sqrt(var / flat.length), 0.005);
		assertFalse(noisy.hasMask());
	}

	private static double mean(float[] values, int from, int to) {
		double sum = 0;
		for (int i = from; i < to; i++)
			sum += values[i];
		return sum / (to - from);
	}

	@Test
	void reflectAndBlurHelpers() {
		int[] expected = { 3, 4, 3, 2, 1, 0, 1, 2, 3, 4, 3, 2, 1, 0 };
		for (int i = -5; i <= 8; i++)
			assertEquals(expected[i + 5], Augmenter.reflect(i, 5), "index " + i);
		assertEquals(0, Augmenter.reflect(7, 1));
		float[] constant = new float[50];
		Arrays.fill(constant, 3f);
		Augmenter.gaussianBlur(constant, 10, 5, 2);
		for (float v : constant)
			assertEquals(3f, v, 1e-5f);
		// the displacement field is smooth: for independent values mean |neighbour step| / mean |value| would be
		// about 1.41; a Gaussian field of sigma 4 has neighbour correlation exp(-1/64), giving about 0.25
		float[][] field = Augmenter.displacementField(64, 64, 10, 4, new Random(1));
		double step = 0, size = 0;
		for (int y = 0; y < 64; y++)
			for (int x = 0; x < 63; x++) {
				step += Math.abs(field[0][y * 64 + x + 1] - field[0][y * 64 + x]);
				size += Math.abs(field[0][y * 64 + x]);
			}
		assertTrue(step < 0.35 * size, "step " + step + " size " + size);
	}

	@Test
	void realDataThroughBatchStreamIsTheSameForOneAndThreeWorkers() {
		Path root = Paths.get("sample-data/isles22-case0009");
		List<ImageMaskPair> pairs = DatasetFolders.pair(root.resolve("images"), root.resolve("masks"))
				.subList(28, 36);
		List<Sample> samples = DatasetLoader.loadAll(pairs, Normalization.SCALE_01,
				MaskPolicy.STRICT);
		SampleTransform transform = new Augmenter(AugmentSettings.parse("default,vflip,elastic=10:4,noise=0.01"))
				.andThen(SampleTransform.resize(64, 64));
		List<float[]> one = new ArrayList<>(), three = new ArrayList<>();
		for (int workers : new int[] { 1, 3 }) {
			try (BatchStream stream = new BatchStream(samples, 3, true, 9, 2, transform, false, workers)) {
				for (Batch batch : stream) {
					assertArrayEquals(new long[] { batch.size(), 1, 64, 64 }, batch.imageShape());
					(workers == 1 ? one : three).add(batch.images());
					(workers == 1 ? one : three).add(batch.masks());
				}
			}
		}
		assertEquals(6, one.size());
		for (int i = 0; i < one.size(); i++)
			assertArrayEquals(one.get(i), three.get(i), 0f);
	}
}
