package org.lesionseg.unet.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.lesionseg.unet.core.UnetException;

class ConfusionCountsTest {

	@Test
	void countsBinaryMasks() {
		ConfusionCounts counts = ConfusionCounts.of(new byte[] {1, 1, 0, 0, 1, 0}, new byte[] {1, 0, 1, 0, 1, 0});
		assertEquals(new ConfusionCounts(2, 1, 1, 2), counts);
		assertEquals(4.0 / 6.0, counts.dice(), 1e-12);
		assertEquals(0.5, counts.iou(), 1e-12);
		assertEquals(4.0 / 6.0, counts.accuracy(), 1e-12);
		assertEquals(2.0 / 3.0, counts.precision(), 1e-12);
		assertEquals(2.0 / 3.0, counts.recall(), 1e-12);
		assertEquals(3, counts.truthPixels());
		assertEquals(3, counts.predictedPixels());
		assertEquals(6, counts.total());
		assertFalse(counts.truthEmpty());
	}

	@Test
	void anyNonZeroByteIsForeground() {
		ConfusionCounts counts = ConfusionCounts.of(new byte[] {(byte) 255, 0, (byte) 255}, new byte[] {1, 1, 0});
		assertEquals(new ConfusionCounts(1, 1, 1, 0), counts);
	}

	@Test
	void thresholdedProbabilitiesCountAboveAsForegroundAsPredictionDoes() {
		// one rule for validation, evaluation and prediction: strictly above; exactly 0.5 is background
		float[] probability = {0.5f, 0.49f, 0.9f, 0.1f, Float.NaN};
		ConfusionCounts counts = ConfusionCounts.of(probability, 0.5f, new byte[] {1, 1, 0, 0, 1});
		assertEquals(new ConfusionCounts(0, 1, 3, 1), counts);
		assertEquals(new ConfusionCounts(2, 1, 1, 1), ConfusionCounts.of(probability, 0.4f,
				new byte[] {1, 1, 0, 0, 1}));
	}

	@Test
	void bothEmptyIsPerfect() {
		ConfusionCounts counts = ConfusionCounts.of(new byte[4], new byte[4]);
		assertEquals(new ConfusionCounts(0, 0, 0, 4), counts);
		assertTrue(counts.truthEmpty());
		assertEquals(1.0, counts.dice());
		assertEquals(1.0, counts.iou());
		assertEquals(1.0, counts.accuracy());
		assertEquals(1.0, counts.precision());
		assertEquals(1.0, counts.recall());
	}

	@Test
	void falseAlarmOnEmptyTruthScoresZero() {
		ConfusionCounts counts = new ConfusionCounts(0, 3, 0, 5);
		assertTrue(counts.truthEmpty());
		assertEquals(0.0, counts.dice());
		assertEquals(0.0, counts.iou());
		assertEquals(0.0, counts.precision());
		assertEquals(0.0, counts.recall());
		assertEquals(5.0 / 8.0, counts.accuracy(), 1e-12);
	}

	@Test
	void missedLesionScoresZero() {
		ConfusionCounts counts = new ConfusionCounts(0, 0, 4, 4);
		assertEquals(0.0, counts.dice());
		assertEquals(0.0, counts.iou());
		assertEquals(0.0, counts.precision());
		assertEquals(0.0, counts.recall());
		assertEquals(0.5, counts.accuracy());
	}

	@Test
	void plusAddsEveryCount() {
		ConfusionCounts sum = new ConfusionCounts(1, 2, 3, 4).plus(new ConfusionCounts(10, 20, 30, 40));
		assertEquals(new ConfusionCounts(11, 22, 33, 44), sum);
		assertEquals(sum, sum.plus(ConfusionCounts.ZERO));
		assertTrue(Double.isNaN(ConfusionCounts.ZERO.accuracy()));
	}

	@Test
	void badInputIsExplained() {
		UnetException sizes = assertThrows(UnetException.class,
				() -> ConfusionCounts.of(new byte[3], new byte[4]));
		assertTrue(sizes.getMessage().contains("3") && sizes.getMessage().contains("4"), sizes.getMessage());
		assertThrows(UnetException.class, () -> ConfusionCounts.of(new float[4], 0.5f, new byte[5]));
		assertThrows(UnetException.class, () -> ConfusionCounts.of(new float[4], Float.NaN, new byte[4]));
		assertThrows(UnetException.class, () -> ConfusionCounts.of((byte[]) null, new byte[4]));
		assertThrows(UnetException.class, () -> ConfusionCounts.of(new byte[4], null));
		assertThrows(UnetException.class, () -> new ConfusionCounts(-1, 0, 0, 0));
	}
}
