package org.lesionseg.unet.core.train;

import org.lesionseg.unet.core.modelfile.TrainingSettings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.core.data.Sample;
import org.lesionseg.unet.core.engine.Devices;
import org.lesionseg.unet.core.model.UNetBlock;
import org.lesionseg.unet.core.model.UNetConfig;
import org.lesionseg.unet.core.modelfile.ModelFile;
import org.lesionseg.unet.core.modelfile.ModelInfo;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

/**
 * Defects of the trainer found in review, each through a real (tiny) training: resume with dropout and with early
 * stopping, several devices, the validation threshold, the validation loss's weighting and patch-mode validation.
 */
class TrainerCorrectnessTest {

	@TempDir
	Path dir;

	@Test
	void resumeWithDropoutEqualsAStraightRun() {
		TrainingSettings s = UNetTrainerTest.tiny(4);
		s.dropout = 0.3f;
		TrainingResult straight = new UNetTrainer(s, null, null).train(UNetTrainerTest.squares(), dir.resolve("straight.zip"), null, false);
		Path model = dir.resolve("split.zip");
		TrainingSettings first = s.copy();
		first.epochs = 2;
		new UNetTrainer(first, null, null).train(UNetTrainerTest.squares(), model, null, false);
		TrainingResult resumed = new UNetTrainer(s, null, null).train(UNetTrainerTest.squares(), model, null, true);
		assertEquals(4, resumed.history.size());
		for (int e = 0; e < 4; e++)
			assertEquals(straight.history.get(e).trainLoss, resumed.history.get(e).trainLoss, 1e-5, "train loss of epoch " + (e + 1));
	}

	@Test
	void earlyStoppingWithResumeStopsWhereAStraightRunStops() {
		TrainingSettings s = UNetTrainerTest.tiny(10);
		s.learningRate = 1e-9f; // nothing changes, so the validation Dice never improves after epoch 1
		s.patience = 2;
		TrainingResult straight = new UNetTrainer(s, null, null).train(UNetTrainerTest.squares(), dir.resolve("straight.zip"), null, false);
		assertTrue(straight.stoppedEarly);
		assertEquals(3, straight.history.size());

		Path model = dir.resolve("split.zip");
		TrainingSettings first = s.copy();
		first.epochs = 2;
		TrainingResult part = new UNetTrainer(first, null, null).train(UNetTrainerTest.squares(), model, null, false);
		assertEquals(2, part.history.size());
		TrainingResult resumed = new UNetTrainer(s, null, null).train(UNetTrainerTest.squares(), model, null, true);
		assertTrue(resumed.stoppedEarly);
		assertEquals(straight.history.size(), resumed.history.size(), "the epoch the resumed run stopped after");
	}

	/** The CPU three times: each batch of 5 is split 2, 2, 1 over three replicas; resume is exact there too. */
	@Test
	void severalDevicesTrainAndResumeExactly() {
		TrainingSettings s = UNetTrainerTest.tiny(4);
		s.batchSize = 5;
		Device[] threeCpus = { Device.cpu(), Device.cpu(), Device.cpu() };
		UNetTrainer straightTrainer = new UNetTrainer(s, null, null);
		straightTrainer.devicesForTest = threeCpus;
		TrainingResult straight = straightTrainer.train(UNetTrainerTest.squares(), dir.resolve("straight.zip"), null, false);
		assertTrue(straight.device.contains("CPU, CPU, CPU"), straight.device);
		assertEquals(straight.device, org.lesionseg.unet.core.modelfile.ModelFile.readInfo(dir.resolve("straight.zip")).device,
			"the model file says which devices trained it");
		assertTrue(straight.bestValDice > 0.3, "it learns on three replicas: validation Dice " + straight.bestValDice);

		Path model = dir.resolve("split.zip");
		TrainingSettings first = s.copy();
		first.epochs = 2;
		UNetTrainer firstTrainer = new UNetTrainer(first, null, null);
		firstTrainer.devicesForTest = threeCpus;
		firstTrainer.train(UNetTrainerTest.squares(), model, null, false);
		UNetTrainer resumedTrainer = new UNetTrainer(s, null, null);
		resumedTrainer.devicesForTest = threeCpus;
		TrainingResult resumed = resumedTrainer.train(UNetTrainerTest.squares(), model, null, true);
		for (int e = 0; e < 4; e++)
			assertEquals(straight.history.get(e).trainLoss, resumed.history.get(e).trainLoss, 1e-5, "train loss of epoch " + (e + 1));
	}

