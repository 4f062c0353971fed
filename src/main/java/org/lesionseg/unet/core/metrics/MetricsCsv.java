package org.lesionseg.unet.core.metrics;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;

import org.lesionseg.unet.core.io.AtomicFiles;
import org.lesionseg.unet.core.UnetException;

/**
 * Writes per-image metrics as a CSV table, one row per image (no summary row, so that the file loads as plain data
 * in spreadsheets, pandas or ImageJ's table). The file is written to a temporary file in the same folder and then
 * moved into place, so a reader never sees half a table and an old table survives a failed write.
 */
public final class MetricsCsv {

	/** The header line. */
	public static final String HEADER = "image,dice,iou,accuracy,precision,recall,truth_pixels,predicted_pixels,"
			+ "tp,fp,fn,tn";

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
			throw new UnetException("Cannot write the metrics table: no " + (csv == null ? "file" : "metrics")
					+ " given.");
		}
		AtomicFiles.write(csv, out -> {
			Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
			writer.write(HEADER);
			writer.write('\n');
			for (ImageMetrics image : images) {
				writer.write(row(image));
				writer.write('\n');
			}
			writer.flush();
		});
	}

	/** One CSV row (without line end) for an image. */
	static String row(ImageMetrics image) {
		ConfusionCounts c = image.counts();
		return quote(image.name()) + "," + number(c.dice()) + "," + number(c.iou()) + "," + number(c.accuracy()) + ","
				+ number(c.precision()) + "," + number(c.recall()) + "," + c.truthPixels() + "," + c.predictedPixels()
				+ "," + c.tp() + "," + c.fp() + "," + c.fn() + "," + c.tn();
	}

	/** Six decimals in the root locale; NaN as nan. */
	private static String number(double value) {
		return Double.isNaN(value) ? "nan" : String.format(Locale.ROOT, "%.6f", value);
	}

	/** Quotes a name that holds a comma, quote or line break (RFC 4180). */
	static String quote(String field) {
		if (field.indexOf(',') < 0 && field.indexOf('"') < 0 && field.indexOf('\n') < 0 && field.indexOf('\r') < 0) {
			return field;
		}
		return '"' + field.replace("\"", "\"\"") + '"';
	}
}
