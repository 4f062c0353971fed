package org.lesionseg.unet.cli;

import java.io.PrintStream;
import java.util.Locale;

import org.lesionseg.unet.core.train.EpochRecord;
import org.lesionseg.unet.core.train.TrainingListener;

/** Prints a training's progress to the terminal: the device first, one line per epoch, batches on one line. */
final class ConsoleProgress implements TrainingListener {

	private final PrintStream out;
	private final boolean showBatches;

	ConsoleProgress(PrintStream out, boolean showBatches) {
		this.out = out;
		this.showBatches = showBatches;
	}

	@Override
	public void started(String description) {
		out.println(description);
	}

	@Override
	public void batchDone(int epoch, int epochs, int batch, int batches, double loss) {
		if (showBatches)
			out.printf(Locale.ROOT, "\repoch %d/%d  batch %d/%d  loss %.4f   ", epoch, epochs, batch, batches, loss);
	}

	@Override
	public void epochDone(EpochRecord r, int epochs, boolean improved, double etaSeconds) {
		if (showBatches)
			out.print("\r");
		out.printf(Locale.ROOT, "epoch %2d/%d  loss %.4f  val loss %.4f  val Dice %.4f (mean %.4f)  IoU %.4f  acc %.4f  lr %.2g  %.1f s  ETA %s%s%n",
			r.epoch, epochs, r.trainLoss, r.valLoss, r.valDice, r.valMeanDice, r.valIou, r.valAccuracy, r.learningRate, r.seconds, duration(etaSeconds),
			improved ? "  * best, saved" : "");
	}

	@Override
	public void message(String text) {
		out.println(text);
	}

	static String duration(double seconds) {
		if (seconds < 90)
			return String.format(Locale.ROOT, "%.0f s", seconds);
		if (seconds < 5400)
			return String.format(Locale.ROOT, "%.1f min", seconds / 60);
		return String.format(Locale.ROOT, "%.1f h", seconds / 3600);
	}
}
