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

class MccLossTest {

	@Test
	void handComputedValues() {
		// p = 0.5: TP = FP = FN = TN = 1, MCC 0
		assertEquals(1.0, LossTestSupport.value(new MccLoss(), new float[4], new float[] {1, 0, 1, 0}, SMALL), 1e-6);
		// confidently inverted: TP = TN = 0, FP = FN = 2, MCC -1
		assertEquals(2.0, LossTestSupport.value(new MccLoss(), new float[] {-50, 50, -50, 50},
				new float[] {1, 0, 1, 0}, SMALL), 1e-4);
	}

	@Test
	void perfectPredictionHasNoLoss() {
		assertEquals(0.0, LossTestSupport.value(new MccLoss(), LossTestSupport.perfectLogits(BATCH_TARGETS),
				BATCH_TARGETS, BATCH), 1e-4);
	}

	@Test
	void matchesReferenceOnBatch() {
		LossTestSupport.assertMatchesReference(new MccLoss(), (x, y) -> ReferenceLosses.mcc(x, y, 1e-5), BATCH_LOGITS,
				BATCH_TARGETS, BATCH);
		LossTestSupport.assertMatchesReference(new MccLoss(1e-3), (x, y) -> ReferenceLosses.mcc(x, y, 1e-3),
				BATCH_LOGITS, BATCH_TARGETS_ONE_EMPTY, BATCH);
	}

	@Test
	void edgeCases() {
		LossTestSupport.assertFiniteForExtremeLogits(new MccLoss());
		assertThrows(UnetException.class, () -> new MccLoss(0));
	}
}
