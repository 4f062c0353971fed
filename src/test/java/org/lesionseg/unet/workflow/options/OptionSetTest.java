package org.lesionseg.unet.workflow.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.data.MaskPolicy;
import org.lesionseg.unet.core.data.Normalization;
import org.lesionseg.unet.core.data.Pairing;

class OptionSetTest {

	private static Map<String, String> map(String... keyValues) {
		Map<String, String> m = new LinkedHashMap<>();
		for (int i = 0; i < keyValues.length; i += 2)
			m.put(keyValues[i], keyValues[i + 1]);
		return m;
	}

	private static String error(Runnable r) {
		return assertThrows(UnetException.class, r::run).getMessage();
	}

	@Test
	void misspelledKeyNamesTheClosestKnownOne() {
		assertEquals("unknown option 'epoch' for train: did you mean 'epochs'?",
			error(() -> TrainOptions.SET.parse(map("epoch", "2", "model_file", "m.zip"))));
		assertEquals("unknown option 'imagesize' for train: did you mean 'image_size'?", error(() -> TrainOptions.SET.parse(map("imagesize", "128"))));
		assertEquals("unknown option 'base_feature' for train: did you mean 'base_features'?",
			error(() -> TrainOptions.SET.parse(map("base_feature", "16"))));
		// a flag-style typo gets a flag-style suggestion
		assertEquals("unknown option 'batch-sise' for train: did you mean 'batch-size'?", error(() -> TrainOptions.SET.parse(map("batch-sise", "4"))));
		assertEquals("unknown option 'colour' for train", error(() -> TrainOptions.SET.parse(map("colour", "red"))));
	}

	@Test
	void flagsMacroKeysAndOldSpellingsNameTheSameOption() {
		for (String key : new String[] { "batch_size", "batch-size", "--batch-size", "BATCH_SIZE" }) {
			OptionValues v = TrainOptions.SET.parse(map(key, "4", "model", "m.zip"));
			assertEquals(4, v.get(TrainOptions.BATCH_SIZE), key);
			assertTrue(v.isGiven(TrainOptions.BATCH_SIZE));
		}
		// the command line's --model, --images and --report are the macro's model_file, images_folder and report_folder
		OptionValues v = TrainOptions.SET.parse(map("model", "m.zip", "images", "in", "report", "r"));
		assertEquals(Paths.get("m.zip"), v.get(TrainOptions.MODEL_FILE));
		assertEquals(Paths.get("in"), v.get(TrainOptions.IMAGES_FOLDER));
		assertEquals(Paths.get("r"), v.get(TrainOptions.REPORT_FOLDER));
		assertEquals("batch_size is given twice (as 'batch-size' and 'batch_size')",
			error(() -> TrainOptions.SET.parse(map("batch-size", "4", "batch_size", "8"))));
	}

	@Test
	void defaultsAreTypedAndNotGivenUnlessGiven() {
		OptionValues v = TrainOptions.SET.parse(map("model_file", "m.zip"));
		assertEquals(20, v.get(TrainOptions.EPOCHS));
		assertEquals(42L, v.get(TrainOptions.SEED));
		assertEquals(1e-4, v.get(TrainOptions.LEARNING_RATE), 1e-12);
		assertEquals(Pairing.BY_NAME, v.get(CommonOptions.PAIRING));
		assertEquals(MaskPolicy.STRICT, v.get(CommonOptions.MASK_POLICY));
		assertEquals(Normalization.SCALE_01, v.get(CommonOptions.NORMALIZATION));
		assertEquals("auto", v.get(CommonOptions.DEVICE));
		assertNull(v.get(TrainOptions.WEIGHT_DECAY), "weight decay is the optimizer's own unless given");
		assertNull(v.get(TrainOptions.INITIAL_MODEL));
		assertFalse(v.isGiven(TrainOptions.EPOCHS));
		// an empty field of a number or a path is "not given", as Fiji dialogs hand it over
		assertFalse(TrainOptions.SET.parse(map("model_file", "m.zip", "weight_decay", " ", "initial_model", "")).isGiven(TrainOptions.WEIGHT_DECAY));
		assertThrows(IllegalArgumentException.class, () -> v.get(Option.integer("other", 1, "")), "an option of another set is a programming error");
	}

