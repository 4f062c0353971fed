package org.lesionseg.unet.core.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The training-curves figure: losses on the left, validation Dice on the right, per epoch.
 * <p>
 * Loss and Dice live on different scales (a loss can be anything, a Dice is in [0, 1]), so they get two
 * charts side by side, each with its axes, ticks, grid and legend, instead of one chart with two y axes
 * that is easy to misread. The best validation Dice is marked, since that is the epoch a user cares about.
 * NaN values (no validation in that epoch) are skipped and the line joins the measured points; if there
 * is no validation at all, the right chart says so.
 */
public final class Curves {

	public static final int WIDTH = 1000;
	public static final int HEIGHT = 500;

	static final Color TRAIN_LOSS = new Color(31, 119, 180);
	static final Color VALIDATION_LOSS = new Color(255, 127, 14);
	static final Color VALIDATION_DICE = new Color(44, 160, 44);
	private static final Color GRID = new Color(225, 225, 225);
	private static final Color AXIS = new Color(60, 60, 60);

	private Curves() {
	}

	/**
	 * Writes the figure as a PNG of {@value #WIDTH}x{@value #HEIGHT} pixels (atomically).
	 *
	 * @param history one point per epoch, in any order
	 * @param title shown above the charts (for example the model's name); may be null
	 */
	public static void writeTrainingCurves(Path png, List<EpochPoint> history, String title) {
		Figures.writePng(png, trainingCurves(history, title));
	}

	/** The figure as an image, for callers that show it rather than save it. */
	public static BufferedImage trainingCurves(List<EpochPoint> history, String title) {
		if (history.isEmpty())
			throw new IllegalArgumentException("no epochs to plot");
		BufferedImage figure = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
		Graphics2D g = figure.createGraphics();
		try {
			Figures.smooth(g);
			g.setColor(Color.WHITE);
			g.fillRect(0, 0, WIDTH, HEIGHT);
			g.setColor(Color.BLACK);
			g.setFont(new Font(Figures.FONT_FAMILY, Font.BOLD, 18));
			String heading = title == null || title.isEmpty() ? "Training curves" : title;
			FontMetrics fm = g.getFontMetrics();
			heading = Figures.fit(g, heading, WIDTH - 40);
			g.drawString(heading, (WIDTH - fm.stringWidth(heading)) / 2, 30);

			double[] epochRange = epochRange(history);
			// two charts of equal width; the room on their left holds the y ticks and label
			int top = 60, bottom = HEIGHT - 60, chartWidth = 380, leftChart = 80, rightChart = WIDTH - 40 - chartWidth;
			List<Series> losses = new ArrayList<>();
			losses.add(new Series("train loss", TRAIN_LOSS, history, EpochPoint::trainLoss));
			losses.add(new Series("validation loss", VALIDATION_LOSS, history, EpochPoint::validationLoss));
			double[] lossRange = valueRange(losses);
			drawChart(g, new Chart(leftChart, top, chartWidth, bottom - top, epochRange, lossRange, "Loss", "loss"), losses, false);

			List<Series> dice = new ArrayList<>();
			dice.add(new Series("validation Dice", VALIDATION_DICE, history, EpochPoint::validationDice));
			drawChart(g, new Chart(rightChart, top, chartWidth, bottom - top, epochRange, new double[] { 0, 1 },
					"Validation Dice", "Dice"), dice, true);
		} finally {
			g.dispose();
		}
		return figure;
	}

	/** One line of a chart: a name for the legend, a colour and the finite (epoch, value) pairs. */
	private static final class Series {
		final String name;
		final Color colour;
		final double[] x;
		final double[] y;

		Series(String name, Color colour, List<EpochPoint> history, ToDoubleFunction<EpochPoint> value) {
			this.name = name;
			this.colour = colour;
			List<EpochPoint> sorted = new ArrayList<>(history);
			sorted.sort((a, b) -> Integer.compare(a.epoch(), b.epoch()));
			x = new double[sorted.size()];
			y = new double[sorted.size()];
			for (int i = 0; i < sorted.size(); i++) {
				x[i] = sorted.get(i).epoch();
				y[i] = value.applyAsDouble(sorted.get(i));
			}
		}

		boolean isEmpty() {
			for (double v : y)
				if (Double.isFinite(v))
					return false;
			return true;
		}
	}

	/** A plotting area and the data ranges it maps. */
	private static final class Chart {
		final int left, top, width, height;
		final double[] xRange, yRange;
		final String title, yLabel;

		Chart(int left, int top, int width, int height, double[] xRange, double[] yRange, String title, String yLabel) {
			this.left = left;
			this.top = top;
			this.width = width;
			this.height = height;
			this.xRange = xRange;
			this.yRange = yRange;
			this.title = title;
			this.yLabel = yLabel;
		}

