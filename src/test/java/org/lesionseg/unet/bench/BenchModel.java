package org.lesionseg.unet.bench;

import org.lesionseg.unet.core.data.Batch;
import org.lesionseg.unet.core.loss.BceWithLogitsLoss;
import org.lesionseg.unet.core.model.UNetBlock;
import org.lesionseg.unet.core.model.UNetConfig;
import org.lesionseg.unet.core.model.WeightInit;
import org.lesionseg.unet.core.train.TrainingOptimizer;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;

/**
 * The project's training set-up as the reference script has it: the classic U-Net (PyTorch's initialisation),
 * BCE-with-logits and Adam at a fixed learning rate, on one device, stepped as the trainer steps on one device
 * (forward, loss, backward, {@link TrainingOptimizer#updateAll}), with each phase timed.
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

	/** How long the phases of one training step took, in nanoseconds. */
	static final class StepTimes {
		/** Batch arrays from the host to the device. */
		long toDevice;
		/** Forward pass and loss, up to and including fetching the loss value (which waits for the forward pass). */
		long forward;
		/** Backward pass. */
		long backward;
		/** Optimizer update of every parameter (gradients cleared for the next step). */
		long update;
	}

	/** One training step as the trainer runs it on one device; returns the loss and fills {@code times} (or null). */
	double step(Batch batch, StepTimes times) {
		long t0 = System.nanoTime(), tData, t1, t2;
		double value;
		// as the trainer's step: oneDNN off for the step where its backward pass is wrong (OneDnnSwitch)
		try (org.lesionseg.unet.core.engine.OneDnnSwitch.Scope cpuKernels = org.lesionseg.unet.core.engine.OneDnnSwitch.trainingStep();
			NDManager batchManager = trainer.getManager().newSubManager()) {
			NDArray x = batchManager.create(batch.images(), new Shape(batch.imageShape()));
			NDArray y = batchManager.create(batch.masks(), new Shape(batch.maskShape()));
			tData = System.nanoTime();
			try (GradientCollector collector = trainer.newGradientCollector()) {
				NDArray logits = trainer.forward(new NDList(x)).singletonOrThrow();
				NDArray l = loss.evaluate(new NDList(y), new NDList(logits));
				value = l.getFloat();
				t1 = System.nanoTime();
				if (Double.isFinite(value))
					collector.backward(l);
			}
			t2 = System.nanoTime();
			if (Double.isFinite(value))
				optimizer.updateAll(block);
		}
		long t3 = System.nanoTime();
		if (times == null)
			return value;
		times.toDevice = tData - t0;
		times.forward = t1 - tData;
		times.backward = t2 - t1;
		times.update = t3 - t2;
		return value;
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
