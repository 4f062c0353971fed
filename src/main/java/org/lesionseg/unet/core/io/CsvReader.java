package org.lesionseg.unet.core.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.lesionseg.unet.core.UnetException;

/**
 * Reads back the tables {@link CsvWriter} writes: one record a line, cells separated by commas, a cell holding a comma
 * or quote quoted with its quotes doubled.
 */
public final class CsvReader {

	private CsvReader() {
	}

	/** The cells of one line, quotes removed. */
	public static List<String> cells(String line) {
		List<String> cells = new ArrayList<>();
		StringBuilder cell = new StringBuilder();
		boolean quoted = false;
		for (int i = 0; i < line.length(); i++) {
			char c = line.charAt(i);
			if (quoted) {
				if (c != '"')
					cell.append(c);
				else if (i + 1 < line.length() && line.charAt(i + 1) == '"')
					cell.append(line.charAt(++i));
				else
					quoted = false;
			} else if (c == '"') {
				quoted = true;
			} else if (c == ',') {
				cells.add(cell.toString());
				cell.setLength(0);
			} else {
				cell.append(c);
			}
		}
		cells.add(cell.toString());
		return cells;
	}

	/**
	 * Every non-empty line of a file, split into cells; the header first.
	 *
	 * @throws UnetException naming the file when it cannot be read or is empty
	 */
	public static List<List<String>> read(Path csv) {
		List<String> lines;
		try {
			lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
		} catch (IOException e) {
			throw new UnetException("cannot read the table " + csv + " (" + e.getMessage() + ")", e);
		}
		List<List<String>> rows = new ArrayList<>();
		for (String line : lines)
			if (!line.isEmpty())
				rows.add(cells(line));
		if (rows.isEmpty())
			throw new UnetException("the table " + csv + " is empty");
		return rows;
	}
}
