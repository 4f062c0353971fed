package org.lesionseg.unet.core.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lesionseg.unet.core.loss.LossTestSupport.BATCH;
import static org.lesionseg.unet.core.loss.LossTestSupport.BATCH_LOGITS;
import static org.lesionseg.unet.core.loss.LossTestSupport.BATCH_TARGETS;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

import ai.djl.training.loss.Loss;

import org.junit.jupiter.api.Test;
import org.lesionseg.unet.core.UnetException;

class LossesTest {

	@Test
	void namesAreListedInOrder() {
		assertEquals(Arrays.asList("bce", "dice", "bce_dice", "jaccard", "tversky", "focal", "lovasz", "mcc"),
				Losses.names());
		assertThrows(UnsupportedOperationException.class, () -> Losses.names().add("x"));
	}

	@Test
	void everyNameBuildsItsLossWithDefaults() {
		assertInstanceOf(BceWithLogitsLoss.class, Losses.create("bce", null));
		assertInstanceOf(DiceLoss.class, Losses.create("Dice", Collections.emptyMap()));
		assertInstanceOf(BceDiceLoss.class, Losses.create("BCE+Dice", null));
		assertInstanceOf(JaccardLoss.class, Losses.create("iou", null));
		assertInstanceOf(TverskyLoss.class, Losses.create(" tversky ", null));
		assertInstanceOf(FocalLoss.class, Losses.create("FOCAL", null));
		assertInstanceOf(LovaszHingeLoss.class, Losses.create("lovasz", null));
		assertInstanceOf(MccLoss.class, Losses.create("mcc", null));
		for (String name : Losses.names()) {
			Loss loss = Losses.create(name, null);
			assertEquals(name, loss.getName());
			assertTrue(Float.isFinite(LossTestSupport.value(loss, BATCH_LOGITS, BATCH_TARGETS, BATCH)));
		}
		BceDiceLoss bceDice = (BceDiceLoss) Losses.create("bce_dice", null);
		assertEquals(0.5, bceDice.bceWeight());
		assertEquals(0.5, bceDice.diceWeight());
		FocalLoss focal = (FocalLoss) Losses.create("focal", null);
		assertEquals(2.0, focal.gamma());
		assertEquals(0.25, focal.alpha());
		assertTrue(((LovaszHingeLoss) Losses.create("lovasz", null)).perImage());
	}

	@Test
	void parametersReachTheLoss() {
		Map<String, Double> params = new HashMap<>();
		params.put("Alpha", 0.3);
		params.put("beta", 0.7);
		TverskyLoss tversky = (TverskyLoss) Losses.create("tversky", params);
		assertEquals(0.3, tversky.alpha());
		assertEquals(0.7, tversky.beta());
		float created = LossTestSupport.value(tversky, BATCH_LOGITS, BATCH_TARGETS, BATCH);
		float direct = LossTestSupport.value(new TverskyLoss(0.3, 0.7), BATCH_LOGITS, BATCH_TARGETS, BATCH);
		assertEquals(direct, created, 0f);
		assertEquals(3.0, ((BceWithLogitsLoss) Losses.create("bce", Collections.singletonMap("pos_weight", 3.0)))
				.posWeight());
		assertFalse(((LovaszHingeLoss) Losses.create("lovasz", Collections.singletonMap("per_image", 0.0)))
				.perImage());
	}

	@Test
	void unknownNameListsTheValidOnes() {
		UnetException error = assertThrows(UnetException.class, () -> Losses.create("hinge", null));
		assertTrue(error.getMessage().contains("'hinge'"), error.getMessage());
		for (String name : Losses.names()) {
			assertTrue(error.getMessage().contains(name), error.getMessage());
		}
		assertThrows(UnetException.class, () -> Losses.create(null, null));
		assertThrows(UnetException.class, () -> Losses.describe("nope"));
	}

	@Test
	void unknownOrBadParameterIsExplained() {
		UnetException unknown = assertThrows(UnetException.class,
				() -> Losses.create("dice", Collections.singletonMap("gamma", 2.0)));
		assertEquals("loss dice has no parameter 'gamma'; valid parameters: smooth", unknown.getMessage());
		UnetException range = assertThrows(UnetException.class,
				() -> Losses.create("focal", Collections.singletonMap("gamma", -1.0)));
		assertEquals("loss focal: parameter gamma must be a number >= 0 but is -1", range.getMessage());
		UnetException flag = assertThrows(UnetException.class,
				() -> Losses.create("lovasz", Collections.singletonMap("per_image", 0.5)));
		assertTrue(flag.getMessage().contains("0 or 1"), flag.getMessage());
		assertThrows(UnetException.class, () -> Losses.create("mcc", Collections.singletonMap("eps", null)));
	}

	@Test
	void describeGivesOneLineWithDefaults() {
		assertEquals("tversky(alpha=0.5, beta=0.5, smooth=1): Tversky loss, alpha weighs false positives,"
				+ " beta false negatives", Losses.describe("TVERSKY"));
		assertTrue(Losses.describe("bce+dice").startsWith("bce_dice(bce_weight=0.5, dice_weight=0.5, smooth=1,"
				+ " pos_weight=1): "));
		assertTrue(Losses.describe("mcc").startsWith("mcc(eps=0.00001): "), Losses.describe("mcc"));
		for (String name : Losses.names()) {
			assertFalse(Losses.describe(name).contains("\n"));
		}
		assertEquals("jaccard", Losses.canonicalName("IoU"));
	}
}
