package org.lesionseg.unet.core.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

class UncertaintyScoreTest {

	@Test
	void entropyIsZeroWhenSureAndOneBitAtOneHalf() {
		float[] h = UncertaintyScore.binaryEntropy(new float[] { 0f, 1f, 0.5f, 0.1f });
		assertEquals(0, h[0], 0);
		assertEquals(0, h[1], 0);
		assertEquals(1, h[2], 1e-6);
		// -0.1 log2 0.1 - 0.9 log2 0.9
		assertEquals(0.4689956, h[3], 1e-6);
	}

	/** Only the object and its ring of MARGIN pixels count: a hesitant pixel far away does not. */
	@Test
	void meanCoversTheObjectsAndTheirMargin() {
		int w = 20, h = 20;
		byte[] mask = new byte[w * h];
		mask[10 * w + 10] = 1;
		float[] map = new float[w * h];
		map[10 * w + 10 + UncertaintyScore.MARGIN] = 49; // inside the 7x7 square around the object
		map[0] = 1000; // far away
		assertEquals(1.0, UncertaintyScore.meanAround(map, mask, w, h, UncertaintyScore.MARGIN), 1e-9);
		map[10 * w + 10 + UncertaintyScore.MARGIN + 1] = 1000; // just outside the margin
		assertEquals(1.0, UncertaintyScore.meanAround(map, mask, w, h, UncertaintyScore.MARGIN), 1e-9);
	}

	@Test
	void aSliceWithoutObjectsScoresItsWholeMean() {
		float[] map = { 1, 2, 3, 6 };
		assertEquals(3.0, UncertaintyScore.meanAround(map, new byte[4], 2, 2, 3), 1e-9);
	}

	/** The network's own map wins over the entropy of its probability. */
	@Test
	void theNetworksMapIsUsedWhenGiven() {
		int w = 8, h = 8;
		float[] p = new float[w * h];
		Arrays.fill(p, 0.5f);
		byte[] mask = new byte[w * h];
		Arrays.fill(mask, (byte) 1);
		assertEquals(1.0, UncertaintyScore.of(p, null, mask, w, h), 1e-6);
		float[] u = new float[w * h];
		Arrays.fill(u, 0.25f);
		assertEquals(0.25, UncertaintyScore.of(p, u, mask, w, h), 1e-6);
		// a sure prediction scores lower than a hesitant one
		Arrays.fill(p, 0.95f);
		assertTrue(UncertaintyScore.of(p, null, mask, w, h) < 0.3);
	}
}
