package org.lesionseg.unet.ij;

import java.awt.Color;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.ToDoubleFunction;

import org.lesionseg.unet.core.train.EpochRecord;
import org.lesionseg.unet.core.train.TrainingListener;

import ij.IJ;
import ij.ImagePlus;
import ij.gui.Plot;
import ij.gui.PlotWindow;

/**
 * A live ImageJ plot of a training: train loss, validation loss and validation Dice per epoch on one axis from 0 to
 * the largest value (at least 1, so Dice always fits). With a display it keeps one plot window and redraws it in place
 * after every epoch; headless (or in a batch-mode macro) it only keeps the {@link Plot}, whose
 * {@link #getImagePlus()} can be saved.
 */
public final class TrainingPlot implements TrainingListener {

	/** The plot's title and window name. */
	public static final String TITLE = "UNet training";

	static final Color TRAIN_LOSS_COLOR = new Color(0x1f77b4);
	static final Color VAL_LOSS_COLOR = new Color(0xff7f0e);
	static final Color VAL_DICE_COLOR = new Color(0x2ca02c);

	private final boolean showWindow;
	private final List<EpochRecord> history = new ArrayList<>();
	private int totalEpochs;
	private Plot plot;
	private PlotWindow window;
	private boolean windowFailed;

	/** A plot that opens a window when ImageJ can show one. */
	public TrainingPlot() {
		this(ImageJContext.canShowWindows());
	}

	/** @param showWindow whether to open and update a plot window (ignored without a display) */
	public TrainingPlot(boolean showWindow) {
		this.showWindow = showWindow && ImageJContext.canShowWindows();
		this.plot = build(history, 0);
	}

	/** Redraws the plot from a whole history, for example the one carried by a checkpoint. */
	public synchronized void update(List<EpochRecord> records) {
		update(records, totalEpochs);
	}

	/**
	 * Redraws the plot from a whole history.
	 *
	 * @param records the epochs so far, in order
	 * @param epochs the planned number of epochs, so that the x axis does not jump every epoch; 0 if unknown
	 */
	public synchronized void update(List<EpochRecord> records, int epochs) {
		if (records != history) {
			history.clear();
			history.addAll(records);
		}
		totalEpochs = Math.max(totalEpochs, epochs);
		plot = build(history, totalEpochs);
		if (showWindow)
			showInWindow(plot);
	}

	@Override
	public synchronized void epochDone(EpochRecord record, int epochs, boolean improved, double etaSeconds) {
		// a resumed or restarted run repeats epoch numbers: the new record replaces the old tail
		while (!history.isEmpty() && history.get(history.size() - 1).epoch >= record.epoch)
			history.remove(history.size() - 1);
		history.add(record);
		update(history, epochs);
	}

	/** @return the current plot (a new object after each update) */
	public synchronized Plot getPlot() {
		return plot;
	}

	/** @return the plot rendered as an RGB image, for saving as PNG; works headless */
	public synchronized ImagePlus getImagePlus() {
		return plot.getImagePlus();
	}

	/** @return the epochs plotted, unmodifiable */
	public synchronized List<EpochRecord> history() {
		return Collections.unmodifiableList(new ArrayList<>(history));
	}

	/**
	 * Passes every event to several listeners in order, so that a command can show status, log and plot at once.
	 * Null entries are skipped.
	 */
	public static TrainingListener chain(TrainingListener... listeners) {
		final List<TrainingListener> all = new ArrayList<>();
		for (TrainingListener l : listeners)
			if (l != null)
				all.add(l);
		return new TrainingListener() {

			@Override
			public void started(String description) {
				for (TrainingListener l : all)
					l.started(description);
			}

			@Override
			public void batchDone(int epoch, int epochs, int batch, int batches, double loss) {
				for (TrainingListener l : all)
					l.batchDone(epoch, epochs, batch, batches, loss);
			}

			@Override
			public void epochDone(EpochRecord record, int epochs, boolean improved, double etaSeconds) {
				for (TrainingListener l : all)
					l.epochDone(record, epochs, improved, etaSeconds);
			}

			@Override
			public void message(String text) {
				for (TrainingListener l : all)
					l.message(text);
			}
		};
	}

	/** Margins around the data, as shares of the axes' spans. */
	static final double X_PAD = 0.03, Y_PAD = 0.05;

	/** Builds a new plot of the history; series without any value (no validation) are left out. */
	static Plot build(List<EpochRecord> records, int epochs) {
		Plot p = new Plot(TITLE, "epoch", "loss / Dice");
		List<String> labels = new ArrayList<>();
		double maxY = 1;
		maxY = Math.max(maxY, addSeries(p, records, r -> r.trainLoss, TRAIN_LOSS_COLOR, "train loss", labels));
		maxY = Math.max(maxY, addSeries(p, records, r -> r.valLoss, VAL_LOSS_COLOR, "val loss", labels));
		maxY = Math.max(maxY, addSeries(p, records, r -> r.valDice, VAL_DICE_COLOR, "val Dice", labels));
		int lastEpoch = records.isEmpty() ? 0 : records.get(records.size() - 1).epoch;
		int firstEpoch = records.isEmpty() ? 1 : records.get(0).epoch;
		int xMax = Math.max(Math.max(epochs, lastEpoch), firstEpoch + 1);
		// a margin on every side, so that the last epoch and values of 0 are drawn inside the frame, not on it
		double xMin = Math.max(0, firstEpoch - 1);
		double xPad = Math.max(0.5, X_PAD * (xMax - xMin));
		p.setLimits(xMin, xMax + xPad, -Y_PAD * maxY, maxY * (1 + Y_PAD));
		if (!labels.isEmpty()) {
			p.setColor(Color.BLACK);
			p.addLegend(String.join("\n", labels));
		}
		return p;
	}

	/** Adds the finite values of one quantity; returns their maximum (0 if none). */
	private static double addSeries(Plot p, List<EpochRecord> records, ToDoubleFunction<EpochRecord> value, Color color, String label, List<String> labels) {
		double[] x = new double[records.size()];
		double[] y = new double[records.size()];
		int n = 0;
		double max = 0;
		for (EpochRecord r : records) {
			double v = value.applyAsDouble(r);
			if (Double.isNaN(v) || Double.isInfinite(v))
				continue;
			x[n] = r.epoch;
			y[n] = v;
			max = Math.max(max, v);
			n++;
		}
		if (n == 0)
			return 0;
		p.setColor(color, color); // the second colour fills the circles; without it ImageJ draws the connecting line black
		p.setLineWidth(1.5f);
		p.addPoints(Arrays.copyOf(x, n), Arrays.copyOf(y, n), Plot.CONNECTED_CIRCLES);
		labels.add(label);
		return max;
	}

	/**
	 * Opens the window on the first call and redraws it in place afterwards. A window the user closed stays closed.
	 * Drawing problems are logged once and never stop the training that calls this.
	 */
	private void showInWindow(Plot newPlot) {
		if (windowFailed)
			return;
		try {
			if (window == null) {
				window = newPlot.show();
				if (window == null) // ImageJ declined to open one (e.g. batch mode): do not try every epoch
					windowFailed = true;
			} else if (!window.isClosed()) {
				window.drawPlot(newPlot);
			}
		} catch (RuntimeException e) {
			windowFailed = true;
			IJ.log("The training plot cannot be shown (" + e + "); training goes on.");
		}
	}
}
