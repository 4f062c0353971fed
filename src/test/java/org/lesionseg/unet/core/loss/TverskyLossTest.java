package org.lesionseg.unet.core.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lesionseg.unet.core.loss.LossTestSupport.BATCH;
import static org.lesionseg.unet.core.loss.LossTestSupport.BATCH_LOGITS;
import static org.lesionseg.unet.core.loss.LossTestSupport.BATCH_TARGETS;
import static org.lesionseg.unet.core.loss.LossTestSupport.BATCH_TARGETS_ONE_EMPTY;
import static org.lesionseg.unet.core.loss.LossTestSupport.SMALL;

import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;
import org.lesionseg.unet.core.UnetException;

class TverskyLossTest {

	@Test
	void handComputedValues() {
		// p = 0.5: TP = FP = FN = 1: 1 - (1 + 1) / (1 + 0.5 + 0.5 + 1)
		assertEquals(1.0 / 3.0, LossTestSupport.value(new TverskyLoss(), new float[4], new float[] {1, 0, 1, 0},
				SMALL), 1e-6);
		// TP = 0.9282230, FP = 0.8914007, FN = 1.0717770 with alpha 0.3, beta 0.7
		assertEquals(0.34545253147071864, LossTestSupport.value(new TverskyLoss(0.3, 0.7),
				new float[] {2, -1, 0.5f, -3}, new float[] {1, 0, 0, 1}, SMALL), 1e-6);
	}

	@Test
	void halfAndHalfIsDiceWithDoubleSmoothing() {
		// (TP + s)/(TP + FP/2 + FN/2 + s) = (2TP + 2s)/(2TP + FP + FN + 2s)
		float tversky = LossTestSupport.value(new TverskyLoss(0.5, 0.5, 0.5), BATCH_LOGITS, BATCH_TARGETS, BATCH);
		float dice = LossTestSupport.value(new DiceLoss(1.0), BATCH_LOGITS, BATCH_TARGETS, BATCH);
		assertEquals(dice, tversky, 1e-6);
	}

	@Test
	void matchesReferenceOnBatch() {
		LossTestSupport.assertMatchesReference(new TverskyLoss(), (x, y) -> ReferenceLosses.tversky(x, y, 0.5, 0.5, 1),
				BATCH_LOGITS, BATCH_TARGETS, BATCH);
		LossTestSupport.assertMatchesReference(new TverskyLoss(0.2, 0.8, 0.5),
				(x, y) -> ReferenceLosses.tversky(x, y, 0.2, 0.8, 0.5), BATCH_LOGITS, BATCH_TARGETS_ONE_EMPTY, BATCH);
	}

	@Test
	void edgeCases() {
		float[] targets = {1, 1, 0, 0};
		assertEquals(0.0, LossTestSupport.value(new TverskyLoss(0.3, 0.7), LossTestSupport.perfectLogits(targets),
				targets, SMALL), 1e-6);
		LossTestSupport.assertFiniteForExtremeLogits(new TverskyLoss(0.3, 0.7));
		LossTestSupport.assertFiniteForExtremeLogits(new TverskyLoss(0, 0, 0));
		UnetException error = assertThrows(UnetException.class, () -> new TverskyLoss(-0.1, 0.5));
		assertTrue(error.getMessage().contains("alpha"), error.getMessage());
	}
}
