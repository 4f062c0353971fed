package org.lesionseg.unet.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.core.data.ImageFiles;
import org.lesionseg.unet.core.io.CsvReader;
import org.lesionseg.unet.workflow.TwoClassImages;

/**
 * {@code unet crossval} with label images of two classes: per fold and pooled over the folds, per class, in
 * {@code class_summary.csv} beside {@code summary.csv} and in the printed summary; real tiny trainings.
 */
class CrossValClassesTest {

	@TempDir
	Path dir;

	private static String run(String... args) throws Exception {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		assertEquals(0, new UnetCli(new PrintStream(out, true, "UTF-8"), System.err).run(args), out.toString("UTF-8"));
		return out.toString("UTF-8");
	}

	/** Rows of a CSV by their first two cells ("fold-1,bright"), as numbers by column name. */
	private static Map<String, Map<String, String>> rows(Path csv, int keyCells) {
		List<List<String>> table = CsvReader.read(csv);
		Map<String, Map<String, String>> rows = new java.util.LinkedHashMap<>();
		for (List<String> row : table.subList(1, table.size())) {
			Map<String, String> cells = new HashMap<>();
			for (int c = 0; c < row.size(); c++)
				cells.put(table.get(0).get(c), row.get(c));
			rows.put(String.join(",", row.subList(0, keyCells)), cells);
		}
		return rows;
	}

	private static double number(Map<String, Map<String, String>> rows, String row, String column) {
		return Double.parseDouble(rows.get(row).get(column));
	}

	@Test
	void twoClassesArePooledPerClassOverTheFolds() throws Exception {
		Path images = dir.resolve("images"), labels = dir.resolve("labels"), cv = dir.resolve("cv");
		TwoClassImages.write(images, labels, 12);
		List<String> args = new ArrayList<>(Arrays.asList("crossval", "--images", images.toString(), "--masks", labels.toString(), "--output", cv.toString(),
			"--folds", "2", "--epochs", "15", "--quiet"));
		String[] tiny = TwoClassImages.tinyTraining();
		for (int i = 0; i < tiny.length; i += 2)
			args.addAll(Arrays.asList("--" + tiny[i].replace('_', '-'), tiny[i + 1]));
		String said = run(args.toArray(new String[0]));
		System.out.println(said);

		Path csv = cv.resolve("class_summary.csv");
		Map<String, Map<String, String>> rows = rows(csv, 2);
		assertEquals(Arrays.asList("fold-1,bright", "fold-1,grey", "fold-1,macro_mean", "fold-2,bright", "fold-2,grey", "fold-2,macro_mean", "mean,bright",
			"mean,grey", "mean,macro_mean", "sd,bright", "sd,grey", "sd,macro_mean", "all,bright", "all,grey", "all,macro_mean"), new ArrayList<>(rows.keySet()));
		for (String cls : new String[] { "bright", "grey" }) {
			// each fold's row is what that fold's evaluation wrote into its own report
			for (int fold = 1; fold <= 2; fold++) {
				Map<String, Map<String, String>> own = rows(cv.resolve("fold-" + fold + "/report/class_summary.csv"), 1);
				assertEquals(number(own, cls, "pooled_dice"), number(rows, "fold-" + fold + "," + cls, "pooled_dice"), 1e-5, "fold " + fold + ", " + cls);
				assertEquals(number(own, cls, "mean_dice"), number(rows, "fold-" + fold + "," + cls, "mean_dice"), 1e-5, "fold " + fold + ", " + cls);
			}
			double one = number(rows, "fold-1," + cls, "pooled_dice"), two = number(rows, "fold-2," + cls, "pooled_dice");
			assertEquals((one + two) / 2, number(rows, "mean," + cls, "pooled_dice"), 1e-5);
			assertEquals(Math.abs(one - two) / Math.sqrt(2), number(rows, "sd," + cls, "pooled_dice"), 1e-5);
			// every image is tested once: the pooled truth is every pixel of the class in the label images, counted here
			assertEquals(12, number(rows, "all," + cls, "test_images"), 0);
			assertEquals(truthPixels(labels, cls.equals("bright") ? 1 : 2), number(rows, "all," + cls, "truth_pixels"), 0);
			double pooled = number(rows, "all," + cls, "pooled_dice");
			assertTrue(pooled > 0.5 && pooled <= 1, cls + " is learnt in every fold: pooled Dice " + pooled);
		}
		assertEquals((number(rows, "all,bright", "pooled_dice") + number(rows, "all,grey", "pooled_dice")) / 2, number(rows, "all,macro_mean", "pooled_dice"),
			1e-5);

		// the printed summary: each fold's classes, then the classes over the folds
		assertTrue(said.contains("fold 1: 6 test images, pooled Dice ") && said.contains("; per class pooled Dice: bright "), said);
		String line = Arrays.stream(said.split("\n")).filter(l -> l.startsWith("cross-validation per class: ")).collect(Collectors.joining());
		assertTrue(line.startsWith(String.format(java.util.Locale.ROOT, "cross-validation per class: bright pooled Dice %.4f ± %.4f, grey %.4f ± ",
			number(rows, "mean,bright", "pooled_dice"), number(rows, "sd,bright", "pooled_dice"), number(rows, "mean,grey", "pooled_dice"))), said);
		assertTrue(line.contains("(mean ± sd over 2 folds); all 12 test images pooled: bright ") && line.endsWith("(" + csv + ")"), line);

		// the summary job of a cluster run writes the same table from the folds' reports
		byte[] written = Files.readAllBytes(csv);
		Files.delete(csv);
		assertTrue(run("crossval", "--summary-only", "--output", cv.toString(), "--folds", "2").contains(line), "the same line again");
		assertArrayEquals(written, Files.readAllBytes(csv));
	}

	private static long truthPixels(Path labels, int label) {
		long n = 0;
		for (int i = 0; i < 12; i++)
			for (float v : ImageFiles.read(labels.resolve("img" + i + ".png")).plane(0))
				n += v == label ? 1 : 0;
		return n;
	}
}
