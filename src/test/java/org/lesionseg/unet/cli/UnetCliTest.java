package org.lesionseg.unet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.core.modelfile.ModelFile;
import org.lesionseg.unet.core.modelfile.ModelInfo;
import org.lesionseg.unet.ij.RoiSets;

/** The command line as a server or script uses it: real files in, real files out, one-line errors. */
class UnetCliTest {

	@TempDir
	Path dir;
	Path images, masks;

	private final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();

	@BeforeEach
	void copySampleSlices() throws IOException {
		images = Files.createDirectories(dir.resolve("images"));
		masks = Files.createDirectories(dir.resolve("masks"));
		Path source = Paths.get("sample-data/isles22-case0009");
		for (int z : new int[] { 28, 30, 32, 34, 36, 38, 40, 42, 44, 46 }) {
			String name = String.format("sub-strokecase0009_z%03d.png", z);
			Files.copy(source.resolve("images").resolve(name), images.resolve(name));
			Files.copy(source.resolve("masks").resolve(name), masks.resolve(name));
		}
	}

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

	private int trainTiny(Path model) {
		return run("train", "--images", images.toString(), "--masks", masks.toString(), "--model", model.toString(), "--epochs", "2", "--batch-size",
			"2", "--image-size", "32", "--base-features", "4", "--depth", "2", "--device", "cpu", "--learning-rate", "1e-3", "--augment", "flip",
			"--val-fraction", "0.2", "--test-fraction", "0.2", "--report", dir.resolve("report").toString());
	}

	@Test
	void trainPredictEvaluateAndInfoWorkTogether() throws IOException {
		Path model = dir.resolve("model.zip");
		assertEquals(0, trainTiny(model), err());
		String trained = out();
		assertTrue(trained.contains("device: CPU"), trained);
		assertTrue(trained.contains("epoch  2/2"), trained);
		assertTrue(trained.contains("test summary: images=2"), trained);
		assertTrue(Files.isRegularFile(model) && Files.isRegularFile(dir.resolve("model.last.zip")));
		assertTrue(Files.isRegularFile(dir.resolve("report/history.csv")) && Files.isRegularFile(dir.resolve("report/training-curves.png")));

		Path predictions = dir.resolve("predictions");
		assertEquals(0, run("predict", "--model", model.toString(), "--input", images.toString(), "--output", predictions.toString(), "--tile", "64",
			"--device", "cpu"), err());
		assertTrue(out().contains("segmented 10 image(s)"), out());
		for (String suffix : new String[] { "_prob.tif", "_mask.png", "_rois.zip" })
			assertTrue(Files.isRegularFile(predictions.resolve("sub-strokecase0009_z030" + suffix)), suffix);
		List<String> objects = Files.readAllLines(predictions.resolve("objects.csv"));
		assertTrue(objects.get(0).startsWith("image,slice,object,area_px"), objects.get(0));
		int rois = 0;
		try (Stream<Path> zips = Files.list(predictions)) {
			for (Path zip : zips.filter(p -> p.toString().endsWith("_rois.zip")).collect(Collectors.toList()))
				rois += RoiSets.read(zip).size();
		}
		assertEquals(objects.size() - 1, rois, "one ROI per object row");

		Path csv = dir.resolve("metrics.csv");
		assertEquals(0, run("evaluate", "--model", model.toString(), "--images", images.toString(), "--masks", masks.toString(), "--output",
			csv.toString(), "--device", "cpu"), err());
		String[] lines = out().trim().split("\n");
		assertTrue(lines[lines.length - 1].matches(
			"summary: images=10 mean_dice=[0-9.]+ mean_dice_nonempty=([0-9.]+|nan) pooled_dice=[0-9.]+ mean_iou=[0-9.]+ accuracy=[0-9.]+"),
			lines[lines.length - 1]);
		assertEquals(11, Files.readAllLines(csv).size());

		assertEquals(0, run("info", "--model", model.toString()));
		assertTrue(out().contains("engine: PyTorch"), out());
		assertTrue(out().contains("test_pooled_dice"), out());
		// counts are whole numbers, the epoch of the weights is not called "epochs", the training data's intensities are shown
		assertTrue(out().contains("  test_images = 2\n"), out());
		assertTrue(out().matches("(?s).*weights of epoch [12] of 2 planned \\(best val Dice [0-9.]+\\).*"), out());
		assertTrue(out().contains("  training intensities: median above the background"), out());
		intensityStatisticsAreRecordedAndShiftedInputsWarned(model);
	}

	/** The model file keeps the training images' raw statistics; inputs like them pass quietly, a re-windowed copy is warned about once. */
	private void intensityStatisticsAreRecordedAndShiftedInputsWarned(Path model) throws IOException {
		ModelInfo info = ModelFile.readInfo(model);
		assertEquals(8, info.trainingIntensity.bitDepth);
		assertEquals(1, info.trainingIntensity.channels.size());
		assertTrue(info.trainingIntensity.channels.get(0).p99 > info.trainingIntensity.channels.get(0).p1, info.trainingIntensity.channels.get(0).toString());
		assertEquals(0, run("predict", "--model", model.toString(), "--input", images.toString(), "--output", dir.resolve("same").toString(), "--device",
			"cpu"), err());
		assertFalse(out().contains("far from"), out());

		// the same slices exported brighter (a brain window: values x3, clipped to 8 bits)
		Path bright = Files.createDirectories(dir.resolve("bright"));
		try (Stream<Path> files = Files.list(images)) {
			for (Path f : files.collect(Collectors.toList())) {
				ij.ImagePlus imp = ij.IJ.openImage(f.toString());
				imp.getProcessor().multiply(3);
				new ij.io.FileSaver(imp).saveAsPng(bright.resolve(f.getFileName()).toString());
			}
		}
		assertEquals(0, run("predict", "--model", model.toString(), "--input", bright.toString(), "--output", dir.resolve("shifted").toString(),
			"--device", "cpu"), err());
		String said = out();
		long warnings = said.lines().filter(l -> l.startsWith("warning: the intensities of ")).count();
		assertEquals(1, warnings, said);
		assertTrue(said.contains("are far from the model's training data") && said.contains("train with normalization=percentile"), said);
		assertTrue(said.lines().anyMatch(l -> l.matches("warning: \\d+ more of the 10 images have intensities far from the model's training data")), said);
		assertEquals(0, run("evaluate", "--model", model.toString(), "--images", bright.toString(), "--masks", masks.toString(), "--device", "cpu"), err());
		assertTrue(out().contains("warning: the intensities of the evaluation images are far from the model's training data"), out());
	}

