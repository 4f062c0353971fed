package org.lesionseg.unet.core.metrics;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.io.CsvWriter;

/**
 * Writes per-image metrics as a CSV table, one row per image (no summary row, so that the file loads as plain data
 * in spreadsheets, pandas or ImageJ's table), in the format of {@link CsvWriter}.
 */
public final class MetricsCsv {

	/** The columns. */
	public static final List<String> COLUMNS = List.of("image", "dice", "iou", "accuracy", "precision", "recall", "truth_pixels", "predicted_pixels",
			"tp", "fp", "fn", "tn");

	/** The header line. */
	public static final String HEADER = String.join(",", COLUMNS);

	private MetricsCsv() {
	}

	/**
	 * Writes the table, replacing an existing file. Missing parent folders are created.
	 *
	 * @param csv the file to write
	 * @param images per-image metrics, one row each, in this order
	 * @throws UnetException if the file cannot be written (the message names the file)
	 */
	public static void write(Path csv, List<ImageMetrics> images) {
		if (csv == null || images == null) {
			throw new UnetException("cannot write the metrics table: no " + (csv == null ? "file" : "metrics")
					+ " given");
		}
		List<List<Object>> rows = new ArrayList<>();
		for (ImageMetrics image : images)
			rows.add(row(image));
		CsvWriter.write(csv, COLUMNS, rows);
	}

	/** One row of cells for an image. */
	static List<Object> row(ImageMetrics image) {
		ConfusionCounts c = image.counts();
		return Arrays.asList(image.name(), c.dice(), c.iou(), c.accuracy(), c.precision(), c.recall(), c.truthPixels(), c.predictedPixels(),
				c.tp(), c.fp(), c.fn(), c.tn());
	}
}
