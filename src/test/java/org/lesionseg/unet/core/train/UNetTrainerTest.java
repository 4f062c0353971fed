package org.lesionseg.unet.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.modelfile.TrainingSettings;
import org.lesionseg.unet.core.data.Sample;
import org.lesionseg.unet.core.data.SyntheticSamples;
import org.lesionseg.unet.core.modelfile.ModelFile;
import org.lesionseg.unet.core.modelfile.ModelInfo;

import ai.djl.ndarray.NDManager;

/** Real trainings of tiny U-Nets on the CPU: checkpoints, resume, cancel, NaN, and that something is learnt. */
class UNetTrainerTest {

	@TempDir
	Path dir;

	static TrainingSettings tiny(int epochs) {
		TrainingSettings s = new TrainingSettings();
		s.epochs = epochs;
		s.batchSize = 4;
		s.learningRate = 1e-2f;
		s.baseFeatures = 4;
		s.depth = 2;
		s.imageSize = 32;
		s.augment = "none";
		s.device = "cpu";
		s.loaderThreads = 1;
		s.seed = 3;
		return s;
	}

	static TrainingData squares() {
		List<Sample> all = SyntheticSamples.squares(20, 32, 11);
		return new TrainingData(new ArrayList<>(all.subList(0, 16)), new ArrayList<>(all.subList(16, 20)), new ArrayList<>(), 8);
	}

	@Test
	void learnsSquaresAndWritesBestAndLastCheckpoints() {
		Path model = dir.resolve("m.zip");
		List<EpochRecord> seen = new ArrayList<>();
		TrainingResult r = new UNetTrainer(tiny(12), new TrainingListener() {
			@Override
			public void epochDone(EpochRecord record, int epochs, boolean improved, double eta) {
				seen.add(record);
			}
		}, null).train(squares(), model, null, false);
		assertEquals(12, r.history.size());
		assertEquals(seen.size(), r.history.size());
		assertTrue(Files.isRegularFile(model) && Files.isRegularFile(dir.resolve("m.last.zip")));
		assertFalse(r.cancelled);
		// a network that learnt nothing scores about 0.25 here (all foreground) or 0 (nothing)
		assertTrue(r.bestValDice > 0.8, "validation Dice " + r.bestValDice);
		ModelInfo info = ModelFile.readInfo(model);
		assertEquals(r.bestEpoch, info.bestEpoch);
		assertEquals(r.bestValDice, info.bestValDice, 1e-9);
		assertTrue(info.device.contains("CPU"), info.device);
		assertEquals(16, info.trainImages.size());
	}

	@Test
	void resumedTrainingContinuesExactlyAsAnUninterruptedOne() {
		TrainingResult straight = new UNetTrainer(tiny(4), null, null).train(squares(), dir.resolve("straight.zip"), null, false);
		TrainingResult again = new UNetTrainer(tiny(4), null, null).train(squares(), dir.resolve("again.zip"), null, false);
		for (int e = 0; e < 4; e++) // the same settings and seed train the same network: the reference below is sound
			assertEquals(straight.history.get(e).trainLoss, again.history.get(e).trainLoss, 1e-5, "repeat training, loss of epoch " + (e + 1));

		Path model = dir.resolve("split.zip");
		new UNetTrainer(tiny(2), null, null).train(squares(), model, null, false);
		TrainingResult resumed = new UNetTrainer(tiny(4), null, null).train(squares(), model, null, true);

		assertEquals(4, resumed.history.size());
		for (int e = 0; e < 4; e++) {
			assertEquals(straight.history.get(e).trainLoss, resumed.history.get(e).trainLoss, 1e-4, "train loss of epoch " + (e + 1));
			assertEquals(straight.history.get(e).valDice, resumed.history.get(e).valDice, 1e-3, "val Dice of epoch " + (e + 1));
		}
	}

	@Test
	void cancelKeepsTheBestModelSoFarInAValidFile() {
		Path model = dir.resolve("c.zip");
		AtomicBoolean cancel = new AtomicBoolean();
		TrainingResult r = new UNetTrainer(tiny(10), new TrainingListener() {
			@Override
			public void batchDone(int epoch, int epochs, int batch, int batches, double loss) {
				if (epoch == 3 && batch == 2)
					cancel.set(true);
			}
		}, cancel).train(squares(), model, null, false);
		assertTrue(r.cancelled);
		assertEquals(2, r.history.size());
		try (NDManager m = NDManager.newBaseManager()) {
			ModelFile.Loaded loaded = ModelFile.load(model, m);
			assertEquals(2, loaded.info.epochsDone > 0 ? loaded.info.epochsDone : -1, "epochs recorded in the best model");
		}
	}

