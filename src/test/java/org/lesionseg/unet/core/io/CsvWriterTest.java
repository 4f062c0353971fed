package org.lesionseg.unet.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.core.UnetException;

class CsvWriterTest {

	@TempDir
	Path folder;

	@Test
	void writesHeaderAndRowsWithLocaleIndependentNumbers() throws IOException {
		Locale saved = Locale.getDefault();
		Locale.setDefault(Locale.GERMANY); // a decimal comma must not leak into the file
		try {
			Path csv = folder.resolve("metrics.csv");
			List<List<?>> rows = Arrays.asList(
					Arrays.asList("z039", 71, 0.8123456789, 0.5f, true),
					Arrays.asList("a, \"b\"", 0L, Double.NaN, 1.5e-5, null));
			CsvWriter.write(csv, Arrays.asList("image", "pixels", "dice", "threshold", "lesion"), rows);
			assertEquals("image,pixels,dice,threshold,lesion\n"
					+ "z039,71,0.812346,0.5,true\n"
					+ "\"a, \"\"b\"\"\",0,NaN,0.000015,\n", new String(Files.readAllBytes(csv), StandardCharsets.UTF_8));
		} finally {
			Locale.setDefault(saved);
		}
	}

	@Test
	void numbersKeepSixSignificantDigits() {
		assertEquals("0", CsvWriter.number(0.0));
		assertEquals("4095.53", CsvWriter.number(4095.5312));
		assertEquals("123457000", CsvWriter.number(123456789.0));
		assertEquals("-0.25", CsvWriter.number(-0.25));
		assertEquals("Infinity", CsvWriter.number(Double.POSITIVE_INFINITY));
		assertEquals("0.1", CsvWriter.cell(0.1f));
	}

	@Test
	void rowOfTheWrongLengthIsRejectedAndFailedWritesLeaveTheOldFile() throws IOException {
		Path csv = folder.resolve("t.csv");
		Files.write(csv, "old\n".getBytes(StandardCharsets.UTF_8));
		assertThrows(IllegalArgumentException.class, () -> CsvWriter.write(csv, Arrays.asList("a", "b"), Arrays.asList(Arrays.asList(1))));
		UnetException e = assertThrows(UnetException.class, () -> AtomicFiles.write(csv, out -> {
			out.write("half".getBytes(StandardCharsets.UTF_8));
			throw new IOException("disk full");
		}));
		assertTrue(e.getMessage().contains("t.csv") && e.getMessage().contains("disk full"), e.getMessage());
		assertEquals("old\n", new String(Files.readAllBytes(csv), StandardCharsets.UTF_8));
		try (java.util.stream.Stream<Path> files = Files.list(folder)) {
			assertEquals(1, files.count(), "no temporary file may be left behind");
		}
	}
}
