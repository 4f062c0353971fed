package org.lesionseg.unet.core.modelfile;

/**
 * What a diffusion model file records beside the network: the noise schedule it was trained with and the
 * sampling defaults that prediction uses unless told otherwise. Plain public fields, stored by Gson in
 * {@code model.json}; checked by {@code DiffusionConfig.of}.
 */
public final class DiffusionSettings {

	/** Diffusion steps T of training. */
	public int timesteps = 1000;
	/** linear (β 1e-4 → 0.02, as DDPM and MedSegDiff) or cosine (Nichol and Dhariwal). */
	public String schedule = "linear";
	/**
	 * What the network outputs: x0 (the clean mask, from which the noise follows; learns in far fewer steps, see
	 * docs/diffusion.md) or noise (ε, as DDPM and MedSegDiff).
	 */
	public String prediction = "x0";
	/**
	 * Weight of the extra training term on the mask the network implies: BCE (weighted by ᾱ_t per sample with noise
	 * prediction) plus, with x0 prediction, a soft Dice pooled over the batch (MedSegDiff-V2 adds such terms); 0 trains
	 * on the noise (or x0) error alone, as DDPM and MedSegDiff do.
	 */
	public double x0LossWeight = 1.0;
	/** DDIM steps when sampling a mask. */
	public int samplingSteps = 25;
	/** DDIM η: 0 deterministic given the starting noise, 1 as stochastic as DDPM. */
	public double eta = 0;
	/** Samples per image, fused by their mean; their standard deviation is the uncertainty map. */
	public int samples = 5;
	/** Seed of the starting noise (with each tile's content, so a tile gets the same noise whatever came before). */
	public long samplingSeed = 42;

	/** Most samples per image accepted. */
	public static final int MAX_SAMPLES = 100;

	/**
	 * Checks the values, with one line that names the first wrong one.
	 *
	 * @throws org.lesionseg.unet.core.UnetException for a value without a sensible meaning
	 */
	public DiffusionSettings check() {
		require(timesteps >= 2 && timesteps <= 100_000, "diffusion timesteps must be between 2 and 100000, got " + timesteps);
		String s = schedule == null ? "" : schedule.trim().toLowerCase(java.util.Locale.ROOT);
		require(s.equals("linear") || s.equals("cosine"), "unknown noise schedule '" + schedule + "': use linear or cosine");
		require(samplingSteps >= 1, "sampling steps must be at least 1, got " + samplingSteps);
		require(samplingSteps <= timesteps, "sampling steps (" + samplingSteps + ") cannot exceed the diffusion timesteps T (" + timesteps + ")");
		require(eta >= 0 && eta <= 1, "eta must be between 0 (deterministic DDIM) and 1 (DDPM-like), got " + eta);
		require("noise".equals(prediction) || "x0".equals(prediction), "unknown diffusion prediction '" + prediction + "': use x0 or noise");
		require(x0LossWeight >= 0 && x0LossWeight <= 100, "the weight of the mask term must be between 0 and 100, got " + x0LossWeight);
		require(samples >= 1 && samples <= MAX_SAMPLES, "samples per image must be between 1 and " + MAX_SAMPLES + ", got " + samples);
		return this;
	}

	private static void require(boolean condition, String message) {
		if (!condition)
			throw new org.lesionseg.unet.core.UnetException(message);
	}

	public DiffusionSettings copy() {
		return org.lesionseg.unet.core.io.Json.GSON.fromJson(org.lesionseg.unet.core.io.Json.GSON.toJson(this), DiffusionSettings.class);
	}
}
