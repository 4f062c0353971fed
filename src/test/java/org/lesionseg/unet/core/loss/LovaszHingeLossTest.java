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

class LovaszHingeLossTest {

	@Test
	void handComputedValues() {
		// all errors 1: the weights sum to the last Jaccard value, 1
		assertEquals(1.0, LossTestSupport.value(new LovaszHingeLoss(), new float[4], new float[] {1, 0, 1, 0}, SMALL),
				1e-6);
		// errors 1 - x*s = -1, 0, 1.5, 4; sorted labels 1, 0, 0, 1 give Jaccard 1/2, 2/3, 3/4, 1 and
		// weights 1/2, 1/6, 1/12, 1/4: 4/2 + 1.5/6 = 2.25
		assertEquals(2.25, LossTestSupport.value(new LovaszHingeLoss(), new float[] {2, -1, 0.5f, -3},
				new float[] {1, 0, 0, 1}, SMALL), 1e-6);
		// errors 0.5 (lesion) and 1.2: weights 1/2, 1/2
		assertEquals(0.85, LossTestSupport.value(new LovaszHingeLoss(), new float[] {0.5f, 0.2f}, new float[] {1, 0},
				new Shape(1, 1, 1, 2)), 1e-6);
	}

	@Test
	void confidentPredictionsHaveNoLoss() {
		float[] targets = {0, 1, 0, 0};
		assertEquals(0.0, LossTestSupport.value(new LovaszHingeLoss(), LossTestSupport.perfectLogits(targets),
				targets, SMALL), 1e-6);
		assertEquals(0.0, LossTestSupport.value(new LovaszHingeLoss(), new float[] {-50, -50, -50, -50},
				new float[4], SMALL), 1e-6);
	}

	@Test
	void matchesBermanReferencePerImage() {
		LossTestSupport.assertMatchesReference(new LovaszHingeLoss(), ReferenceLosses::lovasz, BATCH_LOGITS,
				BATCH_TARGETS, BATCH);
		LossTestSupport.assertMatchesReference(new LovaszHingeLoss(), ReferenceLosses::lovasz, BATCH_LOGITS,
				BATCH_TARGETS_ONE_EMPTY, BATCH);
	}

	@Test
	void wholeBatchModeTreatsTheBatchAsOneImage() {
		LossTestSupport.assertMatchesReference(new LovaszHingeLoss(false),
				(x, y) -> ReferenceLosses.lovaszFlat(concat(x), concat(y)), BATCH_LOGITS, BATCH_TARGETS, BATCH);
	}

	@Test
	void singlePixelImages() {
		// one pixel, lesion, logit -0.5: error 1.5, Jaccard weight 1
		assertEquals(1.5, LossTestSupport.value(new LovaszHingeLoss(), new float[] {-0.5f}, new float[] {1},
				new Shape(1, 1, 1, 1)), 1e-6);
	}

	@Test
	void largeLogitsStayFinite() {
		LossTestSupport.assertFiniteForExtremeLogits(new LovaszHingeLoss());
		LossTestSupport.assertFiniteForExtremeLogits(new LovaszHingeLoss(false));
	}

	private static double[] concat(double[][] rows) {
		int p = rows[0].length;
		double[] flat = new double[rows.length * p];
		for (int n = 0; n < rows.length; n++) {
			System.arraycopy(rows[n], 0, flat, n * p, p);
		}
		return flat;
	}
}
