package org.lesionseg.unet.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.cli.TestImages.Kind;
import org.lesionseg.unet.core.engine.Devices;

/**
 * Keeps docs/troubleshooting.md true: the key messages it quotes are produced by the code, word for word. Each
 * check makes the command line print a real error and requires the quoted text both in that error and in the
 * document; messages that need a long training or a GPU are checked against the source that builds them.
 */
class TroubleshootingDocTest {

	@TempDir
	Path dir;
	private String doc;
	private Path images, masks;
	private final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();

	@BeforeEach
	void readTheDocAndWriteImages() throws IOException {
		doc = new String(Files.readAllBytes(Paths.get("docs", "troubleshooting.md")), UTF_8);
		images = dir.resolve("images");
		masks = dir.resolve("masks");
		TestImages.pairs(images, masks, 4, 32, Kind.GREY8);
	}

	/** Runs the command line, which must fail; each quote must be in its error line and in the document. */
	private void quoted(String[] args, String... quotes) {
		out.reset();
		err.reset();
		int code = new UnetCli(new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8)).run(args);
		String line = new String(err.toByteArray(), UTF_8).trim();
		assertEquals(2, code, line);
		for (String q : quotes) {
			assertTrue(line.contains(q), "the program says '" + q + "': " + line);
			assertTrue(doc.contains(q), "docs/troubleshooting.md quotes '" + q + "' (the program says: " + line + ")");
		}
	}

	private String[] train(Path imageFolder, Path maskFolder, String... extra) {
		String[] base = { "train", "--images", imageFolder.toString(), "--masks", maskFolder.toString(), "--model", dir.resolve("m.zip").toString(),
			"--image-size", "32", "--depth", "2", "--base-features", "2", "--epochs", "1", "--batch-size", "2", "--device", "cpu" };
		String[] all = java.util.Arrays.copyOf(base, base.length + extra.length);
		System.arraycopy(extra, 0, all, base.length, extra.length);
		return all;
	}

	@Test
	void imageAndMaskMessages() throws IOException {
		Path empty = Files.createDirectories(dir.resolve("empty"));
		quoted(train(empty, masks), "contains no image files of a supported type (.png, .tif, .tiff, .jpg, .jpeg, .bmp)");
		Files.delete(masks.resolve("img001.png"));
		quoted(train(images, masks), "give each mask its image's name (optionally ending in _mask), or pair sorted file names");
		TestImages.image(masks.resolve("img001.png"), TestImages.greyOf(TestImages.squareMask(32, 32, 1), 1), 32, 32, Kind.GREY8);
		quoted(train(images, masks), "; it looks like a JPEG or a grey image): save masks as PNG or TIFF with 0 for background and 255 for lesion,"
			+ " or set the mask policy to threshold_half (lesion = at least half the mask's maximum)");
		for (int i = 0; i < 4; i++)
			TestImages.mask255(masks.resolve(String.format("img%03d.png", i)), new byte[32 * 32], 32, 32);
		quoted(train(images, masks), "every training mask is empty: there is no lesion to learn; check that masks use 0 for background and a non-zero value"
			+ " for the lesion");
		Files.write(images.resolve("img002.png"), new byte[0]);
		quoted(train(images, masks), "is empty (0 bytes): replace it with a valid image");
	}

	@Test
	void settingMessages() throws IOException {
		quoted(train(images, masks, "--batch-size", "0"), "--batch-size must be at least 1, got 0");
		quoted(train(images, masks, "--optimizer", "lbfgs"), "': use adam, adamw, sgd, momentum, nesterov, rmsprop, adagrad or adadelta");
		quoted(train(images, masks, "--image-size", "30"), " does not fit a U-Net of depth ");
		quoted(train(images, masks, "--augment", "rotate=999"), "augmentation rotate=999 is out of range: use a value from 0 to 180, e.g. rotate=35");
		quoted(train(images, masks, "--resume"), "nothing to resume: ", " does not exist (it is written after each epoch of a training to ");
		Path aFile = Files.write(dir.resolve("file.txt"), new byte[] { 1 });
		quoted(new String[] { "predict", "--model", "m.zip", "--input", images.toString(), "--output", aFile.toString() },
			" is a file, not a folder; choose another path");
		quoted(new String[] { "predict", "--model", "m.zip", "--input", images.toString(), "--output", "o", "--threshold", "1.5" },
			"--threshold must be between 0 and 1 (exclusive), got ");
		if (Devices.gpuCount() == 0)
			quoted(train(images, masks, "--device", "gpu"), "a GPU was asked for, but PyTorch sees none (",
				"). Use device auto or cpu, or set up a CUDA build of libtorch with UNet GPU Setup: see docs/gpu.md");
	}

	@Test
	void modelFileMessages() throws IOException {
		Path text = Files.write(dir.resolve("text.zip"), "hello".getBytes(UTF_8));
		quoted(new String[] { "info", "--model", text.toString() }, " is not a model file (not a zip archive); choose a .zip model saved by UNet Segmentation");
		Path foreign = dir.resolve("foreign.zip");
		try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(foreign))) {
			zip.putNextEntry(new java.util.zip.ZipEntry("readme.txt"));
			zip.write("hi".getBytes(UTF_8));
		}
		quoted(new String[] { "info", "--model", foreign.toString() }, " is a zip file but not a UNet Segmentation model (no model.json); was it made by another tool?");
		quoted(new String[] { "info", "--model", dir.resolve("missing.zip").toString() }, " does not exist; check the folder and the file name");
	}

	/** Messages of long trainings, out-of-memory errors and kills: their fixed parts are in the code that builds them. */
	@Test
	void messagesOfTrainingFailuresAreQuotedFromTheirSource() throws IOException {
		String trainer = source("core/train/UNetTrainer.java"), predictor = source("core/predict/TiledPredictor.java"),
			devices = source("core/engine/Devices.java");
		String[][] quotes = { { trainer, "the loss became NaN or infinite (" }, { trainer, " is too high; try 1e-4" },
			{ trainer, "The best model so far (epoch " }, { trainer, "lower the batch size (try " },
			{ trainer, " or the image size, or use fewer base features." }, { trainer, " temporary file(s) left beside " },
			{ trainer, "no complete batch of " }, { predictor, "out of memory even with one tile of " },
			{ predictor, " pixels: close other programs or use the CPU" }, { devices, "the libtorch in use does not fit DJL's JNI library, which needs libtorch " } };
		for (String[] q : quotes) {
			assertTrue(q[0].contains(q[1]), "the source builds '" + q[1] + "'");
			assertTrue(doc.contains(q[1]), "docs/troubleshooting.md quotes '" + q[1] + "'");
		}
	}

	private static String source(String path) throws IOException {
		return new String(Files.readAllBytes(Paths.get("src/main/java/org/lesionseg/unet").resolve(path)), UTF_8);
	}
}
