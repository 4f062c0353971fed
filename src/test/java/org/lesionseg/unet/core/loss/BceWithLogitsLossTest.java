package org.lesionseg.unet.core.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lesionseg.unet.core.loss.LossTestSupport.BATCH;
import static org.lesionseg.unet.core.loss.LossTestSupport.BATCH_LOGITS;
import static org.lesionseg.unet.core.loss.LossTestSupport.BATCH_TARGETS;
import static org.lesionseg.unet.core.loss.LossTestSupport.SMALL;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;
import org.lesionseg.unet.core.UnetException;

class BceWithLogitsLossTest {

	@Test
	void zeroLogitsGiveLogTwo() {
		float value = LossTestSupport.value(new BceWithLogitsLoss(), new float[] {0, 0, 0, 0},
				new float[] {1, 0, 1, 0}, SMALL);
		assertEquals(Math.log(2), value, 1e-6);
	}

	@Test
	void handComputedMixedLogits() {
		// softplus(-2), softplus(-1), softplus(0.5), softplus(3) averaged
		float value = LossTestSupport.value(new BceWithLogitsLoss(), new float[] {2, -1, 0.5f, -3},
				new float[] {1, 0, 0, 1}, SMALL);
		assertEquals(1.115713508578761, value, 1e-6);
	}

	/**
	 * Confident, correct logits: the loss per pixel is log1p(exp(-|x|)), about exp(-|x|), which log(1 + exp(-|x|))
	 * rounds to 0 in float once exp(-|x|) is below float's epsilon (|x| above about 17).
	 */
	@Test
	void largeCorrectLogitsKeepTheirSmallLoss() {
		float[] logits = {18, -20, 25, -30};
		float[] targets = {1, 0, 1, 0};
		for (double posWeight : new double[] {1.0, 2.0}) {
			double expected = 0;
			for (int i = 0; i < logits.length; i++)
				expected += (targets[i] == 1 ? posWeight : 1) * Math.log1p(Math.exp(-Math.abs(logits[i]))) / logits.length;
			float value = LossTestSupport.value(new BceWithLogitsLoss(posWeight), logits, targets, SMALL);
			assertEquals(expected, value, expected * 1e-3, "pos_weight " + posWeight);
		}
		// and very wrong ones stay finite: |x| + log1p(exp(-|x|))
		float wrong = LossTestSupport.value(new BceWithLogitsLoss(), new float[] {-100, 100, -90, 90}, targets, SMALL);
		assertEquals(95, wrong, 1e-4);
	}

	@Test
	void positiveWeightScalesForegroundPixels() {
		// foreground pixels count 3 ln2, background ln2: (3+1+3+1) ln2 / 4 = 2 ln2
		float value = LossTestSupport.value(new BceWithLogitsLoss(3.0), new float[] {0, 0, 0, 0},
				new float[] {1, 0, 1, 0}, SMALL);
		assertEquals(2 * Math.log(2), value, 1e-6);
	}

	@Test
	void matchesReferenceOnBatch() {
		LossTestSupport.assertMatchesReference(new BceWithLogitsLoss(), (x, y) -> ReferenceLosses.bce(x, y, 1),
				BATCH_LOGITS, BATCH_TARGETS, BATCH);
		LossTestSupport.assertMatchesReference(new BceWithLogitsLoss(2.5), (x, y) -> ReferenceLosses.bce(x, y, 2.5),
				BATCH_LOGITS, BATCH_TARGETS, BATCH);
	}

	@Test
	void gradientIsSigmoidMinusTargetOverPixelCount() {
		float[] logits = BATCH_LOGITS.clone();
		logits[4] = 0f; // the kink of max(x,0) must still give sigmoid(0) - y
		float[] gradient = LossTestSupport.gradient(new BceWithLogitsLoss(), logits, BATCH_TARGETS, BATCH);
		for (int i = 0; i < logits.length; i++) {
			double expected = (ReferenceLosses.sigmoid(logits[i]) - BATCH_TARGETS[i]) / logits.length;
			assertEquals(expected, gradient[i], 1e-7, "pixel " + i);
		}
	}

	@Test
	void largeLogitsStayFinite() {
		float[] targets = {1, 0, 1, 0};
		// confidently wrong by 50: loss 50 per pixel
		assertEquals(50.0, LossTestSupport.value(new BceWithLogitsLoss(), new float[] {-50, 50, -50, 50}, targets,
				SMALL), 1e-4);
		// confidently right: loss exp(-50), i.e. 0 in float
		assertEquals(0.0, LossTestSupport.value(new BceWithLogitsLoss(), LossTestSupport.perfectLogits(targets),
				targets, SMALL), 1e-12);
		LossTestSupport.assertFiniteForExtremeLogits(new BceWithLogitsLoss());
		LossTestSupport.assertFiniteForExtremeLogits(new BceWithLogitsLoss(5));
	}

	@Test
	void badInputIsExplained() {
		UnetException weight = assertThrows(UnetException.class, () -> new BceWithLogitsLoss(0));
		assertTrue(weight.getMessage().contains("pos_weight"), weight.getMessage());
		try (NDManager manager = NDManager.newBaseManager()) {
			NDList logits = new NDList(manager.zeros(new Shape(1, 1, 2, 2)));
			NDList wrongMask = new NDList(manager.zeros(new Shape(1, 1, 3, 3)));
			UnetException shape = assertThrows(UnetException.class,
					() -> new BceWithLogitsLoss().evaluate(wrongMask, logits));
			assertTrue(shape.getMessage().contains("(1, 1, 3, 3)"), shape.getMessage());
			assertThrows(UnetException.class, () -> new BceWithLogitsLoss().evaluate(new NDList(), logits));
		}
	}
}