	@Test
	void resumeContinuesTheSameTraining() {
		Path model = dir.resolve("r.zip");
		assertEquals(0, trainTiny(model), err());
		assertEquals(0, run("train", "--images", images.toString(), "--masks", masks.toString(), "--model", model.toString(), "--epochs", "3",
			"--batch-size", "2", "--image-size", "32", "--base-features", "4", "--depth", "2", "--device", "cpu", "--learning-rate", "1e-3",
			"--augment", "flip", "--resume"), err());
		assertTrue(out().contains("resuming after epoch 2 of 3"), out());
		assertTrue(out().contains("epoch  3/3"), out());
	}

	@Test
	void mistakesGetOneClearLineAndExitCodeTwo() throws IOException {
		assertEquals(2, run("trian"));
		assertTrue(err().startsWith("error: unknown command 'trian'"), err());
		assertEquals(2, run("train", "--images", images.toString()));
		assertTrue(err().contains("train needs --model"), err());
		assertEquals(2, run("train", "--images", images.toString(), "--model", "m.zip"));
		assertTrue(err().contains("train needs masks_folder (--masks)"), err());
		assertEquals(2, run("train", "--images", images.toString(), "--masks", masks.toString(), "--model", "m.zip", "--batch-size", "0"));
		assertTrue(err().contains("--batch-size must be at least 1, got 0"), err());
		assertEquals(2, run("train", "--images", images.toString(), "--masks", masks.toString(), "--model", "m.zip", "--learning-rate", "-0.1"));
		assertTrue(err().contains("--learning-rate must be greater than 0 and at most 10, got -0.1"), err());
		assertEquals(2, run("train", "--images", images.toString(), "--masks", masks.toString(), "--model", "m.zip", "--epocs", "3"));
		assertTrue(err().contains("unknown option --epocs for 'train': did you mean --epochs?"), err());
		assertEquals(2, run("train", "--images", images.toString(), "--masks", masks.toString(), "--model", "m.zip", "--loss", "hinge"));
		assertTrue(err().contains("hinge"), err());
		assertEquals(2, run("train", "--images", images.toString(), "--masks", masks.toString(), "--model", "m.zip", "--val-fraction", "0.6",
			"--test-fraction", "0.5"));
		assertTrue(err().contains("fractions"), err());
		Files.delete(masks.resolve("sub-strokecase0009_z030.png"));
		assertEquals(2, run("train", "--images", images.toString(), "--masks", masks.toString(), "--model", "m.zip"));
		assertTrue(err().contains("sub-strokecase0009_z030"), err());
		Path notAModel = Files.write(dir.resolve("fake.zip"), "hello".getBytes(StandardCharsets.UTF_8));
		assertEquals(2, run("predict", "--model", notAModel.toString(), "--input", images.toString(), "--output", dir.resolve("o").toString()));
		assertTrue(err().contains("not a model file"), err());
		for (String e : err().split("\n"))
			assertTrue(e.startsWith("error: "), "one line per error: " + err());
		assertEquals(0, run("train", "--help"));
		assertTrue(out().contains("--learning-rate"), out());
	}

	/**
	 * The demo takes its own defaults from its registry (seed 7, patches, a base of 16), any training option on top,
	 * and --quick for 3 epochs; it writes the model, the report and the test slices' predictions.
	 */
	@Test
	void demoRunsWithItsOwnDefaultsAndTrainingOptions() throws IOException {
		Path data = dir.resolve("data");
		Files.move(images, Files.createDirectories(data).resolve("images"));
		Files.move(masks, data.resolve("masks"));
		Path output = dir.resolve("demo");
		assertEquals(0, run("demo", "--data", data.toString(), "--output", output.toString(), "--quick", "--image-size", "32", "--depth", "2",
			"--batch_size", "2", "--device", "cpu"), err());
		ModelInfo info = ModelFile.readInfo(output.resolve("model.zip"));
		assertEquals(3, info.epochsDone, "--quick trains 3 epochs");
		assertEquals(7, info.settings.seed);
		assertEquals("patch", info.settings.inputMode);
		assertEquals(16, info.baseFeatures);
		assertEquals(32, info.settings.imageSize);
		assertEquals(2, info.settings.batchSize, "a macro-style key works on the command line too");
		assertTrue(Files.isRegularFile(output.resolve("history.csv")));
		assertTrue(Files.isRegularFile(output.resolve("predictions").resolve("objects.csv")));
		assertTrue(out().contains("read 10 labelled images from " + data.resolve("images")), out());
		assertEquals(2, run("demo", "--data", data.toString(), "--output", output.toString(), "--epoch", "2"));
		assertTrue(err().startsWith("error: unknown option --epoch for 'demo': did you mean --epochs?"), err());
	}
}
