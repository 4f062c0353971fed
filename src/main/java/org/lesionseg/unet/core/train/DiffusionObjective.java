package org.lesionseg.unet.core.train;

import org.lesionseg.unet.core.diffusion.NoiseSchedule;
import org.lesionseg.unet.core.modelfile.DiffusionSettings;
import org.lesionseg.unet.core.modelfile.ModelInfo;
import org.lesionseg.unet.core.predict.Segmenter;
import org.lesionseg.unet.core.predict.TileNetwork;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.Trainer;

/**
 * The diffusion segmenter's objective (DDPM's simple loss): the mask scaled to [-1, 1] is noised to a random step t
 * per sample, x_t = sqrt(ᾱ_t)·x0 + sqrt(1 - ᾱ_t)·ε, and the network's prediction of ε is scored by the mean squared
 * error. t and ε come from the engine's generator, which the trainer seeds per epoch, so runs and resumed runs
 * repeat; an optional BCE term scores the mask the predicted noise implies. Validation predicts by real sampling: {@link #VALIDATION_STEPS} DDIM steps (at most the model's), one sample.
 */
final class DiffusionObjective implements TrainingObjective {

	/** DDIM steps of the validation's sampling: few, so that validation stays cheap, but a real sampling. */
	static final int VALIDATION_STEPS = 10;

	private final NoiseSchedule schedule;
	private final DiffusionSettings settings;
	private final float[] sqrtAlphaBar;
	private final float[] sqrtOneMinusAlphaBar;

	DiffusionObjective(DiffusionSettings settings) {
		this.settings = settings.copy().check();
		this.schedule = new NoiseSchedule(NoiseSchedule.Kind.fromName(settings.schedule), settings.timesteps);
		int timesteps = schedule.timesteps();
		sqrtAlphaBar = new float[timesteps];
		sqrtOneMinusAlphaBar = new float[timesteps];
		for (int t = 0; t < timesteps; t++) {
			sqrtAlphaBar[t] = (float) Math.sqrt(schedule.alphaBar(t));
			sqrtOneMinusAlphaBar[t] = (float) Math.sqrt(1 - schedule.alphaBar(t));
		}
	}

	@Override
	public NDArray loss(Trainer trainer, NDArray images, NDArray masks, boolean training) {
		NDManager manager = images.getManager();
		long n = masks.getShape().get(0);
		// t uniform in 0..T-1 per sample (floor of a uniform in [0, T))
		float[] drawn = manager.randomUniform(0f, schedule.timesteps(), new Shape(n)).toFloatArray();
		float[] t = new float[(int) n], a = new float[(int) n], b = new float[(int) n];
		for (int i = 0; i < n; i++) {
			int step = Math.min(schedule.timesteps() - 1, (int) drawn[i]);
			t[i] = step;
			a[i] = sqrtAlphaBar[step];
			b[i] = sqrtOneMinusAlphaBar[step];
		}
		NDArray x0 = masks.gt(0.5f).toType(DataType.FLOAT32, false).mul(2f).sub(1f);
		NDArray noise = manager.randomNormal(x0.getShape());
		Shape perSample = new Shape(n, 1, 1, 1);
		NDArray xt = x0.mul(manager.create(a, perSample)).add(noise.mul(manager.create(b, perSample)));
		NDList in = new NDList(xt, images, manager.create(t));
		NDArray predicted = (training ? trainer.forward(in) : trainer.evaluate(in)).singletonOrThrow();
		boolean x0Prediction = "x0".equals(settings.prediction);
		NDArray loss = x0Prediction ? predicted.sub(x0).square().mean() : predicted.sub(noise).square().mean();
		if (settings.x0LossWeight > 0) {
			// BCE of the mask the network implies against the true mask (MedSegDiff-V2 adds such a term). With noise
			// prediction x0 = (x_t - sqrt(1 - ᾱ)·ε̂)/sqrt(ᾱ) is weighted by ᾱ per sample: near pure noise it says little and
			// its gradient through 1/sqrt(ᾱ) would explode; with the weight it stays below 2 per unit of logit.
			NDArray x0Estimate = x0Prediction ? predicted : xt.sub(predicted.mul(manager.create(b, perSample))).div(manager.create(a, perSample));
			NDArray logits = x0Estimate.mul(X0_LOGIT_SCALE);
			NDArray target = x0.add(1f).div(2f);
			// stable BCE with logits: max(z, 0) - z·y + log(1 + exp(-|z|))
			NDArray bce = logits.maximum(0f).sub(logits.mul(target)).add(logits.abs().neg().exp().add(1f).log());
			float[] weights = new float[(int) n];
			for (int i = 0; i < n; i++)
				weights[i] = x0Prediction ? 1f : a[i] * a[i];
			NDArray perImage = bce.reshape(n, -1).mean(new int[] { 1 });
			NDArray maskTerm = perImage.mul(manager.create(weights)).mean();
			if (x0Prediction) {
				// soft Dice pooled over the batch, as the U-Net's bce_dice: lesions cover 1-5 % of a slice, and with the MSE and
				// BCE alone the network settles on the empty mask (docs/diffusion.md); Dice weighs the lesion against its own size
				NDArray probability = logits.getNDArrayInternal().sigmoid();
				NDArray overlap = probability.mul(target).sum();
				NDArray dice = overlap.mul(2f).add(1f).div(probability.sum().add(target.sum()).add(1f));
				maskTerm = maskTerm.add(dice.neg().add(1f));
			}
			loss = loss.add(maskTerm.mul((float) settings.x0LossWeight));
		}
		return loss;
	}

	/** x0 in [-1, 1] as a logit for the BCE term: ±1 become probabilities of 0.98 and 0.02. */
	private static final float X0_LOGIT_SCALE = 4f;

	@Override
	public TileNetwork predictionNetwork(Block block, NDManager manager, ModelInfo info) {
		DiffusionSettings validation = settings.copy();
		validation.samplingSteps = Math.min(VALIDATION_STEPS, settings.samplingSteps);
		validation.samples = 1;
		validation.eta = 0;
		return Segmenter.diffusionNetwork(block, manager, info, validation);
	}
}
