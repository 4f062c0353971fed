package org.lesionseg.unet.core.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.modelfile.DiffusionSettings;

/** The noise schedules and the DDIM update against values worked out from their closed forms. */
class NoiseScheduleTest {

	private final NoiseSchedule linear = new NoiseSchedule(NoiseSchedule.Kind.LINEAR, 1000);

	@Test
	void linearScheduleIsDdpms() {
		assertEquals(1e-4, linear.beta(0), 1e-15);
		assertEquals(0.02, linear.beta(999), 1e-15);
		// β_1 = 1e-4 + (0.02 - 1e-4)/999; ᾱ_1 = (1 - β_0)(1 - β_1)
		assertEquals(1.1991991991991993e-4, linear.beta(1), 1e-15);
		assertEquals(0.9999 * (1 - 1.1991991991991993e-4), linear.alphaBar(1), 1e-15);
		assertEquals(0.9997800920720721, linear.alphaBar(1), 1e-13);
		// the product of all 1000 factors (what the forward process leaves of the mask at T)
		assertEquals(4.0358297653756754e-05, linear.alphaBar(999), 1e-15);
		assertEquals(1.0, linear.alphaBar(-1));
	}

	@Test
	void cosineScheduleIsNicholAndDhariwals() {
		NoiseSchedule cosine = new NoiseSchedule(NoiseSchedule.Kind.COSINE, 1000);
		// ᾱ_t = f(t + 1) / f(0), f(t) = cos²((t/T + 0.008)/1.008 · π/2)
		assertEquals(0.999958715775178, cosine.alphaBar(0), 1e-12);
		assertEquals(0.49384359044063775, cosine.alphaBar(499), 1e-12);
	}

	@Test
	void ddimStepWithEtaZeroIsTheClosedForm() {
		// x0 = (x - sqrt(1 - ᾱ_500)·ε)/sqrt(ᾱ_500) = -0.31584; x_250 = sqrt(ᾱ_250)·x0 + sqrt(1 - ᾱ_250)·ε
		float[] x = { 0.2f };
		linear.ddimStep(x, new float[] { 0.3f }, 500, 250, 0, null);
		assertEquals(-0.020529110873306583, x[0], 2e-7);
		// x0 = 1.104 is clipped to 1 and ε recomputed from it: (0.5 - sqrt(ᾱ_500))/sqrt(1 - ᾱ_500)
		float[] clipped = { 0.5f };
		linear.ddimStep(clipped, new float[] { 0.2f }, 500, 250, 0, null);
		assertEquals(0.8813578403611907, clipped[0], 2e-7);
		// the last step (to t = -1, ᾱ = 1) returns the clipped x0 itself
		float[] last = { 0.2f };
		linear.ddimStep(last, new float[] { 0.3f }, 500, -1, 0, null);
		assertEquals(-0.31583999498265664, last[0], 2e-7);
	}

	@Test
	void anX0PredictionBecomesTheNoiseItImplies() {
		// ε = (x_t - sqrt(ᾱ_500)·x0)/sqrt(1 - ᾱ_500) with ᾱ_500 = 0.07779665836502386
		float[] x = { 0.2f, 0.2f }, predicted = { -0.3f, 1.7f };
		linear.noiseFromX0(x, predicted, 500);
		assertEquals((0.2 + Math.sqrt(0.07779665836502386) * 0.3) / Math.sqrt(1 - 0.07779665836502386), predicted[0], 1e-6);
		// an x0 outside the mask range is clipped first, and the last DDIM step returns the clipped x0
		linear.ddimStep(x, predicted, 500, -1, 0, null);
		assertEquals(-0.3f, x[0], 1e-6f);
		assertEquals(1f, x[1], 1e-6f);
	}

	@Test
	void ddimWithEtaOneAndEveryStepIsTheDdpmPosterior() {
		assertArrayEquals(java.util.stream.IntStream.range(0, 1000).toArray(), linear.samplingTimes(1000));
		for (int t : new int[] { 1, 10, 250, 500, 999 }) {
			double ab = linear.alphaBar(t), abPrev = linear.alphaBar(t - 1), beta = linear.beta(t);
			// DDPM posterior q(x_{t-1} | x_t, x0): variance β̃ = (1 - ᾱ_{t-1})/(1 - ᾱ_t)·β_t
			double posteriorVariance = (1 - abPrev) / (1 - ab) * beta;
			double sigma = linear.sigma(t, t - 1, 1.0);
			assertEquals(posteriorVariance, sigma * sigma, 1e-12 * Math.max(1, posteriorVariance), "variance at t = " + t);
			// mean μ̃ = sqrt(ᾱ_{t-1})·β_t/(1 - ᾱ_t)·x0 + sqrt(1 - β_t)·(1 - ᾱ_{t-1})/(1 - ᾱ_t)·x_t, with z = 0
			double x0 = -0.4, eps = 0.7, xt = Math.sqrt(ab) * x0 + Math.sqrt(1 - ab) * eps;
			double mean = Math.sqrt(abPrev) * beta / (1 - ab) * x0 + Math.sqrt(1 - beta) * (1 - abPrev) / (1 - ab) * xt;
			float[] x = { (float) xt };
			linear.ddimStep(x, new float[] { (float) eps }, t, t - 1, 1.0, new float[] { 0f });
			assertEquals(mean, x[0], 2e-6, "mean at t = " + t);
			// and the noise enters with σ = sqrt(β̃)
			float[] noisy = { (float) xt };
			linear.ddimStep(noisy, new float[] { (float) eps }, t, t - 1, 1.0, new float[] { 1f });
			assertEquals(mean + Math.sqrt(posteriorVariance), noisy[0], 2e-6, "noise at t = " + t);
		}
	}

	@Test
	void samplingTimesAreEvenAndEndAtTheLastStep() {
		assertArrayEquals(new int[] { 0, 333, 666, 999 }, linear.samplingTimes(4));
		assertArrayEquals(new int[] { 999 }, linear.samplingTimes(1));
	}

	@Test
	void badSettingsGetOneClearLine() {
		assertEquals("sampling steps (1001) cannot exceed the model's diffusion timesteps (1000)",
			assertThrows(UnetException.class, () -> linear.samplingTimes(1001)).getMessage());
		DiffusionSettings s = new DiffusionSettings();
		s.samples = 0;
		assertEquals("samples per image must be between 1 and 100, got 0", assertThrows(UnetException.class, s::check).getMessage());
		s = new DiffusionSettings();
		s.samplingSteps = 1001;
		assertEquals("sampling steps (1001) cannot exceed the diffusion timesteps T (1000)", assertThrows(UnetException.class, s::check).getMessage());
		s = new DiffusionSettings();
		s.schedule = "quadratic";
		assertEquals("unknown noise schedule 'quadratic': use linear or cosine", assertThrows(UnetException.class, s::check).getMessage());
	}
}
