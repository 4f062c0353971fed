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

class JaccardLossTest {

	@Test
	void handComputedValues() {
		// p = 0.5: (1 + 1) / (2 + 2 - 1 + 1) = 0.5
		assertEquals(0.5, LossTestSupport.value(new JaccardLoss(), new float[4], new float[] {1, 0, 1, 0}, SMALL),
				1e-6);
		// sum p = 1.8196237, sum p*y = 0.9282230, sum y = 2
		assertEquals(0.5044912940716592, LossTestSupport.value(new JaccardLoss(), new float[] {2, -1, 0.5f, -3},
				new float[] {1, 0, 0, 1}, SMALL), 1e-6);
	}

	@Test
	void edgeCases() {
		float[] targets = {0, 0, 1, 0};
		assertEquals(0.0, LossTestSupport.value(new JaccardLoss(), LossTestSupport.perfectLogits(targets), targets,
				SMALL), 1e-6);
		// empty target, p = 0.5: 1 - 1 / (2 + 1)
		assertEquals(2.0 / 3.0, LossTestSupport.value(new JaccardLoss(), new float[4], new float[4], SMALL), 1e-6);
		LossTestSupport.assertFiniteForExtremeLogits(new JaccardLoss());
		LossTestSupport.assertFiniteForExtremeLogits(new JaccardLoss(0));
	}

	@Test
	void matchesReferenceOnBatch() {
		LossTestSupport.assertMatchesReference(new JaccardLoss(), (x, y) -> ReferenceLosses.jaccard(x, y, 1),
				BATCH_LOGITS, BATCH_TARGETS, BATCH);
		LossTestSupport.assertMatchesReference(new JaccardLoss(0.01), (x, y) -> ReferenceLosses.jaccard(x, y, 0.01),
				BATCH_LOGITS, BATCH_TARGETS_ONE_EMPTY, BATCH);
	}

	@Test
	void negativeSmoothingIsRejected() {
		assertThrows(UnetException.class, () -> new JaccardLoss(Double.NaN));
	}
}
