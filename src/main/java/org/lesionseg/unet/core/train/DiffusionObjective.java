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
 * repeat. Validation predicts by real sampling: {@link #VALIDATION_STEPS} DDIM steps (at most the model's), one sample.
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
		return predicted.sub(noise).square().mean();
	}

	@Override
	public TileNetwork predictionNetwork(Block block, NDManager manager, ModelInfo info) {
		DiffusionSettings validation = settings.copy();
		validation.samplingSteps = Math.min(VALIDATION_STEPS, settings.samplingSteps);
		validation.samples = 1;
		validation.eta = 0;
		return Segmenter.diffusionNetwork(block, manager, info, validation);
	}
}