	@Test
	void badValuesGiveOneLineNamingTheKey() {
		assertEquals("epochs needs a whole number, got 'ten'", error(() -> TrainOptions.EPOCHS.parse("ten")));
		assertEquals("epochs must be at least 1, got 0", error(() -> TrainOptions.EPOCHS.parse("0")));
		assertEquals("depth must be between 1 and 7, got 9", error(() -> TrainOptions.DEPTH.parse("9")));
		assertEquals("threshold must be between 0 and 1 (exclusive), got 1", error(() -> CommonOptions.THRESHOLD.parse("1")));
		assertEquals("threshold must be between 0 and 1 (exclusive), got 0", error(() -> CommonOptions.THRESHOLD.parse("0")));
		assertEquals("learning_rate needs a number, got 'fast'", error(() -> TrainOptions.LEARNING_RATE.parse("fast")));
		assertEquals("learning_rate needs a finite number, got 'NaN'", error(() -> TrainOptions.LEARNING_RATE.parse("NaN")));
		assertEquals("val_fraction must be at least 0 and less than 1, got 1", error(() -> TrainOptions.VAL_FRACTION.parse("1")));
		assertEquals("unknown pairing 'by_size': use by_name or sorted", error(() -> CommonOptions.PAIRING.parse("by_size")));
		assertEquals("resume is true or false, got 'maybe'", error(() -> TrainOptions.RESUME.parse("maybe")));
		assertEquals("unknown device 'tpu': use auto, cpu, gpu, gpu:N or gpu:N,M", error(() -> CommonOptions.DEVICE.parse("tpu")));
		assertEquals("colour must be red or blue, got 'green'",
			error(() -> Option.text("colour", "red", "").check(c -> c.equals("red") || c.equals("blue"), "red or blue").parse("green")));
		assertEquals("train needs model_file (--model): " + TrainOptions.MODEL_FILE.help(), error(() -> TrainOptions.SET.parse(map())));
		assertEquals("train needs --model: " + TrainOptions.MODEL_FILE.help(), error(() -> TrainOptions.SET.parse(map(), Option.Where.COMMAND_LINE)));
	}

	@Test
	void valuesAcceptTheirUsualSpellings() {
		assertEquals(Normalization.SCALE_01, CommonOptions.NORMALIZATION.parse("scale_01"));
		assertEquals(Normalization.SCALE_01, CommonOptions.NORMALIZATION.parse("scale01"));
		assertEquals(Normalization.SCALE_01, CommonOptions.NORMALIZATION.parse("Scale-01"));
		assertEquals(Normalization.ZSCORE, CommonOptions.NORMALIZATION.parse("z-score"));
		assertEquals(MaskPolicy.THRESHOLD_HALF, CommonOptions.MASK_POLICY.parse("threshold-half"));
		assertEquals("bce_dice", TrainOptions.LOSS.parse("bce+dice"));
		assertEquals("momentum", TrainOptions.OPTIMIZER.parse("sgd_momentum"));
		assertEquals(20, TrainOptions.EPOCHS.parse("20.0"), "a macro may write a whole number as 20.0");
		assertEquals(true, TrainOptions.RESUME.parse("true"));
		assertEquals("gpu:1", CommonOptions.DEVICE.parse("gpu:1"));
	}

	@Test
	void whereAnOptionBelongs() {
		// the open image is Fiji's, --quiet the command line's
		assertEquals("unknown option --image for 'train': did you mean --images?; see unet train --help",
			error(() -> TrainOptions.SET.parse(map("image", "blobs", "model", "m.zip"), Option.Where.COMMAND_LINE)));
		// on the command line a bad value names the flag, in a macro the key
		assertEquals("--batch-size must be at least 1, got 0",
			error(() -> TrainOptions.SET.parse(map("batch-size", "0", "model", "m.zip"), Option.Where.COMMAND_LINE)));
		assertEquals("batch_size must be at least 1, got 0", error(() -> TrainOptions.SET.parse(map("batch_size", "0", "model_file", "m"), Option.Where.FIJI)));
		assertEquals("unknown option 'epoch' for train: did you mean 'epochs'?",
			error(() -> TrainOptions.SET.parse(map("epoch", "2", "model_file", "m"), Option.Where.FIJI)));
		assertEquals("unknown option 'modle_file' for train: did you mean 'model_file'?",
			error(() -> TrainOptions.SET.parse(map("modle_file", "m"), Option.Where.FIJI)));
		assertEquals("unknown option 'quiet' for train", error(() -> TrainOptions.SET.parse(map("quiet", "true", "model_file", "m"), Option.Where.FIJI)));
		assertTrue(TrainOptions.SET.parse(map("quiet", "true", "model", "m"), Option.Where.COMMAND_LINE).get(TrainOptions.QUIET));
	}

