package org.lesionseg.unet.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.core.data.ImageFiles;
import org.lesionseg.unet.core.data.LoadedImage;
import org.lesionseg.unet.workflow.FixedModels;

/** {@code unet predict --test-time-augmentation}: an uncertainty map per input and the per-slice scores; a bad value in one line. */
class TestTimeAugmentationCliTest {

	@TempDir
	Path dir;

	private final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();

	private int run(String... args) {
		out.reset();
		err.reset();
		return new UnetCli(new PrintStream(out, true), new PrintStream(err, true)).run(args);
	}

	@Test
	void predictWithTheFlagWritesAnUncertaintyMapPerImageAndTheSlicesScores() throws IOException {
		Path images = dir.resolve("images"), model = FixedModels.grey(dir.resolve("model.zip"), 4);
		TestImages.pairs(images, dir.resolve("masks"), 3, 48, TestImages.Kind.GREY8);
		Path output = dir.resolve("out");

		assertEquals(0, run("predict", "--model", model.toString(), "--input", images.toString(), "--output", output.toString(), "--device", "cpu",
			"--test-time-augmentation", "flips", "--threshold", "0.45"), err.toString(UTF_8));

		String printed = out.toString(UTF_8);
		assertTrue(printed.contains("uncertainty: test-time augmentation flips (4 predictions per tile"), printed);
		assertTrue(printed.contains("most uncertain slices: "), printed);
		for (String name : new String[] { "img000", "img001", "img002" }) {
			LoadedImage map = ImageFiles.read(output.resolve(name + "_uncertainty.tif"));
			assertEquals(48, map.width());
			double largest = 0;
			for (float v : map.plane(0)) {
				assertTrue(v >= 0 && v <= 0.5, "a standard deviation of probabilities: " + v);
				largest = Math.max(largest, v);
			}
			assertTrue(largest > 0, name + ": the fixed weights are not symmetric, so flips must disagree somewhere");
			assertTrue(printed.contains(name + ": ") && printed.contains("uncertainty score"), printed);
		}
		List<String> csv = Files.readAllLines(output.resolve("uncertainty.csv"), UTF_8);
		assertEquals("image,slice,objects,lesion_px,uncertainty_score,region_px", csv.get(0));
		assertEquals(4, csv.size(), String.join("\n", csv));

		// shards record each image's scores; the shard that completes the run joins them as the objects
		Path sharded = dir.resolve("sharded");
		assertEquals(0, run("predict", "--model", model.toString(), "--input", images.toString(), "--output", sharded.toString(), "--device", "cpu",
			"--test-time-augmentation", "flips", "--threshold", "0.45", "--shard", "1/1"), err.toString(UTF_8));
		assertEquals(csv, Files.readAllLines(sharded.resolve("uncertainty.csv"), UTF_8));

		// evaluate measures the mean map: at the median of img000's mean map as threshold, it predicts the pixels above it
		float[] mean = ImageFiles.read(output.resolve("img000_prob.tif")).plane(0).clone();
		float[] sorted = mean.clone();
		java.util.Arrays.sort(sorted);
		float median = sorted[sorted.length / 2];
		long above = 0;
		for (float p : mean)
			above += p > median ? 1 : 0;
		String[] evaluate = { "evaluate", "--model", model.toString(), "--images", images.toString(), "--masks", dir.resolve("masks").toString(), "--device",
			"cpu", "--min-size", "0", "--threshold", Float.toString(median) };
		assertEquals(0, run(concat(evaluate, "--test-time-augmentation", "flips")), err.toString(UTF_8));
		long withTta = predictedOf(out.toString(UTF_8), "img000");
		assertEquals(above, withTta, 2, out.toString(UTF_8));
		assertEquals(0, run(evaluate), err.toString(UTF_8));
		assertTrue(Math.abs(predictedOf(out.toString(UTF_8), "img000") - above) > 2, out.toString(UTF_8));

		Path plain = dir.resolve("plain");
		assertEquals(0, run("predict", "--model", model.toString(), "--input", images.toString(), "--output", plain.toString(), "--device", "cpu"),
			err.toString(UTF_8));
		assertFalse(Files.exists(plain.resolve("img000_uncertainty.tif")) || Files.exists(plain.resolve("uncertainty.csv")));
	}

	/** The predicted pixels of an image in evaluate's per-image line ("NAME  Dice ...  predicted N px"). */
	private static long predictedOf(String printed, String image) {
		for (String line : printed.split("\n"))
			if (line.startsWith(image + " ") && line.contains("predicted "))
				return Long.parseLong(line.replaceAll(".*predicted (\\d+) px.*", "$1").trim());
		throw new AssertionError("no line for " + image + " in " + printed);
	}

	private static String[] concat(String[] first, String... more) {
		String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
		System.arraycopy(more, 0, all, first.length, more.length);
		return all;
	}

	@Test
	void anUnknownValueIsOneLine() throws IOException {
		Path images = dir.resolve("images"), model = FixedModels.grey(dir.resolve("model.zip"), 4);
		TestImages.pairs(images, dir.resolve("masks"), 1, 32, TestImages.Kind.GREY8);
		assertEquals(2, run("predict", "--model", model.toString(), "--input", images.toString(), "--output", dir.resolve("out").toString(),
			"--test-time-augmentation", "sideways"));
		String error = err.toString(UTF_8).trim();
		assertEquals(1, error.split("\n").length, error);
		assertTrue(error.startsWith("error: ") && error.contains("sideways") && error.contains("dihedral"), error);
	}
}
