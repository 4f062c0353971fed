package org.lesionseg.unet.ij;

import java.util.Locale;
import java.util.Objects;

import org.lesionseg.unet.core.train.EpochRecord;
import org.lesionseg.unet.core.train.TrainingListener;

/**
 * Shows a training's progress the ImageJ way: the current epoch and batch in the status bar, the whole run in the
 * progress bar, and one line per epoch in the Log window, for example
 * {@code epoch 3/20  loss 0.4123  val loss 0.3900  val Dice 0.612 (best)  lr 1e-4  12.3 s  ETA 3 min}.
 * Everything goes through a {@link Progress}, so the lines can be captured or redirected.
 */
public final class StatusProgress implements TrainingListener {

	private final Progress progress;

	/** Reports to ImageJ's status bar, progress bar and Log window. */
	public StatusProgress() {
		this(Progress.imageJ());
	}

	/** Reports to the given sinks. */
	public StatusProgress(Progress progress) {
		this.progress = Objects.requireNonNull(progress, "progress");
	}

	@Override
	public void started(String description) {
		progress.log(description);
		progress.status("UNet training: starting");
		progress.fraction(0);
	}

	@Override
	public void batchDone(int epoch, int epochs, int batch, int batches, double loss) {
		progress.status(String.format(Locale.ROOT, "UNet training: epoch %d/%d, batch %d/%d, loss %.4f", epoch, epochs, batch, batches, loss));
		if (epochs > 0 && batches > 0)
			progress.fraction(((epoch - 1) * (double) batches + batch) / ((double) epochs * batches));
	}

	@Override
	public void epochDone(EpochRecord record, int epochs, boolean improved, double etaSeconds) {
		progress.log(epochLine(record, epochs, improved, etaSeconds));
		if (record.epoch >= epochs) {
			progress.done("UNet training: " + epochs + " epochs done");
		} else {
			progress.status(String.format(Locale.ROOT, "UNet training: epoch %d/%d done%s", record.epoch, epochs,
				Double.isNaN(record.valDice) ? "" : String.format(Locale.ROOT, ", val Dice %.3f", record.valDice)));
			if (epochs > 0)
				progress.fraction((double) record.epoch / epochs);
		}
	}

	@Override
	public void message(String text) {
		progress.log(text);
		progress.status(text);
	}

	/**
	 * The log line of one epoch. Validation values are left out when there was no validation (NaN), the ETA after the
	 * last epoch.
	 */
	public static String epochLine(EpochRecord r, int epochs, boolean improved, double etaSeconds) {
		StringBuilder line = new StringBuilder();
		line.append(String.format(Locale.ROOT, "epoch %d/%d  loss %.4f", r.epoch, epochs, r.trainLoss));
		if (!Double.isNaN(r.valLoss))
			line.append(String.format(Locale.ROOT, "  val loss %.4f", r.valLoss));
		if (!Double.isNaN(r.valDice))
			line.append(String.format(Locale.ROOT, "  val Dice %.3f", r.valDice));
		if (improved)
			line.append(" (best)");
		line.append("  lr ").append(learningRate(r.learningRate));
		line.append(String.format(Locale.ROOT, "  %.1f s", r.seconds));
		if (r.epoch < epochs && etaSeconds >= 0 && !Double.isInfinite(etaSeconds))
			line.append("  ETA ").append(duration(etaSeconds));
		return line.toString();
	}

	/** A learning rate in short scientific form: 1e-4, 2.5e-4, 3e-3; 0 stays 0. */
	static String learningRate(double lr) {
		if (lr == 0 || Double.isNaN(lr) || Double.isInfinite(lr))
			return lr == 0 ? "0" : String.valueOf(lr);
		String s = String.format(Locale.ROOT, "%.1e", lr); // e.g. 2.5e-04
		int e = s.indexOf('e');
		String mantissa = s.substring(0, e);
		if (mantissa.endsWith(".0"))
			mantissa = mantissa.substring(0, mantissa.length() - 2);
		int exponent = Integer.parseInt(s.substring(e + 1));
		return exponent == 0 ? mantissa : mantissa + "e" + exponent;
	}

	/** A remaining time as people say it: 45 s, 3 min, 1 h 05 min. */
	static String duration(double seconds) {
		long s = Math.round(seconds);
		if (s < 60)
			return s + " s";
		long minutes = Math.round(seconds / 60);
		if (minutes < 60)
			return minutes + " min";
		return String.format(Locale.ROOT, "%d h %02d min", minutes / 60, minutes % 60);
	}
}
