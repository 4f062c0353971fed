package org.lesionseg.unet.ij;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.metrics.ClassMetricsSummary;
import org.lesionseg.unet.core.metrics.ConfusionCounts;
import org.lesionseg.unet.core.metrics.ImageMetrics;
import org.lesionseg.unet.core.metrics.MetricsSummary;
import org.lesionseg.unet.core.predict.ObjectTable;
import org.lesionseg.unet.core.predict.UncertaintyTable;
import org.lesionseg.unet.core.io.AtomicFiles;
import org.lesionseg.unet.core.io.CsvWriter;
import org.lesionseg.unet.core.train.EpochRecord;

import ij.measure.ResultsTable;

/**
 * Builds the ImageJ tables that the commands show: per-image metrics with a one-row summary beside them (like
 * "Analyze Particles" gives "Results" and "Summary"), the training history and the lesion objects (the columns of
 * {@code objects.csv}). Tables are
 * shown only when there is a display and saved as CSV atomically, so scripts and macros get the same numbers.
 */
public final class ResultsTables {

	/** Title of the per-image metrics table. */
	public static final String METRICS_TITLE = "UNet metrics";
	/** Title of the one-row summary table. */
	public static final String SUMMARY_TITLE = "UNet summary";
	/** Title of the training history table. */
	public static final String HISTORY_TITLE = "UNet training history";
	/** Title of the objects table. */
	public static final String OBJECTS_TITLE = "UNet objects";
	/** Title of a multi-class evaluation's per-image, per-class table. */
	public static final String CLASS_METRICS_TITLE = "UNet class metrics";
	/** Title of a multi-class evaluation's per-class table. */
	public static final String CLASS_SUMMARY_TITLE = "UNet class summary";
	/** The per-slice uncertainty scores of a segmentation with uncertainty maps. */
	public static final String UNCERTAINTY_TITLE = "UNet slice uncertainty";

	private static final int METRIC_DECIMALS = 4;

	private ResultsTables() {
	}

	/**
	 * One row per image: Image, Dice, IoU, Accuracy, Precision, Recall, Truth px, Predicted px.
	 *
	 * @throws UnetException if the list is missing
	 */
	public static ResultsTable fromMetrics(List<ImageMetrics> images) {
		if (images == null)
			throw new UnetException("no image metrics were given for the metrics table");
		ResultsTable rt = newTable();
		for (ImageMetrics image : images) {
			ConfusionCounts c = image.counts();
			rt.incrementCounter();
			rt.addValue("Image", image.name());
			rt.addValue("Dice", c.dice());
			rt.addValue("IoU", c.iou());
			rt.addValue("Accuracy", c.accuracy());
			rt.addValue("Precision", c.precision());
			rt.addValue("Recall", c.recall());
			rt.addValue("Truth px", c.truthPixels());
			rt.addValue("Predicted px", c.predictedPixels());
		}
		decimals(rt, METRIC_DECIMALS, "Dice", "IoU", "Accuracy", "Precision", "Recall");
		decimals(rt, 0, "Truth px", "Predicted px");
		return rt;
	}

	/**
	 * The one-row summary of an evaluation: Images, Mean Dice, Mean Dice (lesion) over images whose truth has a
	 * lesion, Pooled Dice, Mean IoU, Mean accuracy, Pooled precision, Pooled recall, Truth px, Predicted px (summed).
	 * Mean and pooled Dice are both given because many empty slices make the mean look better than it is.
	 *
	 * @throws UnetException if the summary is missing
	 */
	public static ResultsTable fromSummary(MetricsSummary summary) {
		if (summary == null)
			throw new UnetException("no metrics summary was given for the summary table");
		ResultsTable rt = newTable();
		rt.incrementCounter();
		rt.addValue("Images", summary.images());
		rt.addValue("Mean Dice", summary.meanDice());
		rt.addValue("Mean Dice (lesion)", summary.meanDiceNonEmpty());
		rt.addValue("Pooled Dice", summary.pooledDice());
		rt.addValue("Mean IoU", summary.meanIou());
		rt.addValue("Mean accuracy", summary.meanAccuracy());
		rt.addValue("Pooled precision", summary.pooledPrecision());
		rt.addValue("Pooled recall", summary.pooledRecall());
		rt.addValue("Truth px", summary.pooledCounts().truthPixels());
		rt.addValue("Predicted px", summary.pooledCounts().predictedPixels());
		decimals(rt, METRIC_DECIMALS, "Mean Dice", "Mean Dice (lesion)", "Pooled Dice", "Mean IoU", "Mean accuracy", "Pooled precision",
			"Pooled recall");
		decimals(rt, 0, "Images", "Truth px", "Predicted px");
		return rt;
	}

