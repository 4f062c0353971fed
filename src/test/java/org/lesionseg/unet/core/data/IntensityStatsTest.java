package org.lesionseg.unet.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

class IntensityStatsTest {

	/** A slice like a CT: background 0, tissue around 40, a thin bright rim (bone); shifted by {@code a·v + b} (clipped to 8 bits). */
	private static float[] slice(long seed, double a, double b) {
		Random r = new Random(seed);
		float[] p = new float[64 * 64];
		for (int y = 0; y < 64; y++)
			for (int x = 0; x < 64; x++) {
				double d = Math.hypot(x - 32, y - 32);
				double v = d < 20 ? 40 + r.nextGaussian() * 8 : d < 21.5 ? 250 : 0;
				p[y * 64 + x] = (float) Math.max(0, Math.min(255, Math.round(a * v + (v > 0 ? b : 0))));
			}
		return p;
	}

	@Test
	void meanSdAndPercentilesOfTheRawPixels() {
		float[] p = new float[1000];
		for (int i = 0; i < p.length; i++)
			p[i] = i;
		IntensityStats s = IntensityStats.of(p, 100, 10, 1, 16);
		IntensityStats.Channel c = s.channels.get(0);
		assertEquals(499.5, c.mean, 1e-9);
		assertEquals(Math.sqrt((1000.0 * 1000 - 1) / 12), c.sd, 1e-6);
		assertEquals(9.99, c.p1, 1e-6);
		assertEquals(499.5, c.p50, 1e-6);
		assertEquals(989.01, c.p99, 1e-6);
		assertEquals(500, c.objectMean, 1e-9); // above the minimum 0
		assertEquals(16, s.bitDepth);
	}

	@Test
	void theTrainingDataItselfIsCloseAndAnotherWindowIsFar() {
		IntensityStats.Accumulator training = new IntensityStats.Accumulator();
		for (int i = 0; i < 8; i++)
			training.add(slice(i, 1, 0), 64, 64, 1, 8);
		IntensityStats t = training.result();
		for (int i = 10; i < 14; i++)
			assertNull(t.shiftFrom(IntensityStats.of(slice(i, 1, 0), 64, 64, 1, 8)), "a slice like the training data");
		// a brain window: tissue moved up to mid-grey
		String far = IntensityStats.warning(t, "brain.png", IntensityStats.of(slice(20, 3, 0), 64, 64, 1, 8), "scale01");
		assertNotNull(far);
		assertTrue(far.startsWith("the intensities of brain.png are far from the model's training data ("), far);
		assertTrue(far.endsWith("or train with normalization=percentile"), far);
		// a 16-bit export
		assertTrue(t.shiftFrom(IntensityStats.of(slice(21, 1, 0), 64, 64, 1, 16)).startsWith("bit depth 16 where the training images had 8"));
		// a blank slice has nothing to compare; an older model file has no statistics
		assertNull(t.shiftFrom(IntensityStats.of(new float[64 * 64], 64, 64, 1, 8)));
		assertNull(IntensityStats.warning(null, "brain.png", IntensityStats.of(slice(20, 3, 0), 64, 64, 1, 8), "scale01"));
	}
}
