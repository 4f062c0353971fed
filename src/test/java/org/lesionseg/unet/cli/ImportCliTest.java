package org.lesionseg.unet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.core.interop.ImportFixtures;

import ij.IJ;
import ij.ImagePlus;

/** {@code ./unet predict} and {@code ./unet evaluate} with networks trained in PyTorch, on real CT slices. */
class ImportCliTest {

	@TempDir
	Path dir;

	private final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();

	private int run(String... args) {
		out.reset();
		err.reset();
		return new UnetCli(new PrintStream(out, true), new PrintStream(err, true)).run(args);
	}

	private String out() {
		return new String(out.toByteArray(), StandardCharsets.UTF_8);
	}

	private String err() {
		return new String(err.toByteArray(), StandardCharsets.UTF_8);
	}

	@Test
	void predictWithATorchScriptFileWritesTheUsualFilesAndItsMaskIsPyTorchsThresholded() throws IOException {
		Path input = Files.createDirectories(dir.resolve("in"));
		Files.copy(ImportFixtures.CROP, input.resolve("crop.png"));
		Path output = dir.resolve("out");
		assertEquals(0, run("predict", "--model", ImportFixtures.TORCHSCRIPT.toString(), "--size-multiple", "4", "--output-kind", "logits", "--input",
			input.toString(), "--output", output.toString(), "--device", "cpu"), err());
		assertTrue(out().contains("TorchScript file tiny_unet.pt"), out());
		for (String f : new String[] { "crop_prob.tif", "crop_mask.png", "objects.csv" })
			assertTrue(Files.isRegularFile(output.resolve(f)), f);
		float[] expected = ImportFixtures.npy(ImportFixtures.CROP_PROBABILITY).values;
		ImagePlus mask = IJ.openImage(output.resolve("crop_mask.png").toString());
		byte[] m = (byte[]) mask.getProcessor().getPixels();
		int wrong = 0;
		for (int i = 0; i < m.length; i++)
			if (Math.abs(expected[i] - 0.5f) > 1e-4 && ((m[i] & 0xff) == 255) != (expected[i] > 0.5f))
				wrong++;
		assertEquals(0, wrong, "mask pixels unlike PyTorch's probability > 0.5");
	}

	@Test
	void evaluateABioImageIoPackageOnRealSlices() throws IOException {
		// six CT slices with lesions of several sizes (all 36 take minutes on a busy 2-core machine)
		Path data = Paths.get("sample-data/ich-ct-bhsd"), images = Files.createDirectories(dir.resolve("images")),
			masks = Files.createDirectories(dir.resolve("masks"));
		for (String name : new String[] { "120018.png", "123010.png", "136013.png", "121025.png", "123017.png", "128020.png" }) {
			Files.copy(data.resolve("images").resolve(name), images.resolve(name));
			Files.copy(data.resolve("masks").resolve(name), masks.resolve(name));
		}
		assertEquals(0, run("evaluate", "--model", ImportFixtures.PACKAGE_TS_05.toString(), "--images", images.toString(), "--masks", masks.toString(),
			"--device", "cpu", "--threshold", "0.01"), err()); // the fixture network is weak: its lesion probabilities stay below 0.03
		String text = out();
		assertTrue(text.contains("bioimage.io package 'Tiny CT lesion U-Net (test fixture)'"), text);
		Matcher m = Pattern.compile("pooled_dice=([0-9.]+)").matcher(text);
		assertTrue(m.find(), text);
		double dice = Double.parseDouble(m.group(1));
		System.out.println("bioimage.io fixture package on sample-data/ich-ct-bhsd: pooled Dice " + dice);
		assertTrue(dice > 0.05 && dice <= 1, "pooled Dice " + dice + ": the fixture network finds nothing of the lesions");
		assertEquals(6, Pattern.compile(" Dice [0-9.]+  IoU ").matcher(text).results().count(), "one metrics line per slice: " + text);
	}

	@Test
	void aTorchScriptOptionOutOfRangeIsOneLine() {
		assertEquals(2, run("predict", "--model", ImportFixtures.TORCHSCRIPT.toString(), "--size-multiple", "12", "--input", dir.toString(), "--output",
			dir.resolve("o").toString()));
		assertTrue(err().contains("power of two"), err());
		assertEquals(1, err().trim().split("\n").length, err());
	}
}