	/**
	 * One row per epoch: Epoch, Train loss, Val loss, Val Dice, Val mean Dice, Val IoU, Val accuracy, Learning rate,
	 * Seconds. NaN (no validation) shows as NaN.
	 *
	 * @throws UnetException if the list is missing
	 */
	public static ResultsTable fromHistory(List<EpochRecord> history) {
		if (history == null)
			throw new UnetException("no training history was given for the history table");
		ResultsTable rt = newTable();
		for (EpochRecord r : history) {
			rt.incrementCounter();
			rt.addValue("Epoch", r.epoch);
			rt.addValue("Train loss", r.trainLoss);
			rt.addValue("Val loss", r.valLoss);
			rt.addValue("Val Dice", r.valDice);
			rt.addValue("Val mean Dice", r.valMeanDice);
			rt.addValue("Val IoU", r.valIou);
			rt.addValue("Val accuracy", r.valAccuracy);
			rt.addValue("Learning rate", r.learningRate);
			rt.addValue("Seconds", r.seconds);
		}
		decimals(rt, 0, "Epoch");
		decimals(rt, METRIC_DECIMALS, "Train loss", "Val loss", "Val Dice", "Val mean Dice", "Val IoU", "Val accuracy");
		decimals(rt, -2, "Learning rate"); // scientific notation: 1.00E-4
		decimals(rt, 1, "Seconds");
		return rt;
	}

	/**
	 * One row per object, with the columns of {@code objects.csv} ({@link ObjectTable#header()}): pixel columns always,
	 * calibrated area and centroid and the unit when an image has a calibration.
	 *
	 * @throws UnetException if the table is missing
	 */
	public static ResultsTable fromObjects(ObjectTable objects) {
		if (objects == null)
			throw new UnetException("no objects were given for the objects table");
		ResultsTable rt = rows(objects.header(), objects.rows());
		decimals(rt, 0, "slice", "object", "area_px", "bx", "by", "bwidth", "bheight");
		decimals(rt, METRIC_DECIMALS, "mean_probability", "max_probability");
		return rt;
	}

	/** One row per slice with its uncertainty score ({@code uncertainty.csv}'s columns). */
	public static ResultsTable fromUncertainty(UncertaintyTable slices) {
		ResultsTable rt = rows(slices.header(), slices.rows());
		decimals(rt, 0, "slice", "objects", "lesion_px", "region_px");
		decimals(rt, METRIC_DECIMALS, "uncertainty_score");
		return rt;
	}

	/**
	 * One row per image and class, the columns of {@code class_metrics.csv} up to the pixel counts: image, class, label,
	 * dice, iou, precision, recall, truth_pixels, predicted_pixels.
	 */
	public static ResultsTable fromClassMetrics(ClassMetricsSummary classes) {
		ResultsTable rt = rows(ClassMetricsSummary.IMAGE_COLUMNS.subList(0, ClassMetricsSummary.IMAGE_COLUMNS.indexOf("predicted_pixels") + 1),
			numbers(classes.imageRows(), 2));
		decimals(rt, 0, "label", "truth_pixels", "predicted_pixels");
		decimals(rt, METRIC_DECIMALS, "dice", "iou", "precision", "recall");
		return rt;
	}

