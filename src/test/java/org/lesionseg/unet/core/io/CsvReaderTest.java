package org.lesionseg.unet.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.core.UnetException;

/** Reading back what {@link CsvWriter} writes: quoted commas and quotes, empty cells. */
class CsvReaderTest {

	@Test
	void readsBackTheCellsCsvWriterWrote(@TempDir Path dir) throws IOException {
		Path csv = dir.resolve("t.csv");
		List<List<?>> rows = Arrays.asList(Arrays.asList("a, \"b\"", 3, null, "x"), Arrays.asList("", 0.5, "\"", ",,"));
		CsvWriter.write(csv, Arrays.asList("image", "n", "empty", "text"), rows);
		List<List<String>> read = CsvReader.read(csv);
		assertEquals(Arrays.asList("image", "n", "empty", "text"), read.get(0));
		assertEquals(Arrays.asList("a, \"b\"", "3", "", "x"), read.get(1));
		assertEquals(Arrays.asList("", "0.5", "\"", ",,"), read.get(2));
		Files.writeString(csv, "");
		assertEquals("the table " + csv + " is empty", assertThrows(UnetException.class, () -> CsvReader.read(csv)).getMessage());
	}
}