	/** A network whose output is exactly 0.5 everywhere segments nothing in prediction, so nothing in validation. */
	@Test
	void validationThresholdsAsPredictionDoes() {
		Path initial = constantModel(0f);
		TrainingSettings s = settingsForConstantModel();
		TrainingResult r = new UNetTrainer(s, null, null).train(UNetTrainerTest.squares(), dir.resolve("m.zip"), initial, false);
		// probability 0.5 exactly is background (prediction: p > threshold); every validation mask has a lesion
		assertEquals(0.0, r.history.get(0).valDice, 1e-12);
	}

	/** Three validation images with batch 2: the loss is the mean over the three, not over the two batches. */
	@Test
	void validationLossIsTheMeanOverSamples() {
		float logit = 1f;
		Path initial = constantModel(logit);
		TrainingSettings s = settingsForConstantModel();
		s.batchSize = 2;
		TrainingData data = UNetTrainerTest.squares();
		List<Sample> val = new ArrayList<>(data.val.subList(0, 3));
		TrainingData three = new TrainingData(data.train, val, new ArrayList<>(), 8);
		TrainingResult r = new UNetTrainer(s, null, null).train(three, dir.resolve("m.zip"), initial, false);
		double sum = 0;
		for (Sample v : val) {
			int foreground = 0;
			for (byte b : v.maskData())
				foreground += b != 0 ? 1 : 0;
			int n = v.maskData().length;
			// BCE with logits: softplus(-z) on foreground, softplus(z) on background
			sum += (foreground * Math.log1p(Math.exp(-logit)) + (n - foreground) * Math.log1p(Math.exp(logit))) / n;
		}
		assertEquals(sum / 3, r.history.get(0).valLoss, 1e-5);
	}

	/**
	 * Patch mode: a network that marks every pixel as lesion is scored on the whole 64x64 validation image, so the
	 * false positives outside any 32x32 crop around the lesion count.
	 */
	@Test
	void patchModeValidatesOnWholeImages() {
		Path initial = constantModel(2f);
		TrainingSettings s = settingsForConstantModel();
		s.inputMode = "patch";
		s.patchForeground = 1.0;
		int side = 64, lesion = 8;
		float[] image = new float[side * side];
		byte[] mask = new byte[side * side];
		for (int y = 0; y < lesion; y++)
			for (int x = 0; x < lesion; x++)
				mask[(y + 4) * side + x + 4] = 1;
		TrainingData data = UNetTrainerTest.squares();
		List<Sample> val = Collections.singletonList(Sample.of("large", image, side, side, 1, mask));
		TrainingResult r = new UNetTrainer(s, null, null).train(new TrainingData(data.train, val, new ArrayList<>(), 8), dir.resolve("m.zip"),
			initial, false);
		int tp = lesion * lesion, fp = side * side - tp;
		assertEquals(2.0 * tp / (2.0 * tp + fp), r.history.get(0).valDice, 1e-9, "Dice of all-foreground on the whole image");
	}

	/** One epoch of SGD at a learning rate too small to change a constant network's output. */
	private static TrainingSettings settingsForConstantModel() {
		TrainingSettings s = UNetTrainerTest.tiny(1);
		s.optimizer = "sgd";
		s.learningRate = 1e-12f;
		s.loss = "bce";
		return s;
	}

	/** A U-Net (depth 2, 4 features) whose every weight is 0 but the output bias: it outputs that logit everywhere. */
	private Path constantModel(float logit) {
		Devices.prepareThread();
		UNetConfig config = new UNetConfig().depth(2).baseFeatures(4).inputChannels(1);
		Path file = dir.resolve("constant" + logit + ".zip");
		try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
			UNetBlock block = new UNetBlock(config);
			block.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 32, 32));
			Parameter outputBias = null;
			for (Pair<String, Parameter> p : block.getParameters()) {
				NDArray a = p.getValue().getArray();
				a.muli(0f);
				if (p.getKey().endsWith("bias") && a.getShape().equals(new Shape(1)))
					outputBias = p.getValue();
			}
			outputBias.getArray().addi(logit);
			ModelInfo info = ModelInfo.of(config);
			info.normalization = "scale_01";
			info.trainingSize = 32;
			info.inputMode = "resize";
			ModelFile.save(file, block, info, null, Collections.emptyMap());
		}
		return file;
	}
}
