package org.lesionseg.unet.workflow.options;

import java.util.Arrays;

import org.lesionseg.unet.core.modelfile.DiffusionSettings;

/**
 * The model kind of a training and the settings of the diffusion kind (noise schedule, sampling defaults), written
 * once here; the training registry ({@link TrainOptions}) lists them. Their defaults are {@link DiffusionSettings}'.
 */
public final class DiffusionOptions {

	private DiffusionOptions() {
	}

	private static final DiffusionSettings D = new DiffusionSettings();

	public static final Option<String> MODEL_KIND = Option.choice("model_kind", "unet",
		"unet (the classic U-Net) or diffusion (a MedSegDiff-style denoiser that samples masks and gives an uncertainty map)",
		Arrays.asList("unet", "diffusion"));
	public static final Option<Integer> TIMESTEPS = Option.integer("diffusion_timesteps", D.timesteps, "Diffusion only: noise steps T of training")
		.range(2, 100_000).advanced();
	public static final Option<String> NOISE_SCHEDULE = Option
		.choice("noise_schedule", D.schedule, "Diffusion only: linear β schedule (DDPM, MedSegDiff) or cosine", Arrays.asList("linear", "cosine"))
		.advanced();
	public static final Option<String> PREDICTION = Option.choice("diffusion_prediction", D.prediction,
		"Diffusion only: what the network outputs, x0 (the clean mask; learns in far fewer steps) or noise (as DDPM and MedSegDiff)",
		Arrays.asList("x0", "noise")).advanced();
	public static final Option<Double> MASK_LOSS_WEIGHT = Option.number("mask_loss_weight", D.x0LossWeight,
		"Diffusion only: weight of the BCE (and, with x0 prediction, soft Dice) term on the mask the network implies; 0 for none").range(0, 100).advanced();
	public static final Option<Integer> SAMPLING_STEPS = Option
		.integer("sampling_steps", D.samplingSteps, "Diffusion only: DDIM steps per sampled mask (recorded as the model's default)").min(1);
	public static final Option<Double> DDIM_ETA = Option
		.number("ddim_eta", D.eta, "Diffusion only: DDIM eta, 0 deterministic given the starting noise, 1 as random as DDPM").range(0, 1).advanced();
	public static final Option<Integer> ENSEMBLE_SAMPLES = Option.integer("ensemble_samples", D.samples,
		"Diffusion only: masks sampled per image; their mean is the probability, their standard deviation the uncertainty").range(1,
			DiffusionSettings.MAX_SAMPLES);

	// ---- at prediction: the model file's sampling defaults unless these say otherwise

	public static final Option<Integer> PREDICT_SAMPLING_STEPS = Option.integer("sampling_steps", 0,
		"Diffusion models only: DDIM steps per sampled mask (fewer: faster, coarser); 0 for the model file's").min(0).advanced();
	public static final Option<Integer> PREDICT_ENSEMBLE_SAMPLES = Option.integer("ensemble_samples", 0,
		"Diffusion models only: masks sampled per image, fused by their mean; their standard deviation is the uncertainty map; 0 for the model file's")
		.range(0, DiffusionSettings.MAX_SAMPLES).advanced();
	public static final Option<Double> PREDICT_DDIM_ETA = Option.number("ddim_eta", -1.0,
		"Diffusion models only: DDIM eta, 0 deterministic given the starting noise, 1 as random as DDPM; negative for the model file's").range(-1, 1)
		.advanced();

	/** The sampling options of every prediction registry (segment, predict, evaluate). */
	public static final Option<?>[] SAMPLING = { PREDICT_SAMPLING_STEPS, PREDICT_ENSEMBLE_SAMPLES, PREDICT_DDIM_ETA };

	/** True when any of the prediction's sampling values departs from "the model file's" (0 steps, 0 samples, negative eta). */
	public static boolean samplingGiven(int steps, int samples, double eta) {
		return steps != 0 || samples != 0 || eta >= 0;
	}

