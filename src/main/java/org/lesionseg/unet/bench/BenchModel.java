package org.lesionseg.unet.bench;

import org.lesionseg.unet.core.data.Batch;
import org.lesionseg.unet.core.loss.BceWithLogitsLoss;
import org.lesionseg.unet.core.model.UNetBlock;
import org.lesionseg.unet.core.model.UNetConfig;
import org.lesionseg.unet.core.model.WeightInit;
import org.lesionseg.unet.core.train.TrainingOptimizer;
import org.lesionseg.unet.core.train.UNetTrainer;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;

/**
 * The project's training set-up as the reference script has it: the classic U-Net (PyTorch's initialisation),
 * BCE-with-logits and Adam at a fixed learning rate, on one device, stepped by {@link UNetTrainer#step} exactly
 * as a real training is.
 */
final class BenchModel implements AutoCloseable {

	final Device device;
	final UNetBlock block;
	final Loss loss = new BceWithLogitsLoss();
	final TrainingOptimizer optimizer;
	private final Model model;
	private final Trainer trainer;

	BenchModel(Device device, int base, int channels, int batch, int size, float learningRate, long seed) {
		this.device = device;
		UNetConfig config = new UNetConfig().depth(4).baseFeatures(base).inputChannels(channels).init(UNetConfig.Init.PYTORCH);
		block = new UNetBlock(config);
		optimizer = new TrainingOptimizer(TrainingOptimizer.Kind.ADAM, () -> learningRate, 0f, 0.9f, block);
		model = Model.newInstance("bench", device);
		model.setBlock(block);
		trainer = model.newTrainer(new DefaultTrainingConfig(loss).optOptimizer(optimizer).optDevices(new Device[] { device }));
		trainer.initialize(new Shape(batch, channels, size, size));
		WeightInit.pytorchDefault(block, seed);
	}

	/** One training step as the trainer runs it; returns the loss. */
	double step(Batch batch, UNetTrainer.StepTimes times) {
		return UNetTrainer.step(trainer, loss, optimizer, batch, new Device[] { device }, times);
	}

	/** The model's manager, for inference arrays. */
	ai.djl.ndarray.NDManager manager() {
		return model.getNDManager();
	}

	/** Number of trainable parameter tensors (PyTorch counts the same). */
	int trainableTensors() {
		int n = 0;
		for (ai.djl.nn.Parameter p : block.getParameters().values())
			if (p.requiresGradient())
				n++;
		return n;
	}

	@Override
	public void close() {
		trainer.close();
		model.close();
	}
}
