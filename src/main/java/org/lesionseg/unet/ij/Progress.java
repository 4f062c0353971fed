package org.lesionseg.unet.ij;

import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.DoubleConsumer;

import ij.IJ;

/**
 * Where a long operation reports to: a status line, a progress fraction and log lines. By default these are ImageJ's
 * status bar, progress bar and Log window ({@link #imageJ()}); headless, ImageJ drops the status and the bar and prints
 * log lines to the console. Tests and other front ends pass their own sinks, so messages can be captured.
 */
public final class Progress {

	private final Consumer<String> status;
	private final DoubleConsumer fraction;
	private final Consumer<String> log;

	/**
	 * @param status receives status texts (one short line, replaced by the next)
	 * @param fraction receives the fraction done, 0 to 1; 1 means finished (ImageJ then hides its bar)
	 * @param log receives lines to keep (one per call)
	 */
	public Progress(Consumer<String> status, DoubleConsumer fraction, Consumer<String> log) {
		this.status = Objects.requireNonNull(status, "status");
		this.fraction = Objects.requireNonNull(fraction, "fraction");
		this.log = Objects.requireNonNull(log, "log");
	}

	/** @return progress shown in ImageJ's status bar, progress bar and Log window */
	public static Progress imageJ() {
		return new Progress(IJ::showStatus, IJ::showProgress, IJ::log);
	}

	/** @return ImageJ's status and progress bars, with log lines sent to {@code log} instead of the Log window */
	public static Progress imageJ(Consumer<String> log) {
		return new Progress(IJ::showStatus, IJ::showProgress, log);
	}

	/** @return progress that goes nowhere */
	public static Progress silent() {
		return new Progress(text -> {
		}, f -> {
		}, line -> {
		});
	}

	/** Shows a status text. */
	public void status(String text) {
		status.accept(text);
	}

	/** Shows the fraction done, clamped to 0..1; NaN is ignored. */
	public void fraction(double done) {
		if (Double.isNaN(done))
			return;
		fraction.accept(Math.max(0, Math.min(1, done)));
	}

	/**
	 * Shows step {@code done} of {@code total}: the status "text (done/total)" and the fraction done/total.
	 *
	 * @param done steps finished, from 0
	 * @param total all steps; nothing happens if it is not positive
	 */
	public void step(int done, int total, String text) {
		if (total <= 0)
			return;
		status(text + " (" + done + "/" + total + ")");
		fraction((double) done / total);
	}

	/** Writes a line to the log. */
	public void log(String line) {
		log.accept(line);
	}

	/**
	 * Ends the operation with a failure: the line goes to the status bar (where a Fiji user looks; the Log window may
	 * be hidden) and to the log, and the progress bar is removed so that no half-full bar suggests work goes on.
	 */
	public void failed(String line) {
		fraction(1);
		status(line);
		log(line);
	}

	/** Ends the operation: shows the final status and removes the progress bar. */
	public void done(String text) {
		fraction(1);
		status(text);
	}
}
