package org.lesionseg.unet.core.io;

import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The project's one CSV format, for every table it writes (metrics.csv, objects.csv, history.csv inside and
 * beside the model, ImageJ tables saved as CSV), so they open the same in ImageJ, spreadsheets and pandas on
 * any machine.
 * <p>
 * Numbers never depend on the computer's language settings (always a '.' decimal point); floating-point
 * values are written with 6 significant digits ({@code 0.812345}, {@code 1.5e-05} is written
 * {@code 0.000015}), non-finite ones as Java and ImageJ spell them: {@code NaN}, {@code Infinity},
 * {@code -Infinity}. Text containing a comma, quote or line break is quoted. Lines end with '\n' and files
 * are UTF-8, written atomically.
 */
public final class CsvWriter {

	private static final MathContext SIGNIFICANT = new MathContext(6);

	private CsvWriter() {
	}

	/**
	 * Writes the header and the rows.
	 *
	 * @param rows each row a list of values (numbers, text, booleans or null for an empty cell); rows must
	 *            have as many cells as the header
	 */
	public static void write(Path csv, List<String> header, List<? extends List<?>> rows) {
		byte[] content = text(header, rows).getBytes(StandardCharsets.UTF_8);
		AtomicFiles.write(csv, out -> out.write(content));
	}

	/** The whole table as text, as {@link #write} would save it (for tables kept inside the model file). */
	public static String text(List<String> header, List<? extends List<?>> rows) {
		StringBuilder sb = new StringBuilder(line(header));
		for (int r = 0; r < rows.size(); r++) {
			if (rows.get(r).size() != header.size())
				throw new IllegalArgumentException("row " + r + " has " + rows.get(r).size() + " cells, the header " + header.size());
			sb.append(line(rows.get(r)));
		}
		return sb.toString();
	}

	/** One CSV line with its '\n'. */
	static String line(List<?> cells) {
		StringBuilder sb = new StringBuilder();
		for (int i = 0; i < cells.size(); i++) {
			if (i > 0)
				sb.append(',');
			sb.append(cell(cells.get(i)));
		}
		return sb.append('\n').toString();
	}

	/** How one value is written. */
	public static String cell(Object value) {
		if (value == null)
			return "";
		if (value instanceof Double || value instanceof Float)
			return number(((Number) value).doubleValue());
		if (value instanceof Number || value instanceof Boolean)
			return value.toString();
		String text = value.toString();
		if (text.indexOf(',') >= 0 || text.indexOf('"') >= 0 || text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0)
			return '"' + text.replace("\"", "\"\"") + '"';
		return text;
	}

	/** A floating-point number with 6 significant digits, no exponent, no trailing zeros. */
	public static String number(double value) {
		if (Double.isNaN(value))
			return "NaN";
		if (Double.isInfinite(value))
			return value > 0 ? "Infinity" : "-Infinity";
		if (value == 0)
			return "0";
		return new BigDecimal(value).round(SIGNIFICANT).stripTrailingZeros().toPlainString();
	}
}
