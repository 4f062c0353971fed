package org.lesionseg.unet.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.core.UnetException;

class MetricsCsvTest {

	@TempDir
	Path folder;

	@Test
	void writesOneRowPerImage() throws IOException {
		Path csv = folder.resolve("metrics.csv");
		MetricsCsv.write(csv, Arrays.asList(new ImageMetrics("a", new ConfusionCounts(2, 1, 1, 2)),
				new ImageMetrics("b", new ConfusionCounts(0, 0, 0, 6)),
				new ImageMetrics("c", new ConfusionCounts(0, 0, 3, 3))));
		List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
		assertEquals(Arrays.asList(
				"image,dice,iou,accuracy,precision,recall,truth_pixels,predicted_pixels,tp,fp,fn,tn",
				"a,0.666667,0.5,0.666667,0.666667,0.666667,3,3,2,1,1,2",
				"b,1,1,1,1,1,0,0,0,0,0,6",
				"c,0,0,0.5,0,0,3,0,0,0,3,3"), lines);
	}

	@Test
	void replacesAnOldTableAndLeavesNoTemporaryFile() throws IOException {
		Path csv = folder.resolve("metrics.csv");
		Files.write(csv, Arrays.asList("old", "content", "here"), StandardCharsets.UTF_8);
		MetricsCsv.write(csv, Collections.singletonList(new ImageMetrics("x", new ConfusionCounts(1, 0, 0, 0))));
		assertEquals(Arrays.asList(MetricsCsv.HEADER, "x,1,1,1,1,1,1,1,1,0,0,0"),
				Files.readAllLines(csv, StandardCharsets.UTF_8));
		try (Stream<Path> files = Files.list(folder)) {
			assertEquals(Collections.singletonList("metrics.csv"),
					files.map(p -> p.getFileName().toString()).collect(Collectors.toList()));
		}
	}

	@Test
	void quotesNamesWithCommasAndCreatesFolders() throws IOException {
		Path csv = folder.resolve("new/sub/metrics.csv");
		MetricsCsv.write(csv, Collections.singletonList(new ImageMetrics("case 1, \"z\"",
				new ConfusionCounts(0, 0, 0, 1))));
		assertTrue(Files.readAllLines(csv, StandardCharsets.UTF_8).get(1).startsWith("\"case 1, \"\"z\"\"\",1,"));
	}

	@Test
	void emptyListWritesTheHeader() throws IOException {
		Path csv = folder.resolve("empty.csv");
		MetricsCsv.write(csv, Collections.<ImageMetrics>emptyList());
		assertEquals(Collections.singletonList(MetricsCsv.HEADER), Files.readAllLines(csv, StandardCharsets.UTF_8));
	}

	@Test
	void unwritablePlaceIsExplained() throws IOException {
		Path file = Files.createFile(folder.resolve("not-a-folder"));
		Path csv = file.resolve("metrics.csv");
		UnetException error = assertThrows(UnetException.class, () -> MetricsCsv.write(csv,
				Collections.<ImageMetrics>emptyList()));
		assertTrue(error.getMessage().contains(csv.toString()), error.getMessage());
		assertThrows(UnetException.class, () -> MetricsCsv.write(null, Collections.<ImageMetrics>emptyList()));
	}

	@Test
	void readsBackTheCountsOfWhatItWrote() {
		Path csv = folder.resolve("metrics.csv");
		List<ImageMetrics> written = Arrays.asList(new ImageMetrics("a,b \"quoted\"", new ConfusionCounts(2, 1, 1, 2)),
				new ImageMetrics("c", new ConfusionCounts(0, 0, 0, 6)));
		MetricsCsv.write(csv, written);
		assertEquals(written, MetricsCsv.read(csv));
	}
}
