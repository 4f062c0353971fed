package org.lesionseg.unet.core.train;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where one epoch's time went, from a few clock reads per batch in the trainer (they change no result): training
 * steps (forward, loss, backward, optimizer), waiting for the loader's next batch, validation, and writing the model
 * files; plus the CPU time the loader threads spent preparing batches. Benchmarks read it back from {@link #line()}.
 */
public final class EpochTimes {

	/** The epoch, counted from 1. */
	public final int epoch;
	/** Training steps: batch to the engine, forward, loss, backward, optimizer update. */
	public final double stepSeconds;
	/** Waiting for the next batch from the loader threads. */
	public final double dataWaitSeconds;
	public final double validationSeconds;
	/** Writing the best model (when it improved) and the checkpoint. */
	public final double saveSeconds;
	/** CPU time of the loader threads (reading, augmenting, packing batches); NaN where the JVM cannot tell. */
	public final double loaderCpuSeconds;
	/** The whole epoch, model files included. */
	public final double totalSeconds;
	/** Images trained on in this epoch. */
	public final int images;

	public EpochTimes(int epoch, double stepSeconds, double dataWaitSeconds, double validationSeconds, double saveSeconds, double loaderCpuSeconds,
		double totalSeconds, int images) {
		this.epoch = epoch;
		this.stepSeconds = stepSeconds;
		this.dataWaitSeconds = dataWaitSeconds;
		this.validationSeconds = validationSeconds;
		this.saveSeconds = saveSeconds;
		this.loaderCpuSeconds = loaderCpuSeconds;
		this.totalSeconds = totalSeconds;
		this.images = images;
	}

	/** One line for a log, which {@link #parse} reads back. */
	public String line() {
		return String.format(Locale.ROOT,
			"epoch %d times: total %.3f s = steps %.3f s + waiting for data %.3f s + validation %.3f s + saving %.3f s + other %.3f s; loader CPU %.3f s; %d images",
			epoch, totalSeconds, stepSeconds, dataWaitSeconds, validationSeconds, saveSeconds, otherSeconds(), loaderCpuSeconds, images);
	}

	/** What the four parts leave of the epoch (listeners, scheduling, starting the loader). */
	public double otherSeconds() {
		return Math.max(0, totalSeconds - stepSeconds - dataWaitSeconds - validationSeconds - saveSeconds);
	}

	private static final Pattern LINE = Pattern.compile("epoch (\\d+) times: total ([0-9.]+) s = steps ([0-9.]+) s \\+ waiting for data ([0-9.]+) s "
		+ "\\+ validation ([0-9.]+) s \\+ saving ([0-9.]+) s \\+ other [0-9.]+ s; loader CPU ([0-9.]+|NaN) s; (\\d+) images");

	/** The times in a line that {@link #line()} wrote (anywhere in it), or null. */
	public static EpochTimes parse(String text) {
		Matcher m = LINE.matcher(text);
		if (!m.find())
			return null;
		return new EpochTimes(Integer.parseInt(m.group(1)), Double.parseDouble(m.group(3)), Double.parseDouble(m.group(4)), Double.parseDouble(m.group(5)),
			Double.parseDouble(m.group(6)), Double.parseDouble(m.group(7)), Double.parseDouble(m.group(2)), Integer.parseInt(m.group(8)));
	}
}
