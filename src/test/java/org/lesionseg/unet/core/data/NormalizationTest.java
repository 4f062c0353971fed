package org.lesionseg.unet.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.lesionseg.unet.core.UnetException;

class NormalizationTest {

	@Test
	void scale01ByBitDepth() {
		float[] eight = { 0, 51, 255, 127.5f };
		Normalization.SCALE_01.apply(eight, 2, 2, 1, 8);
		assertArrayEquals(new float[] { 0, 0.2f, 1, 0.5f }, eight, 1e-7f);

		float[] sixteen = { 0, 65535, 13107, 0 };
		Normalization.SCALE_01.apply(sixteen, 2, 2, 1, 16);
		assertArrayEquals(new float[] { 0, 1, 0.2f, 0 }, sixteen, 1e-7f);

		float[] floats = { -2, 2, 0, 6 }; // min -2, max 6
		Normalization.SCALE_01.apply(floats, 2, 2, 1, 32);
		assertArrayEquals(new float[] { 0, 0.5f, 0.25f, 1 }, floats, 1e-7f);
	}

	@Test
	void percentileMapsTheFirstAndTheNinetyNinePointEighthPercentileToZeroAndOne() {
		// 0..999 in one channel: numpy's percentile(range(1000), [1, 99.8]) is 9.99 and 997.002
		float[] ramp = new float[1000];
		for (int i = 0; i < ramp.length; i++)
			ramp[(i * 7) % 1000] = i; // shuffled, so the sort matters
		float[] pixels = ramp.clone();
		Normalization.PERCENTILE.apply(pixels, 100, 10, 1, 16);
		for (int i = 0; i < ramp.length; i++)
			assertEquals((ramp[i] - 9.99) / (997.002 - 9.99), pixels[i], 1e-5, "pixel " + i);
		assertEquals(Normalization.PERCENTILE, Normalization.fromName("percentile"));
	}

	@Test
	void percentileGivesTheSameInputForTheSameImageInAnotherWindowOrBitDepth() {
		float[] eight = new float[64 * 64];
		java.util.Random r = new java.util.Random(3);
		for (int i = 0; i < eight.length; i++)
			eight[i] = r.nextInt(256);
		float[] sixteen = new float[eight.length];
		for (int i = 0; i < eight.length; i++)
			sixteen[i] = 1000 + 200 * eight[i]; // a 16-bit export with another level and width
		float[] a = eight.clone(), b = sixteen.clone();
		Normalization.PERCENTILE.apply(a, 64, 64, 1, 8);
		Normalization.PERCENTILE.apply(b, 64, 64, 1, 16);
		assertArrayEquals(a, b, 1e-5f);
		// scale01 does not: the 16-bit copy lands elsewhere
		float[] c = eight.clone(), d = sixteen.clone();
		Normalization.SCALE_01.apply(c, 64, 64, 1, 8);
		Normalization.SCALE_01.apply(d, 64, 64, 1, 16);
		assertTrue(Math.abs(c[1] - d[1]) > 0.05 || Math.abs(c[2] - d[2]) > 0.05);
	}

	@Test
	void minMaxPerChannel() {
		// channel 0: 10..30, channel 1: constant
		float[] chw = { 10, 20, 30, 5, 5, 5 };
		Normalization.MINMAX.apply(chw, 3, 1, 2, 8);
		assertArrayEquals(new float[] { 0, 0.5f, 1, 0, 0, 0 }, chw, 1e-7f);
	}

	@Test
	void zScorePerChannel() {
		// channel 0: 1,2,3,4,5 -> mean 3, population sd sqrt(2)
		float[] chw = { 1, 2, 3, 4, 5, 7, 7, 7, 7, 7 };
		Normalization.ZSCORE.apply(chw, 5, 1, 2, 8);
		double sd = Math.sqrt(2);
		assertArrayEquals(new float[] { (float) (-2 / sd), (float) (-1 / sd), 0, (float) (1 / sd), (float) (2 / sd), 0, 0, 0, 0, 0 }, chw, 1e-6f);
	}

	@Test
	void noneAndNonFiniteValues() {
		float[] raw = { 3, Float.NaN };
		Normalization.NONE.apply(raw, 2, 1, 1, 32);
		assertEquals(3f, raw[0]);
		assertTrue(Float.isNaN(raw[1]));

		float[] withNaN = { 0, Float.NaN, 4, Float.POSITIVE_INFINITY };
		Normalization.MINMAX.apply(withNaN, 4, 1, 1, 32);
		assertArrayEquals(new float[] { 0, 0, 1, 0 }, withNaN);
	}

	@Test
	void namesAndKeys() {
		assertEquals(Normalization.SCALE_01, Normalization.fromName("scale01"));
		assertEquals(Normalization.SCALE_01, Normalization.fromName("SCALE_01"));
		assertEquals(Normalization.MINMAX, Normalization.fromName(" Min-Max "));
		assertEquals(Normalization.ZSCORE, Normalization.fromName("z-score"));
		for (Normalization n : Normalization.values())
			assertEquals(n, Normalization.fromName(n.key()));
		UnetException e = assertThrows(UnetException.class, () -> Normalization.fromName("histogram"));
		assertEquals("unknown normalisation 'histogram': use one of scale01, minmax, zscore, percentile, none", e.getMessage());
		assertThrows(IllegalArgumentException.class, () -> Normalization.SCALE_01.apply(new float[3], 2, 2, 1, 8));
	}
}
