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

class FocalLossTest {

	@Test
	void handComputedValue() {
		// ce = ln2, (1 - p_t)^2 = 1/4, alpha_t = 0.25 (lesion) or 0.75: mean = ln2 / 4 * (0.25 + 0.75) / 2
		assertEquals(Math.log(2) / 8, LossTestSupport.value(new FocalLoss(), new float[4], new float[] {1, 0, 1, 0},
				SMALL), 1e-6);
	}

	@Test
	void gammaZeroWithoutAlphaIsBce() {
		float focal = LossTestSupport.value(new FocalLoss(0, -1), BATCH_LOGITS, BATCH_TARGETS, BATCH);
		float bce = LossTestSupport.value(new BceWithLogitsLoss(), BATCH_LOGITS, BATCH_TARGETS, BATCH);
		assertEquals(bce, focal, 1e-6);
	}

	@Test
	void matchesTorchvisionFormula() {
		LossTestSupport.assertMatchesReference(new FocalLoss(), (x, y) -> ReferenceLosses.focal(x, y, 2, 0.25),
				BATCH_LOGITS, BATCH_TARGETS, BATCH);
		LossTestSupport.assertMatchesReference(new FocalLoss(1.5, -1), (x, y) -> ReferenceLosses.focal(x, y, 1.5, -1),
				BATCH_LOGITS, BATCH_TARGETS_ONE_EMPTY, BATCH);
		LossTestSupport.assertMatchesReference(new FocalLoss(0.5, 0.6), (x, y) -> ReferenceLosses.focal(x, y, 0.5, 0.6),
				BATCH_LOGITS, BATCH_TARGETS, BATCH);
	}

	@Test
	void edgeCases() {
		float[] targets = {1, 0, 0, 0};
		assertEquals(0.0, LossTestSupport.value(new FocalLoss(), LossTestSupport.perfectLogits(targets), targets,
				SMALL), 1e-9);
		// confidently wrong by 50: ce = 50, (1 - p_t)^2 = 1, alpha_t = 0.25 or 0.75
		assertEquals(50 * (0.25 + 0.75 * 3) / 4, LossTestSupport.value(new FocalLoss(),
				new float[] {-50, 50, 50, 50}, targets, SMALL), 1e-4);
		LossTestSupport.assertFiniteForExtremeLogits(new FocalLoss());
		// a fractional gamma has pow(0, gamma - 1) = infinity in its naive gradient
		LossTestSupport.assertFiniteForExtremeLogits(new FocalLoss(0.5, 0.25));
		assertThrows(UnetException.class, () -> new FocalLoss(-1, 0.25));
		assertThrows(UnetException.class, () -> new FocalLoss(2, 1.5));
	}
}
