package org.lesionseg.unet.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.modelfile.TrainingSettings;
import org.lesionseg.unet.core.data.Sample;
import org.lesionseg.unet.core.modelfile.ModelFile;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDManager;

/**
 * A training that fails half way (the loss turns NaN, the memory runs out) stops with a message that says what to
 * change, and keeps the best model and the checkpoint of the epochs that did finish, both readable.
 */
class InterruptionTest {

	@TempDir
	Path dir;

	/** Fails the training from the given epoch on, from the listener (which runs on the training thread). */
	private static TrainingListener failingFrom(int epoch, Runnable failure) {
		return new TrainingListener() {
			@Override
			public void batchDone(int e, int epochs, int batch, int batches, double loss) {
				if (e == epoch && batch == 1)
					failure.run();
			}
		};
	}

	/** Checks that the model file and the checkpoint hold complete, loadable networks of the epochs that finished. */
	private void bothFilesHoldTheFinishedEpochs(Path model, int bestEpoch, int lastEpoch) {
		try (NDManager manager = NDManager.newBaseManager()) {
			ModelFile.Loaded best = ModelFile.load(model, manager);
			assertEquals(bestEpoch, best.info.epochsDone, "the best model is the one of its epoch");
			ModelFile.Loaded last = ModelFile.load(UNetTrainer.checkpointOf(model), manager);
			assertEquals(lastEpoch, last.info.epochsDone);
			assertTrue(last.hasTrainingState(), "the checkpoint can resume");
		}
	}

	@Test
	void aLossThatTurnsNanInEpochThreeKeepsTheBestEarlierModelAndNamesIt() {
		TrainingData data = UNetTrainerTest.squares();
		Path model = dir.resolve("n.zip");
		int[] bestSoFar = new int[1];
		TrainingListener poisonAfterEpochTwo = new TrainingListener() {
			@Override
			public void epochDone(EpochRecord record, int epochs, boolean improved, double eta) {
				if (improved)
					bestSoFar[0] = record.epoch;
				if (record.epoch == 2)
					for (Sample s : data.train)
						Arrays.fill(s.imageData(), Float.NaN); // as if a later part of the data were broken
			}
		};
		UnetException e = assertThrows(UnetException.class, () -> new UNetTrainer(UNetTrainerTest.tiny(6), poisonAfterEpochTwo, null).train(data, model,
			null, false));
		String m = e.getMessage();
		assertTrue(m.contains("training stopped at epoch 3, batch 1"), m);
		assertTrue(m.contains("NaN or infinite"), m);
		assertTrue(m.contains("the learning rate 0.01") || m.contains("try a lower learning rate"), "names the likely setting: " + m);
		assertTrue(bestSoFar[0] >= 1, "an earlier epoch was best");
		assertTrue(m.contains("The best model so far (epoch " + bestSoFar[0] + ") is kept in " + model), m);
		bothFilesHoldTheFinishedEpochs(model, bestSoFar[0], 2);
	}

	@Test
	void runningOutOfJavaMemorySaysWhatToLowerAndKeepsTheModel() {
		Path model = dir.resolve("oom.zip");
		UnetException e = assertThrows(UnetException.class, () -> new UNetTrainer(UNetTrainerTest.tiny(4), failingFrom(3, () -> {
			throw new OutOfMemoryError("Java heap space");
		}), null).train(UNetTrainerTest.squares(), model, null, false));
		String m = e.getMessage();
		assertTrue(m.startsWith("Java ran out of memory while training with batch size 4 at 32x32: lower the batch size (try 2)"), m);
		int best = ModelFile.readInfo(UNetTrainer.checkpointOf(model)).bestEpoch;
		assertTrue(m.endsWith("The best model so far (epoch " + best + ") is kept in " + model + "."), m);
		bothFilesHoldTheFinishedEpochs(model, best, 2);
	}

	@Test
	void runningOutOfGpuMemorySaysWhatToLower() {
		Path model = dir.resolve("cuda.zip");
		TrainingSettings settings = UNetTrainerTest.tiny(3);
		settings.batchSize = 8;
		UnetException e = assertThrows(UnetException.class, () -> new UNetTrainer(settings, failingFrom(1, () -> {
			throw new EngineException("CUDA out of memory. Tried to allocate 2.00 GiB (GPU 0; 7.79 GiB total capacity)\nException raised from malloc at ...");
		}), null).train(UNetTrainerTest.squares(), model, null, false));
		assertEquals("the GPU ran out of memory while training with batch size 8 at 32x32: lower the batch size (try 4) or the image size,"
			+ " or use fewer base features.", e.getMessage());
		assertFalse(Files.exists(model), "no epoch finished, so no model file");
	}

	@Test
	void anotherEngineFailureIsReportedOnOneLine() {
		UnetException e = assertThrows(UnetException.class, () -> new UNetTrainer(UNetTrainerTest.tiny(2), failingFrom(1, () -> {
			throw new EngineException("Cannot access data pointer of Tensor that doesn't have storage\nException raised from throw_data_ptr_access_error");
		}), null).train(UNetTrainerTest.squares(), dir.resolve("e.zip"), null, false));
		assertEquals("the PyTorch engine failed: Cannot access data pointer of Tensor that doesn't have storage (the libtorch in use does not fit"
			+ " DJL's JNI library, which needs libtorch 2.7.1: see docs/gpu.md).", e.getMessage());
	}
}
