package org.lesionseg.unet.core.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

/** The per-slice uncertainty score on hand-made maps, against values computed by hand. */
class UncertaintyScoreTest {

	private static final int W = 12, H = 10;

	@Test
	void theScoreIsTheMeanUncertaintyWithinThreePixelsOfTheObjectsAndOnProbablePixels() {
		float[] probability = new float[W * H], uncertainty = new float[W * H];
		byte[] mask = new byte[W * H];
		Arrays.fill(uncertainty, 0.9f);
		// one object pixel at (x=2, y=2): the region is x, y in [0, 5] (clipped at the edge), 6 x 6 = 36 pixels of 0.1
		mask[2 * W + 2] = 1;
		for (int y = 0; y <= 5; y++)
			for (int x = 0; x <= 5; x++)
				uncertainty[y * W + x] = 0.1f;
		// 4 pixels away in x: outside the region, though as uncertain as can be
		uncertainty[2 * W + 6] = 1f;
		// far from the object but probable enough (0.25 <= p < threshold): in the region with 0.5
		probability[9 * W + 11] = 0.3f;
		uncertainty[9 * W + 11] = 0.5f;
		// probable, but just under 0.25: not in the region
		probability[9 * W + 8] = 0.24f;

		UncertaintyScore score = UncertaintyScore.of(probability, uncertainty, mask, W, H);

		assertEquals(37, score.regionPixels());
		assertEquals((36 * 0.1 + 0.5) / 37, score.score(), 1e-6);
	}

	@Test
	void aSliceWithNothingToReviewScoresZero() {
		float[] probability = new float[W * H], uncertainty = new float[W * H];
		Arrays.fill(probability, 0.2f);
		Arrays.fill(uncertainty, 0.4f);
		UncertaintyScore score = UncertaintyScore.of(probability, uncertainty, new byte[W * H], W, H);
		assertEquals(0, score.regionPixels());
		assertEquals(0, score.score(), 0);
	}

	@Test
	void slicesRankMostUncertainFirst() {
		UncertaintyTable table = new UncertaintyTable();
		float[] probability = new float[W * H];
		byte[] mask = new byte[W * H];
		mask[0] = 1;
		for (float u : new float[] { 0.2f, 0.7f, 0.4f }) {
			float[] uncertainty = new float[W * H];
			Arrays.fill(uncertainty, u);
			table.add("stack", table.size() + 1, 1, 1, UncertaintyScore.of(probability, uncertainty, mask, W, H));
		}
		int[] order = table.mostUncertainFirst().stream().mapToInt(r -> r.slice).toArray();
		assertEquals("[2, 3, 1]", Arrays.toString(order));
	}

	@Test
	void aReviewRanksByTheEntropyOfTheProbabilityWhenTheNetworkGivesNoUncertainty() {
		float[] entropy = UncertaintyScore.binaryEntropy(new float[] { 0f, 0.5f, 1f, 0.25f });
		assertEquals(0f, entropy[0], 1e-7);
		assertEquals(1f, entropy[1], 1e-7);
		assertEquals(0f, entropy[2], 1e-7);
		assertEquals(-(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75)) / Math.log(2), entropy[3], 1e-6);
		// one object pixel in a 1 x 4 strip: every pixel is within the margin, so the score is the strip's mean entropy
		float[] probability = { 0.5f, 0.9f, 0.1f, 0.5f };
		byte[] mask = { 0, 1, 0, 0 };
		float[] h = UncertaintyScore.binaryEntropy(probability);
		double mean = (h[0] + h[1] + h[2] + h[3]) / 4.0;
		assertEquals(mean, UncertaintyScore.forRanking(probability, null, mask, 4, 1), 1e-6);
		float[] given = { 0.2f, 0.2f, 0.2f, 0.2f };
		assertEquals(0.2, UncertaintyScore.forRanking(probability, given, mask, 4, 1), 1e-6, "the network's own map wins over the entropy");
	}
}
