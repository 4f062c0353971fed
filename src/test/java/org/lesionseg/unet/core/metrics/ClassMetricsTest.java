package org.lesionseg.unet.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.core.UnetException;

/** Per-class counts and their summaries against counts made by hand. */
class ClassMetricsTest {

	@Test
	void eachClassIsCountedAgainstItsOwnPixels() {
		byte[] truth = { 0, 1, 1, 2, 2, 2, 0, 0 };
		byte[] predicted = { 1, 1, 2, 2, 2, 0, 0, 2 };
		ClassMetrics m = ClassMetrics.of("a", predicted, truth, 2);
		// class 1: tp at 1; fp at 0; fn at 2 (predicted 2 there)
		assertEquals(new ConfusionCounts(1, 1, 1, 5), m.counts(1));
		// class 2: tp at 3, 4; fp at 2, 7; fn at 5
		assertEquals(new ConfusionCounts(2, 2, 1, 3), m.counts(2));
	}

	@Test
	void summaryPoolsPerClassAndAveragesOverClasses() {
		ClassMetrics a = ClassMetrics.of("a", new byte[] { 1, 1, 0, 0 }, new byte[] { 1, 0, 0, 0 }, 2); // class 1: tp 1, fp 1; class 2 absent
		ClassMetrics b = ClassMetrics.of("b", new byte[] { 0, 2, 2, 1 }, new byte[] { 1, 2, 0, 0 }, 2); // 1: fp 1, fn 1; 2: tp 1, fp 1
		ClassMetricsSummary s = new ClassMetricsSummary(List.of(a, b), List.of("x", "y"));
		// class 1 pooled: tp 1, fp 2, fn 1: 2/(2+3)
		assertEquals(0.4, s.pooledDice(1), 1e-12);
		// class 2 pooled: tp 1, fp 1: 2/3
		assertEquals(2.0 / 3, s.pooledDice(2), 1e-12);
		assertEquals((0.4 + 2.0 / 3) / 2, s.macroPooledDice(), 1e-12);
		// mean Dice of class 2: image a has neither truth nor prediction (1), image b 2/3
		assertEquals((1 + 2.0 / 3) / 2, s.meanDice(2), 1e-12);
		// class 1: image a 2/3, image b 0
		assertEquals(1.0 / 3, s.meanDice(1), 1e-12);
		assertEquals("classes: x pooled_dice=0.4000; y pooled_dice=0.6667; macro_pooled_dice=0.5333 macro_mean_dice=0.5833", s.summaryLine());
		List<List<String>> rows = s.summaryRows();
		assertEquals(List.of("x", "1", "0.400000", "0.250000", "0.333333", "0.500000", "0.333333", "2", "2", "3"), rows.get(0));
		assertEquals("macro_mean", rows.get(2).get(0));
		assertEquals(4, s.imageRows().size());
	}

	@Test
	void classMetricsCsvReadsBackToTheSameSummaryAndNamesTheClasses(@TempDir Path dir) throws IOException {
		ClassMetrics a = ClassMetrics.of("a, first", new byte[] { 1, 1, 0, 0 }, new byte[] { 1, 0, 0, 0 }, 2);
		ClassMetrics b = ClassMetrics.of("b", new byte[] { 0, 2, 2, 1 }, new byte[] { 1, 2, 0, 0 }, 2);
		ClassMetricsSummary s = new ClassMetricsSummary(List.of(a, b), List.of("x", "y"));
		s.write(dir);
		ClassMetricsSummary read = ClassMetricsSummary.read(dir.resolve("class_metrics.csv"));
		assertEquals(List.of("x", "y"), read.names());
		assertEquals(s.imageRows(), read.imageRows());
		assertEquals(s.summaryRows(), read.summaryRows());
		assertEquals(s.pooledDice(2), read.pooledDice("y"), 1e-12);
		assertEquals(1, read.imagesWithClass(2));
		assertEquals("no class z: the classes are x, y", assertThrows(UnetException.class, () -> read.meanDice("z")).getMessage());
		// a table of another version (without the counts) is one line naming the file
		Path old = dir.resolve("old.csv");
		Files.writeString(old, "image,class,label,dice,iou,precision,recall,truth_pixels,predicted_pixels\na,x,1,1,1,1,1,0,0\n");
		assertEquals(old + " is not a per-class metrics table of this version: it has no column tp (evaluate again to write it)",
			assertThrows(UnetException.class, () -> ClassMetricsSummary.read(old)).getMessage());
	}
}
