package org.lesionseg.unet.core.diffusion;

import java.util.Locale;

import org.lesionseg.unet.core.UnetException;

/**
 * The forward (noising) process: β_t for t = 0..T-1 and the products ᾱ_t = Π_{s≤t} (1 - β_s), in double precision.
 * A mask x0 in [-1, 1] becomes x_t = sqrt(ᾱ_t)·x0 + sqrt(1 - ᾱ_t)·ε.
 * <p>
 * linear: β from 1e-4 to 0.02 scaled by 1000/T (DDPM; MedSegDiff trains with it). cosine: ᾱ_t = f(t+1)/f(0) with
 * f(t) = cos²((t/T + s)/(1 + s)·π/2), s = 0.008, β clipped at 0.999 (Nichol and Dhariwal 2021).
 */
public final class NoiseSchedule {

	public enum Kind {
		LINEAR, COSINE;

		public static Kind fromName(String name) {
			for (Kind k : values())
				if (k.name().equalsIgnoreCase(String.valueOf(name).trim()))
					return k;
			throw new UnetException("unknown noise schedule '" + name + "': use linear or cosine");
		}

		public String key() {
			return name().toLowerCase(Locale.ROOT);
		}
	}

	/** Most diffusion steps accepted (far beyond the 1000 of the papers). */
	public static final int MAX_TIMESTEPS = 100_000;

	private final Kind kind;
	private final double[] betas;
	private final double[] alphaBars;

	public NoiseSchedule(Kind kind, int timesteps) {
		if (timesteps < 2 || timesteps > MAX_TIMESTEPS)
			throw new UnetException("diffusion timesteps must be between 2 and " + MAX_TIMESTEPS + ", got " + timesteps);
		this.kind = kind;
		betas = new double[timesteps];
		alphaBars = new double[timesteps];
		if (kind == Kind.LINEAR) {
			double scale = 1000.0 / timesteps, start = scale * 1e-4, end = Math.min(0.999, scale * 0.02);
			for (int t = 0; t < timesteps; t++)
				betas[t] = start + (end - start) * t / (timesteps - 1);
		} else {
			for (int t = 0; t < timesteps; t++)
				betas[t] = Math.min(0.999, 1 - cosineF(t + 1, timesteps) / cosineF(t, timesteps));
		}
		double product = 1;
		for (int t = 0; t < timesteps; t++) {
			product *= 1 - betas[t];
			alphaBars[t] = product;
		}
	}

	private static double cosineF(double t, int timesteps) {
		double s = 0.008, c = Math.cos((t / timesteps + s) / (1 + s) * Math.PI / 2);
		return c * c;
	}

	public Kind kind() {
		return kind;
	}

	public int timesteps() {
		return betas.length;
	}

	public double beta(int t) {
		return betas[t];
	}

	/** ᾱ_t; for t = -1 (before any noise) 1. */
	public double alphaBar(int t) {
		return t < 0 ? 1.0 : alphaBars[t];
	}

	/**
	 * The DDIM time steps for {@code steps} sampling steps, increasing: evenly spread over 0..T-1 and always ending
	 * at T-1, so that sampling starts from (almost) pure noise.
	 */
	public int[] samplingTimes(int steps) {
		int timesteps = timesteps();
		if (steps < 1)
			throw new UnetException("sampling steps must be at least 1, got " + steps);
		if (steps > timesteps)
			throw new UnetException("sampling steps (" + steps + ") cannot exceed the model's diffusion timesteps (" + timesteps + ")");
		int[] times = new int[steps];
		for (int i = 0; i < steps; i++)
			times[i] = steps == 1 ? timesteps - 1 : (int) Math.round(i * (timesteps - 1) / (double) (steps - 1));
		return times;
	}

	/** The DDIM noise scale σ for the step from t to tPrev with η (σ² is the DDPM posterior variance at η = 1 with tPrev = t - 1). */
	public double sigma(int t, int tPrev, double eta) {
		double ab = alphaBar(t), abPrev = alphaBar(tPrev);
		return eta * Math.sqrt((1 - abPrev) / (1 - ab)) * Math.sqrt(1 - ab / abPrev);
	}

	/**
	 * One DDIM step (Song et al. 2021, eq. 12) in place on {@code x}: x0 is estimated from x_t and the predicted
	 * noise, clipped to the mask range [-1, 1], the noise direction recomputed from the clipped x0, and
	 * x_{tPrev} = sqrt(ᾱ_prev)·x0 + sqrt(1 - ᾱ_prev - σ²)·ε + σ·z.
	 *
	 * @param z standard normal noise (read only when σ > 0; may be null when η = 0)
	 */
	public void ddimStep(float[] x, float[] predictedNoise, int t, int tPrev, double eta, float[] z) {
		double ab = alphaBar(t), abPrev = alphaBar(tPrev);
		double sqrtAb = Math.sqrt(ab), sqrtOneMinusAb = Math.sqrt(1 - ab);
		double sigma = sigma(t, tPrev, eta);
		double direction = Math.sqrt(Math.max(0, 1 - abPrev - sigma * sigma));
		double sqrtAbPrev = Math.sqrt(abPrev);
		for (int i = 0; i < x.length; i++) {
			double x0 = (x[i] - sqrtOneMinusAb * predictedNoise[i]) / sqrtAb;
			x0 = Math.max(-1, Math.min(1, x0));
			double eps = (x[i] - sqrtAb * x0) / sqrtOneMinusAb;
			double next = sqrtAbPrev * x0 + direction * eps;
			if (sigma > 0)
				next += sigma * z[i];
			x[i] = (float) next;
		}
	}

	/**
	 * Turns a network's estimate of the clean mask (x0 prediction) into the noise it implies at step t, in place:
	 * ε = (x_t - sqrt(ᾱ_t)·clip(x0))/sqrt(1 - ᾱ_t), so that {@link #ddimStep} recovers the clipped x0.
	 */
	public void noiseFromX0(float[] x, float[] x0, int t) {
		double ab = alphaBar(t), sqrtAb = Math.sqrt(ab), sqrtOneMinusAb = Math.sqrt(1 - ab);
		for (int i = 0; i < x.length; i++)
			x0[i] = (float) ((x[i] - sqrtAb * Math.max(-1, Math.min(1, x0[i]))) / sqrtOneMinusAb);
	}

	@Override
	public String toString() {
		return kind.key() + " β schedule, T = " + timesteps();
	}
}
