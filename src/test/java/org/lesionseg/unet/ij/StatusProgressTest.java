package org.lesionseg.unet.ij;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.lesionseg.unet.core.train.EpochRecord;

class StatusProgressTest {

	private final List<String> logs = new ArrayList<>();
	private final List<String> statuses = new ArrayList<>();
	private final List<Double> fractions = new ArrayList<>();
	private final Progress capture = new Progress(statuses::add, fractions::add, logs::add);

	private static EpochRecord record(int epoch, double trainLoss, double valLoss, double valDice, double lr, double seconds) {
		return new EpochRecord(epoch, trainLoss, valLoss, valDice, valDice, 0.5, 0.9, lr, seconds);
	}

	@Test
	void epochLineHasTheAgreedForm() {
		StatusProgress progress = new StatusProgress(capture);
		progress.epochDone(record(3, 0.41234, 0.39, 0.6124, 1e-4, 12.34), 20, true, 180);
		assertEquals(Arrays.asList("epoch 3/20  loss 0.4123  val loss 0.3900  val Dice 0.612 (best)  lr 1e-4  12.3 s  ETA 3 min"), logs);
		assertEquals("UNet training: epoch 3/20 done, val Dice 0.612", statuses.get(statuses.size() - 1));
		assertEquals(3.0 / 20, fractions.get(fractions.size() - 1), 1e-12);
	}

	@Test
	void lastEpochHasNoEtaAndEndsTheProgressBar() {
		StatusProgress progress = new StatusProgress(capture);
		progress.epochDone(record(20, 0.1, 0.2, 0.8, 2.5e-4, 9.96), 20, false, 0);
		assertEquals("epoch 20/20  loss 0.1000  val loss 0.2000  val Dice 0.800  lr 2.5e-4  10.0 s", logs.get(0));
		assertEquals(1.0, fractions.get(fractions.size() - 1));
		assertEquals("UNet training: 20 epochs done", statuses.get(statuses.size() - 1));
	}

	@Test
	void withoutValidationTheValidationValuesAreLeftOut() {
		String line = StatusProgress.epochLine(record(1, 0.5, Double.NaN, Double.NaN, 1e-3, 1), 2, false, 45);
		assertEquals("epoch 1/2  loss 0.5000  lr 1e-3  1.0 s  ETA 45 s", line);
	}

	@Test
	void batchesMoveTheProgressBarOverTheWholeRun() {
		StatusProgress progress = new StatusProgress(capture);
		progress.started("device cpu, 40 training images, 10 validation images");
		progress.batchDone(2, 4, 5, 10, 0.25);
		assertEquals("device cpu, 40 training images, 10 validation images", logs.get(0));
		assertEquals("UNet training: epoch 2/4, batch 5/10, loss 0.2500", statuses.get(statuses.size() - 1));
		// 1 full epoch of 10 batches plus 5 batches, of 40 batches
		assertEquals(15.0 / 40, fractions.get(fractions.size() - 1), 1e-12);
		progress.message("checkpoint saved");
		assertEquals("checkpoint saved", logs.get(logs.size() - 1));
		assertEquals("checkpoint saved", statuses.get(statuses.size() - 1));
	}

	@Test
	void learningRatesAreShort() {
		assertEquals("1e-4", StatusProgress.learningRate(1e-4));
		assertEquals("2.5e-4", StatusProgress.learningRate(2.5e-4));
		assertEquals("3e-3", StatusProgress.learningRate(0.003));
		assertEquals("1", StatusProgress.learningRate(1));
		assertEquals("0", StatusProgress.learningRate(0));
		assertEquals("1.2e-5", StatusProgress.learningRate(1.23e-5));
	}

	@Test
	void durationsReadNaturally() {
		assertEquals("0 s", StatusProgress.duration(0.2));
		assertEquals("59 s", StatusProgress.duration(59.4));
		assertEquals("1 min", StatusProgress.duration(59.6));
		assertEquals("3 min", StatusProgress.duration(180));
		assertEquals("59 min", StatusProgress.duration(59 * 60 + 10));
		assertEquals("1 h 05 min", StatusProgress.duration(3900));
	}

	@Test
	void genericProgressStepsAndClamps() {
		capture.step(3, 12, "Segmenting brain_s003");
		assertEquals("Segmenting brain_s003 (3/12)", statuses.get(0));
		assertEquals(0.25, fractions.get(0), 1e-12);
		capture.fraction(1.7);
		capture.fraction(Double.NaN);
		capture.step(1, 0, "ignored");
		assertEquals(Arrays.asList(0.25, 1.0), fractions);
		capture.done("Segmented 12 images");
		assertEquals("Segmented 12 images", statuses.get(statuses.size() - 1));
		assertEquals(1.0, fractions.get(fractions.size() - 1));
	}

	@Test
	void imageJSinksAreHarmlessHeadless() {
		List<String> lines = new ArrayList<>();
		StatusProgress progress = new StatusProgress(Progress.imageJ(lines::add));
		progress.batchDone(1, 1, 1, 1, 0.5);
		progress.epochDone(record(1, 0.5, 0.4, 0.3, 1e-4, 1), 1, true, 0);
		assertEquals(1, lines.size());
		Progress.silent().step(1, 2, "nothing");
	}
}