	/**
	 * The model file's sampling settings with the prediction's overrides, or null when none is given (the file's apply).
	 *
	 * @param recorded the model file's settings (null for a U-Net or an imported network)
	 * @param what     the model, for the message
	 * @throws org.lesionseg.unet.core.UnetException for an override on a model that does not sample, or out of range for the model (steps above T)
	 */
	public static DiffusionSettings sampling(int steps, int samples, double eta, DiffusionSettings recorded, String what) {
		if (!samplingGiven(steps, samples, eta))
			return null;
		if (recorded == null) {
			Option<?> given = steps != 0 ? PREDICT_SAMPLING_STEPS : samples != 0 ? PREDICT_ENSEMBLE_SAMPLES : PREDICT_DDIM_ETA;
			throw new org.lesionseg.unet.core.UnetException(given.name() + " (" + given.commandLineFlag() + ") applies to diffusion models only; " + what
				+ " is not one: leave it out");
		}
		DiffusionSettings used = recorded.copy();
		if (steps != 0)
			used.samplingSteps = steps;
		if (samples != 0)
			used.samples = samples;
		if (eta >= 0)
			used.eta = eta;
		return used.check();
	}

	/** The options that apply to the diffusion kind only. */
	static final Option<?>[] DIFFUSION_ONLY = { TIMESTEPS, NOISE_SCHEDULE, PREDICTION, MASK_LOSS_WEIGHT, SAMPLING_STEPS, DDIM_ETA, ENSEMBLE_SAMPLES };

	/**
	 * The diffusion settings the values give (null for a U-Net); a setting of the other kind gets one line that names
	 * it: a diffusion option for a U-Net, or a U-Net's loss for a diffusion model (which trains on the noise error).
	 *
	 * @throws org.lesionseg.unet.core.UnetException naming the option and what to do
	 */
	public static DiffusionSettings settings(OptionValues values, Option<?>... unetOnly) {
		boolean diffusion = "diffusion".equals(values.get(MODEL_KIND));
		if (!diffusion) {
			for (Option<?> o : DIFFUSION_ONLY)
				if (setOtherThanDefault(values, o))
					throw new org.lesionseg.unet.core.UnetException(o.name() + " (" + o.commandLineFlag() + ") applies to diffusion models only: add model_kind=diffusion "
						+ "(--model-kind diffusion) or leave it out");
			return null;
		}
		for (Option<?> o : unetOnly)
			if (setOtherThanDefault(values, o))
				throw new org.lesionseg.unet.core.UnetException(o.name() + " (" + o.commandLineFlag() + ") applies to U-Net models only: a diffusion model "
					+ "trains on the error of its predicted noise; leave it out or use model_kind=unet");
		DiffusionSettings d = new DiffusionSettings();
		d.timesteps = values.get(TIMESTEPS);
		d.schedule = values.get(NOISE_SCHEDULE);
		d.prediction = values.get(PREDICTION);
		d.x0LossWeight = values.get(MASK_LOSS_WEIGHT);
		d.samplingSteps = values.get(SAMPLING_STEPS);
		d.eta = values.get(DDIM_ETA);
		d.samples = values.get(ENSEMBLE_SAMPLES);
		// the run's seed also seeds sampling (a key ending in _seed would clash with seed in a macro)
		d.samplingSeed = values.get(TrainOptions.SEED);
		return d.check();
	}

	/**
	 * Given with a value other than its default: a Fiji dialog hands every field over, so a field left at its default
	 * says nothing about the kind the user wants.
	 */
	private static boolean setOtherThanDefault(OptionValues values, Option<?> o) {
		return values.isGiven(o) && !java.util.Objects.equals(values.get(o), o.defaultValue())
			&& !(values.get(o) instanceof String && String.valueOf(values.get(o)).isEmpty() && o.defaultValue() == null);
	}
}
