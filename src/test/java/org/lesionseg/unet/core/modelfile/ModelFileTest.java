package org.lesionseg.unet.core.modelfile;

import org.lesionseg.unet.core.model.UNetConfig;
import org.lesionseg.unet.core.model.UNetBlock;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.modelfile.ModelFileException;
import org.lesionseg.unet.core.train.TrainingOptimizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

class ModelFileTest {

	@TempDir
	Path dir;

	private static ModelInfo info(UNetConfig config) {
		ModelInfo info = ModelInfo.of(config);
		info.normalization = "scale01";
		info.trainingSize = 32;
		info.inputMode = "resize";
		return info;
	}

	private static float[] predict(ai.djl.nn.Block block, NDManager manager, float[] input) {
		NDArray x = manager.create(input, new Shape(1, 1, 32, 32));
		return block.forward(new ParameterStore(manager, false), new NDList(x), false).singletonOrThrow().toFloatArray();
	}

	/**
	 * A few training steps, so that the weights and the BatchNorm running statistics are no longer their
	 * initial values: a file that lost the statistics would still predict like the saved block otherwise.
	 */
	private static void trainAFewSteps(UNetBlock block, float[] input) {
		try (ai.djl.Model model = ai.djl.Model.newInstance("steps")) {
			model.setBlock(block);
			ai.djl.training.loss.Loss loss = ai.djl.training.loss.Loss.sigmoidBinaryCrossEntropyLoss();
			ai.djl.training.optimizer.Optimizer sgd = ai.djl.training.optimizer.Optimizer.sgd()
				.setLearningRateTracker(ai.djl.training.tracker.Tracker.fixed(0.05f)).build();
			try (ai.djl.training.Trainer trainer = model.newTrainer(new ai.djl.training.DefaultTrainingConfig(loss).optOptimizer(sgd))) {
				for (int step = 0; step < 3; step++)
					// a training step: oneDNN off around it where the trainer's steps have it off (OneDnnSwitch)
					try (org.lesionseg.unet.core.engine.OneDnnSwitch.Scope cpuKernels = org.lesionseg.unet.core.engine.OneDnnSwitch.trainingStep();
						NDManager m = trainer.getManager().newSubManager(); ai.djl.training.GradientCollector c = trainer.newGradientCollector()) {
						NDArray x = m.create(input, new Shape(1, 1, 32, 32)).mul(step + 2).add(step);
						NDArray y = x.gt(0.5f).toType(DataType.FLOAT32, false);
						c.backward(loss.evaluate(new NDList(y), trainer.forward(new NDList(x))));
						trainer.step();
					}
			}
		}
		boolean statisticsMoved = false;
		for (ai.djl.util.Pair<String, ai.djl.nn.Parameter> p : block.getParameters())
			if (p.getKey().contains("runningMean"))
				for (float v : p.getValue().getArray().toFloatArray())
					statisticsMoved |= v != 0f;
		assertTrue(statisticsMoved, "the BatchNorm running means moved away from 0");
	}

	@Test
	void saveAndLoadGiveIdenticalPredictions() {
		UNetConfig config = new UNetConfig().baseFeatures(4).depth(2);
		float[] input = new float[32 * 32];
		for (int i = 0; i < input.length; i++)
			input[i] = (float) Math.sin(i * 0.37);
		try (NDManager manager = NDManager.newBaseManager()) {
			UNetBlock block = new UNetBlock(config);
			block.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 32, 32));
			trainAFewSteps(block, input);
			float[] before = predict(block, manager, input);
			Path file = dir.resolve("model.zip");
			ModelFile.save(file, block, info(config), null, Collections.singletonMap("history.csv", "epoch\n"));
			ModelFile.Loaded loaded = ModelFile.load(file, manager);
			assertArrayEquals(before, predict(loaded.block, manager, input), 0f);
			assertFalse(loaded.hasTrainingState());
			assertEquals(4, loaded.info.baseFeatures);
			assertEquals("epoch\n", loaded.bundle.textEntry("history.csv").get());
			try (java.util.stream.Stream<Path> files = Files.list(dir)) {
				assertEquals(1, files.count(), "no temporary file left beside the model");
			} catch (IOException e) {
				throw new AssertionError(e);
			}
		}
	}

	@Test
	void checkpointCarriesTheOptimizerState() {
		UNetConfig config = new UNetConfig().baseFeatures(2).depth(1);
		try (NDManager manager = NDManager.newBaseManager()) {
			UNetBlock block = new UNetBlock(config);
			block.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 8, 8));
			TrainingOptimizer adam = new TrainingOptimizer(TrainingOptimizer.Kind.ADAM, () -> 0.1f, 0f, 0f, block);
			ai.djl.nn.Parameter p = block.getParameters().get(0).getValue();
			NDArray grad = p.getArray().onesLike();
			adam.update(p.getId(), p.getArray(), grad);
			Path file = dir.resolve("ckpt.zip");
			ModelFile.save(file, block, info(config), new ModelFile.TrainingState(adam, new double[] { 1, 2, 3 }), null);
			ModelFile.Loaded loaded = ModelFile.load(file, manager);
			assertTrue(loaded.hasTrainingState());
			TrainingOptimizer restored = new TrainingOptimizer(TrainingOptimizer.Kind.ADAM, () -> 0.1f, 0f, 0f, loaded.block);
			assertArrayEquals(new double[] { 1, 2, 3 }, loaded.restoreTrainingState(restored, manager));
			TrainingOptimizer sgd = new TrainingOptimizer(TrainingOptimizer.Kind.SGD, () -> 0.1f, 0f, 0f, loaded.block);
			UnetException e = assertThrows(UnetException.class, () -> loaded.restoreTrainingState(sgd, manager));
			assertTrue(e.getMessage().contains("resume with the same optimizer"), e.getMessage());
		}
	}

	@Test
	void aModelFileWithoutArchitectureIsRefused() throws IOException {
		Path file = dir.resolve("empty-info.zip");
		org.lesionseg.unet.core.modelfile.ModelBundle.write(file, new com.google.gson.JsonObject(), new byte[] { 1, 2, 3 }, null);
		try (NDManager manager = NDManager.newBaseManager()) {
			ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFile.load(file, manager));
			assertTrue(e.getMessage().contains("incomplete model description"), e.getMessage());
		}
	}
}