	/** One row per class and the macro mean, the columns of {@code class_summary.csv}. */
	public static ResultsTable fromClassSummary(ClassMetricsSummary classes) {
		ResultsTable rt = rows(ClassMetricsSummary.SUMMARY_COLUMNS, numbers(classes.summaryRows(), 1));
		decimals(rt, 0, "label", "images_with_class", "truth_pixels", "predicted_pixels");
		decimals(rt, METRIC_DECIMALS, "pooled_dice", "pooled_iou", "pooled_precision", "pooled_recall", "mean_dice");
		return rt;
	}

	/** CSV cells as table cells: the first {@code textColumns} as text (names), the others as numbers ({@code nan} and empty as NaN). */
	private static List<List<Object>> numbers(List<List<String>> rows, int textColumns) {
		List<List<Object>> typed = new ArrayList<>(rows.size());
		for (List<String> row : rows) {
			List<Object> cells = new ArrayList<>(row.size());
			for (int c = 0; c < row.size(); c++)
				cells.add(c < textColumns ? row.get(c) : row.get(c).isEmpty() || row.get(c).equals("nan") ? null : (Object) Double.valueOf(row.get(c)));
			typed.add(cells);
		}
		return typed;
	}

	/** A table of these cells: numbers as numbers, text as text, null as NaN (or empty in the unit column). */
	private static ResultsTable rows(List<String> header, List<List<Object>> rows) {
		ResultsTable rt = newTable();
		for (List<Object> row : rows) {
			rt.incrementCounter();
			for (int c = 0; c < header.size(); c++) {
				Object cell = row.get(c);
				if (cell instanceof Number)
					rt.addValue(header.get(c), ((Number) cell).doubleValue());
				else if (cell == null && !"unit".equals(header.get(c)))
					rt.addValue(header.get(c), Double.NaN);
				else
					rt.addValue(header.get(c), cell == null ? "" : cell.toString());
			}
		}
		return rt;
	}

	/**
	 * Shows a table in a window with this title, if there is a display.
	 *
	 * @return true if shown; false when headless (the table is then only returned or saved)
	 */
	public static boolean show(ResultsTable table, String title) {
		if (!ImageJContext.canShowTables())
			return false;
		table.show(title);
		return true;
	}

	/**
	 * Saves a table as comma-separated values with a header line, numbers as the table shows them, text quoted where
	 * needed. The file is written completely or not at all.
	 *
	 * @throws UnetException if the file cannot be written, naming it
	 */
	public static void save(ResultsTable table, Path csv) {
		if (table == null || csv == null)
			throw new UnetException("cannot save the table: no " + (table == null ? "table" : "file") + " given");
		byte[] content = toCsv(table).getBytes(StandardCharsets.UTF_8);
		AtomicFiles.write(csv, out -> out.write(content));
	}

	/** The CSV text of a table ({@link CsvWriter}'s format, cells as the table shows them). */
	static String toCsv(ResultsTable table) {
		List<String> headings = Arrays.asList(table.getHeadings());
		List<List<String>> rows = new ArrayList<>();
		for (int row = 0; row < table.size(); row++) {
			List<String> cells = new ArrayList<>();
			for (String heading : headings) {
				String cell = "Label".equals(heading) ? table.getLabel(row) : table.getStringValue(heading, row);
				cells.add(cell == null ? "" : cell);
			}
			rows.add(cells);
		}
		return CsvWriter.text(headings, rows);
	}

	private static ResultsTable newTable() {
		ResultsTable rt = new ResultsTable();
		rt.showRowNumbers(false);
		return rt;
	}

	private static void decimals(ResultsTable rt, int places, String... columns) {
		for (String column : columns) {
			int index = rt.getColumnIndex(column);
			if (index != ResultsTable.COLUMN_NOT_FOUND)
				rt.setDecimalPlaces(index, places);
		}
	}
}
