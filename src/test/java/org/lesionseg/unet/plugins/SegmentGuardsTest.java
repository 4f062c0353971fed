package org.lesionseg.unet.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.cli.UnetCli;
import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.predict.MaskPostprocessing;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

import ij.ImagePlus;
import ij.process.ByteProcessor;

/**
 * The guards of a segmentation live in its request and hold for every entry point: the command line and the Fiji
 * commands refuse the same mistakes with the same line, before any model is loaded (the model files here are not even
 * models, so reaching the model would give another error).
 */
class SegmentGuardsTest {

	private static Context context;

	@TempDir
	Path dir;
	private final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();

	@BeforeAll
	static void startContext() {
		context = new Context(CommandService.class);
	}

	@AfterAll
	static void stopContext() {
		context.dispose();
	}

	/** A folder with two real slices, and a "model file" that is not one. */
	private Path images() throws IOException {
		Path images = Files.createDirectories(dir.resolve("images"));
		Path source = Paths.get("sample-data/isles22-case0009/images");
		for (String name : new String[] { "sub-strokecase0009_z038.png", "sub-strokecase0009_z040.png" })
			Files.copy(source.resolve(name), images.resolve(name));
		return images;
	}

	private Path notAModel() throws IOException {
		return Files.write(dir.resolve("model.zip"), "not a model".getBytes(StandardCharsets.UTF_8));
	}

	private String cliError(String... args) {
		out.reset();
		err.reset();
		int code = new UnetCli(new PrintStream(out, true), new PrintStream(err, true)).run(args);
		String e = new String(err.toByteArray(), StandardCharsets.UTF_8).trim();
		assertEquals(2, code, "exit code 2: " + e + "\n" + new String(out.toByteArray(), StandardCharsets.UTF_8));
		assertEquals(1, e.split("\n").length, "one line: " + e);
		assertTrue(e.startsWith("error: "), e);
		return e.substring("error: ".length());
	}

	private String fijiError(Object... keysAndValues) {
		CommandModule m = PluginTests.run(context, SegmentFolderWithUNet.class, keysAndValues);
		assertTrue(m.isCanceled(), "the command must refuse");
		return m.getCancelReason();
	}

	private static long files(Path folder) throws IOException {
		try (Stream<Path> s = Files.list(folder)) {
			return s.count();
		}
	}

	@Test
	void theOutputFolderIsNeitherTheInputFolderNorInsideIt() throws IOException {
		Path images = images(), model = notAModel();
		String cli = cliError("predict", "--model", model.toString(), "--input", images.toString(), "--output", images.toString());
		assertEquals("--output " + images + " is the input folder: choose another folder, so that the results are not taken for images next time", cli);
		String fiji = fijiError("model_file", model.toFile(), "input_folder", images.toFile(), "output_folder", images.toFile());
		assertEquals("output_folder " + images + " is the input folder: choose another folder, so that the results are not taken for images next time", fiji);

		Path inside = images.resolve("results");
		assertTrue(cliError("predict", "--model", model.toString(), "--input", images.toString(), "--output", inside.toString())
			.startsWith("--output " + inside + " is inside the input folder " + images));
		assertTrue(fijiError("model_file", model.toFile(), "input_folder", images.toFile(), "output_folder", inside.toFile())
			.startsWith("output_folder " + inside + " is inside the input folder " + images));
		// the same folder spelled another way (a trailing "/.", a relative path) is still the same folder
		assertTrue(cliError("predict", "--model", model.toString(), "--input", images.toString(), "--output", images.resolve(".").toString())
			.contains("is the input folder"));
		assertTrue(cliError("predict", "--model", model.toString(), "--input", images.toString(), "--output",
			Paths.get("").toAbsolutePath().relativize(images).toString()).contains("is the input folder"));
		assertEquals(2, files(images), "nothing was written into the input folder");
		assertFalse(Files.exists(inside), "the refused output folder was not created");
	}

	@Test
	void aFolderGivenAsModelIsCalledAFolder() throws IOException {
		// a folder can be an ensemble (a cross-validation's fold models); one without model files is named as such
		Path images = images();
		Path folder = Files.createDirectories(dir.resolve("models"));
		assertEquals("--model " + folder + " is a folder without model files: give a model's .zip file, or a cross-validation folder (fold-N/model.zip) to predict with the ensemble of its folds",
			cliError("predict", "--model", folder.toString(), "--input", images.toString(), "--output", dir.resolve("out").toString()));
		assertEquals("model_file " + folder + " is a folder without model files: give a model's .zip file, or a cross-validation folder (fold-N/model.zip) to predict with the ensemble of its folds",
			fijiError("model_file", folder.toFile(), "input_folder", images.toFile(), "output_folder", dir.resolve("out").toFile()));
		CommandModule open = PluginTests.run(context, SegmentWithUNet.class, "image", new ImagePlus("x.png", new ByteProcessor(16, 16)), "model_file",
			folder.toFile());
		assertEquals("model_file " + folder + " is a folder without model files: give a model's .zip file, or a cross-validation folder (fold-N/model.zip) to predict with the ensemble of its folds", open.getCancelReason());
		assertTrue(cliError("info", "--model", folder.toString()).contains("is a folder, not a model file"));
		assertTrue(cliError("evaluate", "--model", folder.toString(), "--images", images.toString(), "--masks", images.toString())
			.contains("is a folder without model files"));
	}

	/** One threshold range, (0, 1), at every entry point and in the core. */
	@Test
	void theThresholdIsBetweenZeroAndOneExclusiveEverywhere() throws IOException {
		Path images = images(), model = notAModel();
		for (String t : new String[] { "0", "1", "-0.2", "1.5" }) {
			assertTrue(cliError("predict", "--model", model.toString(), "--input", images.toString(), "--output", dir.resolve("out").toString(),
				"--threshold", t).startsWith("--threshold must be between 0 and 1 (exclusive), got "), t);
			assertTrue(fijiError("model_file", model.toFile(), "input_folder", images.toFile(), "output_folder", dir.resolve("out").toFile(), "threshold",
				Double.parseDouble(t)).startsWith("threshold must be between 0 and 1 (exclusive), got "), t);
			CommandModule open = PluginTests.run(context, SegmentWithUNet.class, "image", new ImagePlus("x.png", new ByteProcessor(16, 16)), "model_file",
				model.toFile(), "threshold", Double.parseDouble(t));
			assertTrue(open.getCancelReason().startsWith("threshold must be between 0 and 1 (exclusive)"), open.getCancelReason());
			assertThrows(UnetException.class, () -> new MaskPostprocessing.Options().threshold(Float.parseFloat(t)), t);
		}
		// inside the range the request passes and the model is what fails: the guard did not stop a good value
		assertTrue(cliError("predict", "--model", model.toString(), "--input", images.toString(), "--output", dir.resolve("out").toString(),
			"--threshold", "0.01").contains("not a model file"));
	}
}
