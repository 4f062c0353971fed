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

	/** The table as {@link #write} saves it. */
	public static String text(List<ImageMetrics> images) {
		List<List<Object>> rows = new ArrayList<>();
		for (ImageMetrics image : images)
			rows.add(row(image));
		return CsvWriter.text(COLUMNS, rows);
	}

	/**
	 * Reads a table this class wrote: per image its name and confusion counts (the other columns follow from them).
	 *
	 * @throws UnetException naming the file when it cannot be read or is not such a table
	 */
	public static List<ImageMetrics> read(Path csv) {
		List<String> lines;
		try {
			lines = java.nio.file.Files.readAllLines(csv, java.nio.charset.StandardCharsets.UTF_8);
		} catch (java.io.IOException e) {
			throw new UnetException("cannot read the metrics table " + csv + " (" + e.getMessage() + ")", e);
		}
		if (lines.isEmpty() || !lines.get(0).equals(HEADER))
			throw new UnetException(csv + " is not a metrics table written by this program (its first line should be " + HEADER + ")");
		List<ImageMetrics> images = new ArrayList<>();
		for (String line : lines.subList(1, lines.size())) {
			if (line.isEmpty())
				continue;
			// the name may be quoted (it may hold commas): the counts are the last four cells
			int end = line.length();
			long[] counts = new long[4];
			for (int c = 3; c >= 0; c--) {
				int comma = line.lastIndexOf(',', end - 1);
				try {
					counts[c] = Long.parseLong(line.substring(comma + 1, end));
				} catch (NumberFormatException | StringIndexOutOfBoundsException e) {
					throw new UnetException(csv + " has a row whose counts are not whole numbers: " + line);
				}
				end = comma;
			}
			String first = line.startsWith("\"") ? line.substring(1, line.indexOf("\",", 1)).replace("\"\"", "\"") : line.substring(0, line.indexOf(','));
			images.add(new ImageMetrics(first, new ConfusionCounts(counts[0], counts[1], counts[2], counts[3])));
		}
		return images;
	}

	/** One row of cells for an image. */
	static List<Object> row(ImageMetrics image) {
		ConfusionCounts c = image.counts();
		return Arrays.asList(image.name(), c.dice(), c.iou(), c.accuracy(), c.precision(), c.recall(), c.truthPixels(), c.predictedPixels(),
				c.tp(), c.fp(), c.fn(), c.tn());
	}
}