		double px(double x) {
			return left + (x - xRange[0]) / (xRange[1] - xRange[0]) * width;
		}

		double py(double y) {
			return top + height - (y - yRange[0]) / (yRange[1] - yRange[0]) * height;
		}
	}

	private static void drawChart(Graphics2D g, Chart c, List<Series> series, boolean markBest) {
		Font tickFont = new Font(Figures.FONT_FAMILY, Font.PLAIN, 12);
		Font labelFont = new Font(Figures.FONT_FAMILY, Font.PLAIN, 13);
		// grid and ticks
		g.setFont(tickFont);
		FontMetrics fm = g.getFontMetrics();
		for (double v : ticks(c.yRange[0], c.yRange[1], 6)) {
			int y = (int) Math.round(c.py(v));
			g.setColor(GRID);
			g.drawLine(c.left, y, c.left + c.width, y);
			g.setColor(AXIS);
			g.drawLine(c.left - 4, y, c.left, y);
			String s = formatTick(v, c.yRange[1] - c.yRange[0]);
			g.drawString(s, c.left - 7 - fm.stringWidth(s), y + fm.getAscent() / 2 - 1);
		}
		for (double v : epochTicks(c.xRange[0], c.xRange[1])) {
			int x = (int) Math.round(c.px(v));
			g.setColor(GRID);
			g.drawLine(x, c.top, x, c.top + c.height);
			g.setColor(AXIS);
			g.drawLine(x, c.top + c.height, x, c.top + c.height + 4);
			String s = Long.toString(Math.round(v));
			g.drawString(s, x - fm.stringWidth(s) / 2, c.top + c.height + 6 + fm.getAscent());
		}
		g.setColor(AXIS);
		g.drawRect(c.left, c.top, c.width, c.height);

		// titles of chart and axes
		g.setFont(new Font(Figures.FONT_FAMILY, Font.BOLD, 14));
		g.drawString(c.title, c.left, c.top - 10);
		g.setFont(labelFont);
		fm = g.getFontMetrics();
		g.drawString("epoch", c.left + (c.width - fm.stringWidth("epoch")) / 2, c.top + c.height + 40);
		Graphics2D rotated = (Graphics2D) g.create();
		rotated.rotate(-Math.PI / 2);
		rotated.drawString(c.yLabel, -(c.top + (c.height + fm.stringWidth(c.yLabel)) / 2), c.left - 48);
		rotated.dispose();

		// lines, clipped to the chart
		Graphics2D plot = (Graphics2D) g.create();
		plot.clipRect(c.left - 10, c.top - 10, c.width + 21, c.height + 21); // room for markers on the frame
		boolean markers = series.get(0).x.length <= 60;
		List<Series> drawn = new ArrayList<>();
		for (Series s : series) {
			if (s.isEmpty())
				continue;
			drawn.add(s);
			plot.setColor(s.colour);
			plot.setStroke(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
			Path2D path = new Path2D.Double();
			boolean penDown = false;
			for (int i = 0; i < s.x.length; i++) {
				if (!Double.isFinite(s.y[i]))
					continue; // validation every few epochs: join the measured points across the gaps
				if (penDown)
					path.lineTo(c.px(s.x[i]), c.py(s.y[i]));
				else
					path.moveTo(c.px(s.x[i]), c.py(s.y[i]));
				penDown = true;
			}
			plot.draw(path);
			for (int i = 0; i < s.x.length; i++)
				if (Double.isFinite(s.y[i]) && (markers || finiteCount(s.y) == 1))
					plot.fill(new Ellipse2D.Double(c.px(s.x[i]) - 3, c.py(s.y[i]) - 3, 6, 6));
		}
		if (markBest && !drawn.isEmpty())
			markBest(plot, c, drawn.get(0));
		plot.dispose();

		if (drawn.isEmpty()) {
			g.setColor(Color.GRAY);
			g.setFont(labelFont);
			String s = "no validation data";
			g.drawString(s, c.left + (c.width - g.getFontMetrics().stringWidth(s)) / 2, c.top + c.height / 2);
		} else
			drawLegend(g, c, drawn);
	}

	private static int finiteCount(double[] values) {
		int n = 0;
		for (double v : values)
			if (Double.isFinite(v))
				n++;
		return n;
	}

	private static void markBest(Graphics2D g, Chart c, Series s) {
		int best = -1;
		for (int i = 0; i < s.y.length; i++)
			if (Double.isFinite(s.y[i]) && (best < 0 || s.y[i] > s.y[best]))
				best = i;
		double x = c.px(s.x[best]), y = c.py(s.y[best]);
		g.setColor(s.colour.darker());
		g.setStroke(new BasicStroke(2f));
		g.draw(new Ellipse2D.Double(x - 7, y - 7, 14, 14));
		g.setFont(new Font(Figures.FONT_FAMILY, Font.PLAIN, 12));
		String label = String.format(Locale.ROOT, "best %.3f (epoch %d)", s.y[best], Math.round(s.x[best]));
		FontMetrics fm = g.getFontMetrics();
		int tx = (int) Math.round(x) - fm.stringWidth(label) / 2;
		tx = Math.max(c.left + 4, Math.min(c.left + c.width - 4 - fm.stringWidth(label), tx));
		int ty = y - 14 - fm.getAscent() < c.top ? (int) Math.round(y) + 14 + fm.getAscent() : (int) Math.round(y) - 14;
		g.drawString(label, tx, ty);
	}

	private static void drawLegend(Graphics2D g, Chart c, List<Series> series) {
		g.setFont(new Font(Figures.FONT_FAMILY, Font.PLAIN, 12));
		FontMetrics fm = g.getFontMetrics();
		int textWidth = 0;
		for (Series s : series)
			textWidth = Math.max(textWidth, fm.stringWidth(s.name));
		int row = fm.getHeight() + 2, boxW = textWidth + 40, boxH = series.size() * row + 8;
		// the legend goes in whichever top corner the lines cross less
		int x = legendOnLeft(c, series) ? c.left + 8 : c.left + c.width - boxW - 8;
		int y = c.top + 8;
		g.setColor(new Color(255, 255, 255, 225));
		g.fillRect(x, y, boxW, boxH);
		g.setColor(GRID.darker());
		g.drawRect(x, y, boxW, boxH);
		for (int i = 0; i < series.size(); i++) {
			Series s = series.get(i);
			int cy = y + 4 + i * row + row / 2;
			g.setColor(s.colour);
			g.setStroke(new BasicStroke(2f));
			g.drawLine(x + 8, cy, x + 28, cy);
			g.setColor(Color.BLACK);
			g.drawString(s.name, x + 34, cy + fm.getAscent() / 2 - 1);
		}
	}

	/** Counts data points in the top-left and top-right thirds of the chart and picks the emptier side. */
	private static boolean legendOnLeft(Chart c, List<Series> series) {
		int left = 0, right = 0;
		for (Series s : series)
			for (int i = 0; i < s.x.length; i++) {
				if (!Double.isFinite(s.y[i]) || c.py(s.y[i]) > c.top + c.height / 3.0)
					continue;
				double px = c.px(s.x[i]);
				if (px < c.left + c.width / 2.0)
					left++;
				else
					right++;
			}
		return left < right;
	}

	private static double[] epochRange(List<EpochPoint> history) {
		int min = Integer.MAX_VALUE, max = Integer.MIN_VALUE;
		for (EpochPoint p : history) {
			min = Math.min(min, p.epoch());
			max = Math.max(max, p.epoch());
		}
		return min == max ? new double[] { min - 1, max + 1 } : new double[] { min, max };
	}

	/** The range of all finite values with 5% room, snapped outward to tick marks; never below 0 for losses that are not. */
	private static double[] valueRange(List<Series> series) {
		double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
		for (Series s : series)
			for (double v : s.y)
				if (Double.isFinite(v)) {
					min = Math.min(min, v);
					max = Math.max(max, v);
				}
		if (min > max)
			return new double[] { 0, 1 };
		if (max - min < 1e-12) {
			double pad = Math.max(Math.abs(max) * 0.1, 1e-3);
			min -= pad;
			max += pad;
		}
		double pad = 0.05 * (max - min);
		double lo = min - pad, hi = max + pad;
		if (min >= 0 && lo < 0)
			lo = 0;
		double step = niceStep(hi - lo, 6);
		return new double[] { Math.floor(lo / step) * step, Math.ceil(hi / step) * step };
	}

	static double niceStep(double range, int maxTicks) {
		double raw = range / maxTicks;
		double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
		double n = raw / magnitude;
		double eps = 1e-9; // 0.2 / 0.1 is 2.0000000000000004
		double nice = n <= 1 + eps ? 1 : n <= 2 + eps ? 2 : n <= 5 + eps ? 5 : 10;
		return nice * magnitude;
	}

	static List<Double> ticks(double lo, double hi, int maxTicks) {
		double step = niceStep(hi - lo, maxTicks);
		List<Double> ticks = new ArrayList<>();
		for (long k = (long) Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++)
			ticks.add(k * step);
		return ticks;
	}

	private static List<Double> epochTicks(double lo, double hi) {
		double step = Math.max(1, Math.round(niceStep(hi - lo, 10)));
		List<Double> ticks = new ArrayList<>();
		for (double v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step)
			ticks.add(v);
		return ticks;
	}

	private static String formatTick(double v, double range) {
		int decimals = (int) Math.max(0, Math.ceil(-Math.log10(niceStep(range, 6)) - 1e-9));
		return String.format(Locale.ROOT, "%." + decimals + "f", Math.abs(v) < 1e-12 ? 0.0 : v);
	}
}
