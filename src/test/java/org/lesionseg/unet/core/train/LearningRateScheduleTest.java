package org.lesionseg.unet.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.lesionseg.unet.core.UnetException;

class LearningRateScheduleTest {

	@Test
	void stepHalvesEveryTwoEpochs() {
		LearningRateSchedule s = LearningRateSchedule.parse("step:size=2,gamma=0.5", 1f, 10);
		assertEquals(1f, s.rateAt(0, 0.5), 1e-7);
		assertEquals(1f, s.rateAt(1, 0.9), 1e-7);
		assertEquals(0.5f, s.rateAt(2, 0), 1e-7);
		assertEquals(0.25f, s.rateAt(5, 0), 1e-7);
	}

	@Test
	void exponentialMultipliesEachEpoch() {
		LearningRateSchedule s = LearningRateSchedule.parse("exponential:gamma=0.9", 0.1f, 10);
		assertEquals(0.1f * 0.9f * 0.9f * 0.9f, s.rateAt(3, 0.7), 1e-7);
	}

	@Test
	void cosineWarmsUpThenFallsToTheMinimum() {
		LearningRateSchedule s = LearningRateSchedule.parse("cosine:warmup=1,min=0", 1f, 11);
		assertTrue(s.rateAt(0, 0) < 0.05f);
		assertEquals(1f, s.rateAt(1, 0), 1e-6); // end of warm-up: the full rate
		assertEquals(0.5f, s.rateAt(6, 0), 1e-6); // halfway through the remaining 10 epochs
		assertEquals(0f, s.rateAt(11, 0), 1e-6);
	}

	/** Warm-up climbs to the base rate and never past it (it once reached (t + 1/64) / warmup of it). */
	@Test
	void cosineWarmUpNeverExceedsTheBaseRate() {
		for (int warmup = 1; warmup <= 3; warmup++) {
			LearningRateSchedule s = ScheduleSpec.parse("cosine:warmup=" + warmup).start(0.01f, 10);
			float previous = 0;
			for (int epoch = 0; epoch < warmup + 1; epoch++)
				for (int batch = 0; batch < 1000; batch++) {
					float rate = s.rateAt(epoch, batch / 1000.0);
					assertTrue(rate <= 0.01f, "warm-up " + warmup + ", epoch " + epoch + " batch " + batch + "/1000: " + rate);
					if (epoch < warmup)
						assertTrue(rate >= previous, "warm-up rises");
					previous = rate;
				}
		}
	}

	@Test
	void cyclicGoesFromBaseToMaxAndBack() {
		LearningRateSchedule s = LearningRateSchedule.parse("cyclic:base=0.1,max=1,half=2", 1f, 10);
		assertEquals(0.1f, s.rateAt(0, 0), 1e-6);
		assertEquals(0.55f, s.rateAt(1, 0), 1e-6);
		assertEquals(1f, s.rateAt(2, 0), 1e-6);
		assertEquals(0.1f, s.rateAt(4, 0), 1e-6);
	}

	@Test
	void plateauHalvesAfterPatienceEpochsWithoutImprovementAndRestoresItsState() {
		LearningRateSchedule s = LearningRateSchedule.parse("plateau:factor=0.5,patience=2", 1f, 10);
		s.endOfEpoch(0.5);
		s.endOfEpoch(0.5);
		s.endOfEpoch(0.4);
		assertEquals(1f, s.rateAt(3, 0), 1e-7);
		s.endOfEpoch(0.45); // third epoch without improvement
		assertEquals(0.5f, s.rateAt(4, 0), 1e-7);
		LearningRateSchedule resumed = LearningRateSchedule.parse("plateau:factor=0.5,patience=2", 1f, 10);
		resumed.restore(s.state());
		assertEquals(0.5f, resumed.rateAt(4, 0), 1e-7);
	}

	/**
	 * Plateau watches the validation Dice (higher is better, PyTorch's mode max) with PyTorch's relative
	 * threshold 1e-4: at a low Dice a rise of 0.00005 is a real improvement (0.5 %), not a plateau.
	 */
	@Test
	void plateauCountsRelativeImprovementsAsPyTorchDoes() {
		LearningRateSchedule s = ScheduleSpec.parse("plateau:factor=0.5,patience=1").start(1f, 10);
		s.endOfEpoch(0.01);
		s.endOfEpoch(0.01005);
		s.endOfEpoch(0.0101);
		s.endOfEpoch(0.01015);
		assertEquals(1f, s.rateAt(4, 0), 1e-7, "every epoch improved by 0.5 %");
		// and a rise below the relative threshold is no improvement: 0.9 -> 0.90008 (< 0.9 * 1.0001)
		LearningRateSchedule high = ScheduleSpec.parse("plateau:factor=0.5,patience=1").start(1f, 10);
		high.endOfEpoch(0.9);
		high.endOfEpoch(0.90008);
		high.endOfEpoch(0.90008);
		assertEquals(0.5f, high.rateAt(3, 0), 1e-7);
	}

	@Test
	void specsReadBackFromTheirText() {
		ScheduleSpec spec = ScheduleSpec.parse(" Step:size=5,gamma=0.5 ");
		assertEquals(LearningRateSchedule.Kind.STEP, spec.kind());
		assertEquals(ScheduleSpec.parse(spec.toString()).toString(), spec.toString());
		assertEquals(LearningRateSchedule.Kind.CONSTANT, ScheduleSpec.parse(null).kind());
	}

	@Test
	void badSpecsSayWhatIsAccepted() {
		UnetException e = assertThrows(UnetException.class, () -> LearningRateSchedule.parse("warp", 1f, 1));
		assertTrue(e.getMessage().contains("constant, step, exponential, cosine, cyclic or plateau"), e.getMessage());
		e = assertThrows(UnetException.class, () -> LearningRateSchedule.parse("step:sizee=3", 1f, 1));
		assertTrue(e.getMessage().contains("size, gamma"), e.getMessage());
		e = assertThrows(UnetException.class, () -> LearningRateSchedule.parse("step:size=three", 1f, 1));
		assertTrue(e.getMessage().contains("needs a number"), e.getMessage());
	}
}
