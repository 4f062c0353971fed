package org.lesionseg.unet.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.workflow.options.CommonOptions;
import org.lesionseg.unet.workflow.options.EvaluateOptions;
import org.lesionseg.unet.workflow.options.Option;
import org.lesionseg.unet.workflow.options.OptionSet;
import org.lesionseg.unet.workflow.options.OptionValues;
import org.lesionseg.unet.workflow.options.SegmentOptions;

/**
 * The macro keys of a Fiji command and the flags of the command line, parsed by the same option set, make the same
 * request through the same {@code of(...)}; a key left out takes the registry's default. Real files: a sample-data
 * slice as the image, any file as the model (nothing is loaded before the job runs).
 */
class RequestsFromValuesTest {

	@TempDir
	Path dir;

	private static OptionValues parse(OptionSet set, Option.Where from, String... keysAndValues) {
		Map<String, String> given = new LinkedHashMap<>();
		for (int i = 0; i < keysAndValues.length; i += 2)
			given.put(keysAndValues[i], keysAndValues[i + 1]);
		return set.parse(given, from);
	}

	private Path images() throws IOException {
		Path images = Files.createDirectories(dir.resolve("images"));
		String name = "sub-strokecase0009_z030.png";
		Files.copy(Paths.get("sample-data/isles22-case0009/images").resolve(name), images.resolve(name), StandardCopyOption.REPLACE_EXISTING);
		return images;
	}

	@Test
	void macroKeysAndFlagsMakeTheSameSegmentRequest() throws IOException {
		Path model = Files.write(dir.resolve("model.zip"), new byte[] { 1 }), images = images(), out = dir.resolve("out");
		SegmentRequest fiji = SegmentRequest.of(parse(SegmentOptions.FILES, Option.Where.FIJI, "model_file", model.toString(), "input_folder",
			images.toString(), "output_folder", out.toString(), "threshold", "0.3", "min_size", "4", "no_mask", "true", "tile_batch", "2"), Spelling.MACRO);
		SegmentRequest cli = SegmentRequest.of(parse(SegmentOptions.FILES, Option.Where.COMMAND_LINE, "--model", model.toString(), "--input",
			images.toString(), "--output", out.toString(), "--threshold", "0.3", "--min-size", "4", "--no-mask", "true", "--tile-batch", "2"),
			Spelling.COMMAND_LINE);
		for (SegmentRequest request : new SegmentRequest[] { fiji, cli }) {
			PredictionSettings r = request.prediction();
			assertEquals(model, r.model());
			assertEquals(out, request.output());
			assertEquals(0.3f, r.postprocessing().threshold(), 0f);
			assertEquals(4, r.postprocessing().minSize());
			assertEquals(2, r.tiling().tileBatch);
			// not given: the registry's defaults
			assertEquals(CommonOptions.TILE.defaultValue().intValue(), r.tiling().tile);
			assertEquals(CommonOptions.OVERLAP.defaultValue().intValue(), r.tiling().overlap);
			assertEquals(CommonOptions.DEVICE.defaultValue(), r.device());
			assertEquals(true, request.writeProbability());
			assertEquals(false, request.writeMask());
		}
	}

	@Test
	void guardsOfThePredictionAreTheSameForSegmentAndEvaluate() throws IOException {
		Path images = images(), folder = Files.createDirectories(dir.resolve("model-folder"));
		String segment = assertThrows(UnetException.class, () -> SegmentRequest.of(parse(SegmentOptions.FILES, Option.Where.FIJI, "model_file",
			folder.toString(), "input_folder", images.toString(), "output_folder", dir.resolve("out").toString()), Spelling.MACRO)).getMessage();
		String evaluate = assertThrows(UnetException.class, () -> EvaluateRequest.of(parse(EvaluateOptions.SET, Option.Where.FIJI, "model_file",
			folder.toString(), "images_folder", images.toString(), "masks_folder", images.toString()), () -> null, Spelling.MACRO)).getMessage();
		// a folder of models is an ensemble (a cross-validation's folds); this one has none
		assertEquals("model_file " + folder + " is a folder without model files: give a model's .zip file, or a cross-validation folder (fold-N/model.zip) "
			+ "to predict with the ensemble of its folds", segment);
		assertEquals(segment, evaluate);
	}

	@Test
	void evaluateNeedsBothFoldersAndMakesPanelsOnlyWhereTheyGoSomewhere() throws IOException {
		Path model = Files.write(dir.resolve("model.zip"), new byte[] { 1 }), images = images();
		assertEquals("evaluate needs --masks: the folder of the true masks of the images in " + images, assertThrows(UnetException.class,
			() -> EvaluateRequest.of(parse(EvaluateOptions.SET, Option.Where.COMMAND_LINE, "--model", model.toString(), "--images", images.toString()),
				() -> null, Spelling.COMMAND_LINE)).getMessage());
		// the command line has nowhere to show panels but a report; Fiji opens them as a stack
		EvaluateRequest cli = EvaluateRequest.of(parse(EvaluateOptions.SET, Option.Where.COMMAND_LINE, "--model", model.toString(), "--images",
			images.toString(), "--masks", images.toString()), () -> null, Spelling.COMMAND_LINE);
		EvaluateRequest fiji = EvaluateRequest.of(parse(EvaluateOptions.SET, Option.Where.FIJI, "model_file", model.toString(), "images_folder",
			images.toString(), "masks_folder", images.toString()), () -> null, Spelling.MACRO);
		assertEquals(0, cli.panels());
		assertEquals(EvaluateOptions.PANEL_COUNT.defaultValue().intValue(), fiji.panels());
		assertEquals(0.5f, fiji.prediction().postprocessing().threshold(), 0f);
	}
}