	@Test
	void trainsOnAThreadOtherThanTheOneThatStartedTheEngine() throws InterruptedException {
		// Fiji runs every command on a thread of its own, where PyTorch records gradients by default
		ai.djl.engine.Engine.getInstance();
		Throwable[] failure = new Throwable[1];
		TrainingResult[] result = new TrainingResult[1];
		Thread worker = new Thread(() -> {
			try {
				result[0] = new UNetTrainer(tiny(1), null, null).train(squares(), dir.resolve("thread.zip"), null, false);
			} catch (Throwable t) {
				failure[0] = t;
			}
		});
		worker.start();
		worker.join();
		if (failure[0] != null)
			throw new AssertionError("training on another thread failed", failure[0]);
		assertEquals(1, result[0].history.size());
	}

	@Test
	void earlyStoppingEndsATrainingThatNoLongerImproves() {
		TrainingSettings s = tiny(10);
		s.learningRate = 1e-9f; // nothing changes, so the validation Dice never improves after epoch 1
		s.patience = 2;
		List<String> messages = new ArrayList<>();
		TrainingResult r = new UNetTrainer(s, new TrainingListener() {
			@Override
			public void message(String text) {
				messages.add(text);
			}
		}, null).train(squares(), dir.resolve("early.zip"), null, false);
		assertTrue(r.stoppedEarly);
		assertEquals(3, r.history.size());
		assertEquals(1, r.bestEpoch);
		assertTrue(messages.stream().anyMatch(m -> m.startsWith("early stop")), messages.toString());
	}

	@Test
	void nanLossStopsWithAMessageThatNamesTheCause() {
		TrainingData data = squares();
		float[] pixels = data.train.get(0).imageData();
		for (int i = 0; i < pixels.length; i++)
			pixels[i] = Float.NaN;
		TrainingSettings s = tiny(3);
		s.batchSize = 16; // the poisoned image is in every batch
		UnetException e = assertThrows(UnetException.class, () -> new UNetTrainer(s, null, null).train(data, dir.resolve("n.zip"), null, false));
		assertTrue(e.getMessage().contains("NaN"), e.getMessage());
		assertTrue(e.getMessage().contains("epoch 1"), e.getMessage());
		assertFalse(Files.exists(dir.resolve("n.zip")), "no half-trained model is written");
	}

	@Test
	void badDataAndSettingsGetClearMessages() {
		TrainingData data = squares();
		TrainingSettings big = tiny(1);
		big.batchSize = 64;
		UnetException e = assertThrows(UnetException.class, () -> new UNetTrainer(big, null, null).train(data, dir.resolve("b.zip"), null, false));
		assertTrue(e.getMessage().contains("batch size 64"), e.getMessage());

		TrainingSettings odd = tiny(1);
		odd.imageSize = 30;
		e = assertThrows(UnetException.class, () -> new UNetTrainer(odd, null, null).train(data, dir.resolve("o.zip"), null, false));
		assertTrue(e.getMessage().contains("multiple of 4"), e.getMessage());

		for (Sample s : data.train)
			java.util.Arrays.fill(s.maskData(), (byte) 0);
		e = assertThrows(UnetException.class, () -> new UNetTrainer(tiny(1), null, null).train(data, dir.resolve("e.zip"), null, false));
		assertTrue(e.getMessage().contains("every training mask is empty"), e.getMessage());

		TrainingSettings zero = tiny(1);
		zero.batchSize = 0;
		e = assertThrows(UnetException.class, () -> new UNetTrainer(zero, null, null));
		assertTrue(e.getMessage().contains("batch size"), e.getMessage());
		TrainingSettings negative = tiny(1);
		negative.learningRate = -1e-3f;
		e = assertThrows(UnetException.class, () -> new UNetTrainer(negative, null, null));
		assertTrue(e.getMessage().contains("learning rate"), e.getMessage());
		e = assertThrows(UnetException.class, () -> new UNetTrainer(tiny(1), null, null).train(squares(), dir.resolve("r.zip"), null, true));
		assertTrue(e.getMessage().contains("nothing to resume"), e.getMessage());
	}

	@Test
	void everyOptimizerAndLossTrainsWithoutError() {
		for (String optimizer : new String[] { "sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw", "adadelta" }) {
			TrainingSettings s = tiny(1);
			s.optimizer = optimizer;
			s.weightDecay = 1e-4f;
			TrainingResult r = new UNetTrainer(s, null, null).train(squares(), dir.resolve(optimizer + ".zip"), null, false);
			assertTrue(Double.isFinite(r.history.get(0).trainLoss), optimizer);
		}
		for (String loss : new String[] { "bce", "dice", "bce_dice", "jaccard", "tversky", "focal", "lovasz", "mcc" }) {
			TrainingSettings s = tiny(1);
			s.loss = loss;
			s.scheduler = "cosine:warmup=1";
			TrainingResult r = new UNetTrainer(s, null, null).train(squares(), dir.resolve(loss + ".zip"), null, false);
			assertTrue(Double.isFinite(r.history.get(0).trainLoss), loss);
		}
	}
}