	@Test
	void shortcutsStandForAValue() {
		assertEquals("none", TrainOptions.SET.parse(map("no-augment", "true", "model", "m")).get(TrainOptions.AUGMENT));
		assertEquals("default", TrainOptions.SET.parse(map("no-augment", "false", "model", "m")).get(TrainOptions.AUGMENT));
		assertEquals("augment is given twice (as 'augment' and 'no-augment')",
			error(() -> TrainOptions.SET.parse(map("augment", "flip", "no-augment", "true", "model", "m"))));
		assertTrue(TrainOptions.SET.takesNoValue("--no-augment"));
		assertTrue(TrainOptions.SET.takesNoValue("resume"));
		assertFalse(TrainOptions.SET.takesNoValue("epochs"));
	}

	@Test
	void jobDefaultsOverrideTheOptionsOwn() {
		OptionSet demo = OptionSet.builder("demo").addAllExcept(TrainOptions.SET, TrainOptions.MODEL_FILE).defaultOf(TrainOptions.IMAGE_SIZE, 128).build();
		OptionValues v = demo.parse(map());
		assertEquals(128, v.get(TrainOptions.IMAGE_SIZE));
		assertEquals(20, v.get(TrainOptions.EPOCHS));
		assertTrue(demo.help("usage: unet demo").contains("--image-size N"));
		assertTrue(demo.help("usage: unet demo").contains("(default 128; between 8 and 8192)"), demo.help("usage"));
		assertThrows(UnetException.class, () -> OptionSet.builder("x").add(TrainOptions.EPOCHS).defaultOf(TrainOptions.EPOCHS, 0),
			"a job's default is checked like a value");
	}

	@Test
	void helpAndMarkdownListEveryOptionOnce() {
		String help = TrainOptions.SET.help("usage: unet train --images DIR --masks DIR --model FILE.zip [options]");
		for (Option<?> o : TrainOptions.SET.options()) {
			String line = "  " + o.commandLineFlag() + (o.kind() == Option.Kind.FLAG ? "" : " ");
			if (o.where() == Option.Where.FIJI)
				assertFalse(help.contains("  --" + o.name() + " "), o.name() + " is not a command-line option");
			else
				assertEquals(help.indexOf(line), help.lastIndexOf(line), o.name());
			assertTrue(TrainOptions.SET.markdown().contains("| `" + o.name() + "` |"), o.name());
		}
		assertTrue(help.contains("--no-augment"));
		assertTrue(help.contains("  --model FILE.zip"), help);
		assertTrue(help.contains("(required)"));
		assertTrue(TrainOptions.SET.markdown().contains("| `normalization` | `--normalization` | `scale01`, `minmax`, `zscore`, `percentile`, `none` | `scale01` |"),
			TrainOptions.SET.markdown());
	}

	@Test
	void aKeyNamesOneOptionOnly() {
		Option<Integer> a = Option.integer("size", 1, "");
		Option<Integer> b = Option.integer("other_size", 1, "").alias("size");
		assertThrows(IllegalArgumentException.class, () -> OptionSet.builder("x").add(a, b).build());
		assertThrows(IllegalArgumentException.class, () -> Option.integer("Bad-Name", 1, ""));
		assertThrows(IllegalStateException.class, () -> TrainOptions.EPOCHS.min(5), "options of a set are read-only");
	}

	@Test
	void distanceCountsASwapAsOneEdit() {
		assertEquals(1, OptionSet.distance("epoch", "epochs"));
		assertEquals(1, OptionSet.distance("epcohs", "epochs"));
		assertEquals(0, OptionSet.distance("seed", "seed"));
	}
}
