package org.lesionseg.unet.core.metrics;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.lesionseg.unet.core.io.CsvWriter;

/**
 * Per-class metrics over images: for each class its pooled counts (all pixels of all images) and its mean per-image
 * Dice, and the macro means over the classes (each class weighs the same, however large). The macro pooled Dice is
 * what a multi-class validation selects the best epoch by.
 */
public final class ClassMetricsSummary {

	public static final List<String> IMAGE_COLUMNS = List.of("image", "class", "label", "dice", "iou", "precision", "recall", "truth_pixels",
		"predicted_pixels");
	public static final List<String> SUMMARY_COLUMNS = List.of("class", "label", "pooled_dice", "pooled_iou", "pooled_precision", "pooled_recall",
		"mean_dice", "images_with_class", "truth_pixels", "predicted_pixels");

	private final List<ClassMetrics> images;
	private final List<String> names;
	private final ConfusionCounts[] pooled;

	/** @param names the K class names, labels 1..K */
	public ClassMetricsSummary(List<ClassMetrics> images, List<String> names) {
		this.images = new ArrayList<>(images);
		this.names = new ArrayList<>(names);
		pooled = new ConfusionCounts[names.size()];
		for (int k = 0; k < pooled.length; k++) {
			pooled[k] = ConfusionCounts.ZERO;
			for (ClassMetrics m : images)
				pooled[k] = pooled[k].plus(m.counts(k + 1));
		}
	}

	public int classes() {
		return names.size();
	}

	public ConfusionCounts pooled(int label) {
		return pooled[label - 1];
	}

	public double pooledDice(int label) {
		return images.isEmpty() ? Double.NaN : pooled(label).dice();
	}

	/** The mean over images of the class's Dice (an image without the class and without its prediction counts 1). */
	public double meanDice(int label) {
		if (images.isEmpty())
			return Double.NaN;
		double sum = 0;
		for (ClassMetrics m : images)
			sum += m.counts(label).dice();
		return sum / images.size();
	}

	/** The mean over classes of the pooled Dice. */
	public double macroPooledDice() {
		return macro(k -> pooledDice(k));
	}

	public double macroPooledIou() {
		return macro(k -> images.isEmpty() ? Double.NaN : pooled(k).iou());
	}

	public double macroMeanDice() {
		return macro(this::meanDice);
	}

	private double macro(java.util.function.IntToDoubleFunction perClass) {
		double sum = 0;
		for (int k = 1; k <= classes(); k++)
			sum += perClass.applyAsDouble(k);
		return sum / classes();
	}

	/** One line: {@code classes: NAME pooled_dice=... ; ... macro_pooled_dice=... macro_mean_dice=...}. */
	public String summaryLine() {
		StringBuilder b = new StringBuilder("classes:");
		for (int k = 1; k <= classes(); k++)
			b.append(' ').append(names.get(k - 1)).append(" pooled_dice=").append(MetricsSummary.format4(pooledDice(k))).append(';');
		return b.append(" macro_pooled_dice=").append(MetricsSummary.format4(macroPooledDice())).append(" macro_mean_dice=")
			.append(MetricsSummary.format4(macroMeanDice())).toString();
	}

	/** Rows of the per-image, per-class table ({@link #IMAGE_COLUMNS}). */
	public List<List<String>> imageRows() {
		List<List<String>> rows = new ArrayList<>();
		for (ClassMetrics m : images)
			for (int k = 1; k <= classes(); k++) {
				ConfusionCounts c = m.counts(k);
				rows.add(List.of(m.name(), names.get(k - 1), Integer.toString(k), f(c.dice()), f(c.iou()), f(c.precision()), f(c.recall()),
					Long.toString(c.truthPixels()), Long.toString(c.predictedPixels())));
			}
		return rows;
	}

	/** Rows of the per-class table ({@link #SUMMARY_COLUMNS}), the macro mean last. */
	public List<List<String>> summaryRows() {
		List<List<String>> rows = new ArrayList<>();
		for (int k = 1; k <= classes(); k++) {
			ConfusionCounts c = pooled(k);
			int with = 0;
			for (ClassMetrics m : images)
				if (!m.counts(k).truthEmpty())
					with++;
			rows.add(List.of(names.get(k - 1), Integer.toString(k), f(pooledDice(k)), f(c.iou()), f(c.precision()), f(c.recall()), f(meanDice(k)),
				Integer.toString(with), Long.toString(c.truthPixels()), Long.toString(c.predictedPixels())));
		}
		rows.add(List.of("macro_mean", "", f(macroPooledDice()), f(macroPooledIou()), "", "", f(macroMeanDice()), "", "", ""));
		return rows;
	}

	/** Writes {@code class_metrics.csv} (per image and class) and {@code class_summary.csv} (per class) into a folder. */
	public void write(Path folder) {
		CsvWriter.write(folder.resolve("class_metrics.csv"), IMAGE_COLUMNS, imageRows());
		CsvWriter.write(folder.resolve("class_summary.csv"), SUMMARY_COLUMNS, summaryRows());
	}

	private static String f(double v) {
		return Double.isNaN(v) ? "nan" : String.format(Locale.ROOT, "%.6f", v);
	}
}
