package org.lesionseg.unet.core.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.lesionseg.unet.core.UnetException;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.loss.Loss;

/** The multi-class losses against values computed by hand on 3 outputs (background and 2 classes) and 2 pixels. */
class SoftmaxLossTest {

	private static final Shape LOGITS = new Shape(1, 3, 1, 2), LABELS = new Shape(1, 1, 1, 2);
	private static final float LN2 = (float) Math.log(2);
	/** Pixel 0: exp = (1, 2, 1), p = (1/4, 1/2, 1/4); pixel 1: p = (1/4, 1/4, 1/2). Channel-major: c0 c0 c1 c1 c2 c2. */
	private static final float[] UNEVEN = { 0, 0, LN2, 0, 0, LN2 };

	private static double value(Loss loss, float[] logits, float[] labels) {
		try (NDManager manager = NDManager.newBaseManager()) {
			return loss.evaluate(new NDList(manager.create(labels, LABELS)), new NDList(manager.create(logits, LOGITS))).getFloat();
		}
	}

	private static Loss loss(String name, Map<String, Double> params) {
		return LossSpec.of(name, params).forOutputs(3).create();
	}

	@Test
	void crossEntropyIsMinusTheMeanLogProbabilityOfTheTrueClass() {
		// uniform logits: p = 1/3 everywhere, -log(1/3)
		assertEquals(Math.log(3), value(loss("ce", null), new float[6], new float[] { 1, 2 }), 1e-6);
		// the true classes have p = 1/2 at both pixels: -log(1/2)
		assertEquals(Math.log(2), value(loss("bce", null), UNEVEN, new float[] { 1, 2 }), 1e-6);
	}

	@Test
	void diceIsTakenPerClassOverTheClassesPresent() {
		// uniform: class k has intersection 1/3, sum p 2/3, sum y 1: (2/3 + 1) / (2/3 + 1 + 1) = 0.625 for both
		assertEquals(0.375, value(loss("dice", null), new float[6], new float[] { 1, 2 }), 1e-6);
		// uneven: intersection 1/2, sum p 3/4, sum y 1: 2 / 2.75
		assertEquals(1 - 2 / 2.75, value(loss("dice", null), UNEVEN, new float[] { 1, 2 }), 1e-6);
		// only class 1 present: (4/3 + 1) / (2/3 + 2 + 1) = 7/11; class 2 is left out (with it the mean would be 0.618)
		assertEquals(4.0 / 11, value(loss("dice", null), new float[6], new float[] { 1, 1 }), 1e-6);
		// no class present: both count, each 1 / (2/3 + 1) = 0.6, so predicted foreground still costs
		assertEquals(0.4, value(loss("dice", null), new float[6], new float[] { 0, 0 }), 1e-6);
	}

	@Test
	void crossEntropyAndDiceAreWeighted() {
		assertEquals(0.5 * Math.log(3) + 0.5 * 0.375, value(loss("bce_dice", null), new float[6], new float[] { 1, 2 }), 1e-6);
		assertEquals(0.2 * Math.log(3) + 0.8 * 0.375,
			value(loss("ce_dice", Map.of("bce_weight", 0.2, "dice_weight", 0.8)), new float[6], new float[] { 1, 2 }), 1e-6);
		// a perfect, confident prediction costs (almost) nothing
		float[] sure = { -20, -20, 20, -20, -20, 20 };
		assertTrue(value(loss("bce_dice", null), sure, new float[] { 1, 2 }) < 1e-5);
	}

	@Test
	void binaryOnlyLossesAreRefusedInOneLine() {
		for (String name : new String[] { "jaccard", "tversky", "focal", "lovasz", "mcc" }) {
			String message = assertThrows(UnetException.class, () -> LossSpec.of(name, null).forOutputs(6)).getMessage();
			assertEquals("loss " + name + " is for binary masks only; for 5 classes use bce_dice (cross-entropy + multi-class Dice), bce (cross-entropy) or dice",
				message);
		}
		assertTrue(assertThrows(UnetException.class, () -> LossSpec.of("bce", Map.of("pos_weight", 3.0)).forOutputs(3)).getMessage()
			.startsWith("pos_weight is for binary masks"));
	}

	@Test
	void theBinaryLossesStayAsTheyWere() {
		assertTrue(LossSpec.of("bce_dice", null).forOutputs(1).create() instanceof BceDiceLoss);
		assertTrue(LossSpec.of("bce_dice", null).create() instanceof BceDiceLoss);
	}
}
