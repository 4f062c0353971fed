package org.lesionseg.unet.core.metrics;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.io.CsvReader;
import org.lesionseg.unet.core.io.CsvWriter;

/**
 * Per-class metrics over images: for each class its pooled counts (all pixels of all images) and its mean per-image
 * Dice, and the macro means over the classes (each class weighs the same, however large). The macro pooled Dice is
 * what a multi-class validation selects the best epoch by.
 */
public final class ClassMetricsSummary {

	/** The per-image columns; the confusion counts last, so that the table can be read back and pooled ({@link #read}). */
	public static final List<String> IMAGE_COLUMNS = List.of("image", "class", "label", "dice", "iou", "precision", "recall", "truth_pixels",
		"predicted_pixels", "tp", "fp", "fn", "tn");
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

	/** The K class names, labels 1..K. */
	public List<String> names() {
		return Collections.unmodifiableList(names);
	}

	/** The per-image counts, in image order. */
	public List<ClassMetrics> imageMetrics() {
		return Collections.unmodifiableList(images);
	}

	/**
	 * The label (1..K) of a class name, for scripts ({@code summary.pooledDice("subdural")}).
	 *
	 * @throws UnetException naming the classes there are
	 */
	public int label(String name) {
		int index = names.indexOf(name);
		if (index < 0)
			throw new UnetException("no class " + name + ": the classes are " + String.join(", ", names));
		return index + 1;
	}

	/** {@link #pooledDice(int)} of a class by name. */
	public double pooledDice(String name) {
		return pooledDice(label(name));
	}

	/** {@link #meanDice(int)} of a class by name. */
	public double meanDice(String name) {
		return meanDice(label(name));
	}

	public ConfusionCounts pooled(int label) {
		return pooled[label - 1];
	}

	public double pooledDice(int label) {
		return images.isEmpty() ? Double.NaN : pooled(label).dice();
	}

	/** How many images' truth holds class {@code label}. */
	public int imagesWithClass(int label) {
		int with = 0;
		for (ClassMetrics m : images)
			if (!m.counts(label).truthEmpty())
				with++;
		return with;
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
					Long.toString(c.truthPixels()), Long.toString(c.predictedPixels()), Long.toString(c.tp()), Long.toString(c.fp()), Long.toString(c.fn()),
					Long.toString(c.tn())));
			}
		return rows;
	}

	/** Rows of the per-class table ({@link #SUMMARY_COLUMNS}), the macro mean last. */
	public List<List<String>> summaryRows() {
		List<List<String>> rows = new ArrayList<>();
		for (int k = 1; k <= classes(); k++) {
			ConfusionCounts c = pooled(k);
			rows.add(List.of(names.get(k - 1), Integer.toString(k), f(pooledDice(k)), f(c.iou()), f(c.precision()), f(c.recall()), f(meanDice(k)),
				Integer.toString(imagesWithClass(k)), Long.toString(c.truthPixels()), Long.toString(c.predictedPixels())));
		}
		rows.add(List.of("macro_mean", "", f(macroPooledDice()), f(macroPooledIou()), "", "", f(macroMeanDice()), "", "", ""));
		return rows;
	}

	/** Writes {@code class_metrics.csv} (per image and class) and {@code class_summary.csv} (per class) into a folder. */
	public void write(Path folder) {
		CsvWriter.write(folder.resolve("class_metrics.csv"), IMAGE_COLUMNS, imageRows());
		CsvWriter.write(folder.resolve("class_summary.csv"), SUMMARY_COLUMNS, summaryRows());
	}

	/**
	 * Reads back a {@code class_metrics.csv} this class wrote (per image and class, with the confusion counts): the
	 * same summary, e.g. to pool the test images of several folds.
	 *
	 * @throws UnetException naming the file when it is not such a table
	 */
	public static ClassMetricsSummary read(Path csv) {
		List<List<String>> rows = CsvReader.read(csv);
		int[] column = new int[IMAGE_COLUMNS.size()];
		for (int c = 0; c < column.length; c++)
			if ((column[c] = rows.get(0).indexOf(IMAGE_COLUMNS.get(c))) < 0)
				throw new UnetException(csv + " is not a per-class metrics table of this version: it has no column " + IMAGE_COLUMNS.get(c)
					+ " (evaluate again to write it)");
		TreeMap<Integer, String> names = new TreeMap<>();
		Map<String, Map<Integer, ConfusionCounts>> byImage = new LinkedHashMap<>();
		for (List<String> row : rows.subList(1, rows.size())) { // image, class, label, ..., tp, fp, fn, tn
			int label;
			ConfusionCounts counts;
			try {
				label = Integer.parseInt(row.get(column[2]));
				int tp = IMAGE_COLUMNS.indexOf("tp"); // tp, fp, fn, tn follow each other
				counts = new ConfusionCounts(Long.parseLong(row.get(column[tp])), Long.parseLong(row.get(column[tp + 1])),
					Long.parseLong(row.get(column[tp + 2])), Long.parseLong(row.get(column[tp + 3])));
			} catch (NumberFormatException | IndexOutOfBoundsException e) {
				throw new UnetException(csv + " has a row whose label or counts are not whole numbers: " + String.join(",", row));
			}
			String name = row.get(column[1]), before = names.put(label, name);
			if (before != null && !before.equals(name))
				throw new UnetException(csv + " names label " + label + " both " + before + " and " + name);
			byImage.computeIfAbsent(row.get(column[0]), image -> new LinkedHashMap<>()).put(label, counts);
		}
		if (names.isEmpty() || names.firstKey() != 1 || names.lastKey() != names.size())
			throw new UnetException(csv + " does not hold the labels 1.." + names.size() + " of a multi-class evaluation (it has " + names.keySet() + ")");
		List<ClassMetrics> images = new ArrayList<>();
		for (Map.Entry<String, Map<Integer, ConfusionCounts>> image : byImage.entrySet()) {
			ConfusionCounts[] perClass = new ConfusionCounts[names.size()];
			for (int k = 1; k <= perClass.length; k++)
				if ((perClass[k - 1] = image.getValue().get(k)) == null)
					throw new UnetException(csv + " has no row of class " + names.get(k) + " for image " + image.getKey());
			images.add(new ClassMetrics(image.getKey(), perClass));
		}
		return new ClassMetricsSummary(images, new ArrayList<>(names.values()));
	}

	private static String f(double v) {
		return Double.isNaN(v) ? "nan" : String.format(Locale.ROOT, "%.6f", v);
	}
}
