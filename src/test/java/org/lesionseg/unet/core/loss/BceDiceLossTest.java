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

class BceDiceLossTest {

	@Test
	void handComputedValue() {
		// 0.5 * ln2 + 0.5 * 0.4
		assertEquals(0.5 * Math.log(2) + 0.2, LossTestSupport.value(new BceDiceLoss(), new float[4],
				new float[] {1, 0, 1, 0}, SMALL), 1e-6);
	}

	@Test
	void matchesWeightedSumOfReferences() {
		LossTestSupport.assertMatchesReference(new BceDiceLoss(),
				(x, y) -> 0.5 * ReferenceLosses.bce(x, y, 1) + 0.5 * ReferenceLosses.dice(x, y, 1), BATCH_LOGITS,
				BATCH_TARGETS, BATCH);
		LossTestSupport.assertMatchesReference(new BceDiceLoss(0.3, 1.2, 0.5, 2.0),
				(x, y) -> 0.3 * ReferenceLosses.bce(x, y, 2.0) + 1.2 * ReferenceLosses.dice(x, y, 0.5), BATCH_LOGITS,
				BATCH_TARGETS_ONE_EMPTY, BATCH);
	}

	@Test
	void perfectPredictionHasNoLoss() {
		float[] targets = {0, 1, 1, 1};
		assertEquals(0.0, LossTestSupport.value(new BceDiceLoss(), LossTestSupport.perfectLogits(targets), targets,
				SMALL), 1e-6);
	}

	@Test
	void largeLogitsStayFinite() {
		LossTestSupport.assertFiniteForExtremeLogits(new BceDiceLoss());
	}

	@Test
	void weightsAreChecked() {
		UnetException bothZero = assertThrows(UnetException.class, () -> new BceDiceLoss(0, 0));
		assertTrue(bothZero.getMessage().contains("both 0"), bothZero.getMessage());
		assertThrows(UnetException.class, () -> new BceDiceLoss(-0.5, 1));
	}
}
