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

class DiceLossTest {

	@Test
	void handComputedValues() {
		// p = 0.5 everywhere: (2*1 + 1) / (2 + 2 + 1) = 0.6
		assertEquals(0.4, LossTestSupport.value(new DiceLoss(), new float[4], new float[] {1, 0, 1, 0}, SMALL), 1e-6);
		// p = sigmoid(2, -1, 0.5, -3): sum p = 1.8196237, sum p*y = 0.9282230
		assertEquals(0.4073300992146254, LossTestSupport.value(new DiceLoss(), new float[] {2, -1, 0.5f, -3},
				new float[] {1, 0, 0, 1}, SMALL), 1e-6);
	}

	@Test
	void emptyTarget() {
		// nothing to find, p = 0.5 on 4 pixels: 1 - 1/(2 + 0 + 1)
		assertEquals(2.0 / 3.0, LossTestSupport.value(new DiceLoss(), new float[4], new float[4], SMALL), 1e-6);
		// nothing to find and nothing found: no loss
		assertEquals(0.0, LossTestSupport.value(new DiceLoss(), new float[] {-50, -50, -50, -50}, new float[4], SMALL),
				1e-6);
	}

	@Test
	void perfectPredictionHasNoLoss() {
		float[] targets = {1, 0, 1, 0};
		assertEquals(0.0, LossTestSupport.value(new DiceLoss(), LossTestSupport.perfectLogits(targets), targets, SMALL),
				1e-6);
	}

	@Test
	void matchesReferenceOnBatch() {
		LossTestSupport.assertMatchesReference(new DiceLoss(), (x, y) -> ReferenceLosses.dice(x, y, 1), BATCH_LOGITS,
				BATCH_TARGETS, BATCH);
		LossTestSupport.assertMatchesReference(new DiceLoss(0.1), (x, y) -> ReferenceLosses.dice(x, y, 0.1),
				BATCH_LOGITS, BATCH_TARGETS_ONE_EMPTY, BATCH);
	}

	@Test
	void largeLogitsStayFinite() {
		LossTestSupport.assertFiniteForExtremeLogits(new DiceLoss());
		LossTestSupport.assertFiniteForExtremeLogits(new DiceLoss(0));
	}

	@Test
	void negativeSmoothingIsRejected() {
		UnetException error = assertThrows(UnetException.class, () -> new DiceLoss(-1));
		assertTrue(error.getMessage().contains("smooth"), error.getMessage());
	}
}
