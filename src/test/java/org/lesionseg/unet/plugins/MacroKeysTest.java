package org.lesionseg.unet.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.lesionseg.unet.core.loss.Losses;
import org.lesionseg.unet.core.modelfile.TrainingSettings;
import org.lesionseg.unet.plugins.ij1.UNetPlugIn;
import org.lesionseg.unet.workflow.options.CommonOptions;
import org.lesionseg.unet.workflow.options.Option;
import org.lesionseg.unet.workflow.options.BuildTrainingSetOptions;
import org.lesionseg.unet.workflow.options.OptionSet;
import org.lesionseg.unet.workflow.options.RoisToMasksOptions;
import org.lesionseg.unet.workflow.options.OptionValues;
import org.lesionseg.unet.workflow.options.TrainOptions;
import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;
import org.scijava.plugin.Parameter;

class MacroKeysTest {

	static final String BEGIN = "<!-- keys:begin (generated from the @Parameter fields by MacroKeysTest; do not edit by hand) -->";
	static final String END = "<!-- keys:end -->";

	private static List<Class<?>> commands() {
		return new ArrayList<>(UNetPlugIn.COMMANDS.values());
	}

	@Test
	void keysAreSnakeCaseAndNoKeyIsTheTailOfAnother() {
		for (Class<?> c : commands())
			assertEquals(new ArrayList<String>(), MacroKeys.problems(c), c.getSimpleName());
	}

	@Test
	void theTailRuleCatchesAClash() {
		class Clash {
			@Parameter
			int size;
			@Parameter
			int image_size;
			@Parameter
			int batchSize;
		}
		List<String> problems = MacroKeys.problems(Clash.class);
		assertEquals(Arrays.asList("size is the tail of image_size", "batchSize is not snake_case"), problems);
	}

	/** In ImageJ 1 macros a boolean key that is left out means false: a default of true would differ between ImageJ and Fiji. */
	@Test
	void everyBooleanKeyDefaultsToFalse() {
		for (Class<?> c : commands())
			for (MacroKeys.Key k : MacroKeys.keysOf(c))
				if (k.isBoolean())
					assertEquals(Boolean.FALSE, k.defaultValue(c), c.getSimpleName() + "." + k.name());
	}

	/** Values are not remembered between runs: a macro that leaves a key out always gets the documented default. */
	@Test
	void noValueIsRemembered() {
		for (Class<?> c : commands())
			for (MacroKeys.Key k : MacroKeys.keysOf(c))
				assertFalse(k.parameter.persist(), c.getSimpleName() + "." + k.name() + " needs persist = false");
	}

	@Test
	void trainingDefaultsAreThoseOfTheSettings() {
		TrainingSettings s = new TrainingSettings();
		Map<String, Object> expected = new LinkedHashMap<>();
		expected.put("epochs", s.epochs);
		expected.put("batch_size", s.batchSize);
		expected.put("loss", s.loss);
		expected.put("optimizer", s.optimizer);
		expected.put("scheduler", s.scheduler);
		expected.put("image_size", s.imageSize);
		expected.put("input_mode", s.inputMode);
		expected.put("depth", s.depth);
		expected.put("base_features", s.baseFeatures);
		expected.put("val_fraction", s.valFraction);
		expected.put("test_fraction", s.testFraction);
		expected.put("seed", s.seed);
		expected.put("device", s.device);
		expected.put("augment", s.augment);
		expected.put("patience", s.patience);
		expected.put("loader_threads", s.loaderThreads);
		Map<String, Object> actual = new LinkedHashMap<>();
		for (MacroKeys.Key k : MacroKeys.keysOf(TrainUNet.class))
			if (expected.containsKey(k.name()))
				actual.put(k.name(), k.defaultValue(TrainUNet.class));
		assertEquals(expected.keySet(), actual.keySet());
		for (String key : expected.keySet())
			assertEquals(expected.get(key).toString(), String.valueOf(actual.get(key)), key);
		// the settings hold a float; the key a text (it may be auto) that shows as 0.0001
		double learningRate = Double.parseDouble((String) MacroKeys.keysOf(TrainUNet.class).stream().filter(k -> k.name().equals("learning_rate")).findFirst().get()
			.defaultValue(TrainUNet.class));
		assertEquals(s.learningRate, (float) learningRate);
	}

	@Test
	void lossChoicesAreTheLossesOfTheCore() {
		MacroKeys.Key loss = MacroKeys.keysOf(TrainUNet.class).stream().filter(k -> k.name().equals("loss")).findFirst().get();
		assertEquals(new HashSet<>(Losses.names()), new HashSet<>(loss.choices()));
	}

	@Test
	void pluginsConfigAtTheRootIsTheOneInTheJar() throws IOException {
		byte[] root = Files.readAllBytes(Paths.get("plugins.config"));
		try (InputStream in = getClass().getResourceAsStream("/plugins.config")) {
			assertNotNull(in, "plugins.config is not on the class path (src/main/resources)");
			assertEquals(new String(root, StandardCharsets.UTF_8), new String(in.readAllBytes(), StandardCharsets.UTF_8));
		}
	}

	/** Every ImageJ 1 entry has the label of the command it runs, so that Fiji's command replaces it. */
	@Test
	void pluginsConfigLabelsAreTheCommandNames() throws IOException {
		Pattern entry = Pattern.compile("^Plugins>Segmentation, \"([^\"]+)\", org\\.lesionseg\\.unet\\.plugins\\.ij1\\.UNetPlugIn\\(\"([a-z_]+)\"\\)$");
		Map<String, String> labels = new LinkedHashMap<>();
		for (String line : Files.readAllLines(Paths.get("plugins.config"))) {
			if (line.isEmpty() || line.startsWith("#") || line.equals("Plugins>Segmentation, \"-\""))
				continue;
			Matcher m = entry.matcher(line);
			assertTrue(m.matches(), "unexpected plugins.config line: " + line);
			labels.put(m.group(2), m.group(1));
		}
		assertEquals(UNetPlugIn.COMMANDS.keySet(), labels.keySet());
		for (Map.Entry<String, String> e : labels.entrySet())
			assertEquals(MacroKeys.commandName(UNetPlugIn.COMMANDS.get(e.getKey())), e.getValue(), e.getKey());
	}

	/** SciJava finds every command, under Plugins › Segmentation, and marks it as runnable headless. */
	@Test
	void sciJavaFindsTheCommandsInTheMenu() {
		Context context = new Context(CommandService.class);
		try {
			CommandService commands = context.service(CommandService.class);
			for (Class<?> c : commands()) {
				@SuppressWarnings({ "unchecked", "rawtypes" })
				CommandInfo info = commands.getCommand((Class) c);
				assertNotNull(info, c.getName());
				assertEquals("[Plugins, Segmentation, " + MacroKeys.commandName(c) + "]", info.getMenuPath().toString(), c.getName());
				assertTrue(info.canRunHeadless(), c.getName());
			}
		} finally {
			context.dispose();
		}
	}

	/** docs/macros.md lists exactly the keys of the code; set -Dunet.updateDocs=true to rewrite it. */
	@Test
	void macroDocumentationMatchesTheParameters() throws IOException {
		Path doc = Paths.get("docs", "macros.md");
		String text = new String(Files.readAllBytes(doc), StandardCharsets.UTF_8);
		int begin = text.indexOf(BEGIN), end = text.indexOf(END);
		if (begin < 0 || end < begin)
			fail("docs/macros.md needs the markers " + BEGIN + " and " + END);
		String generated = "\n\n" + MacroKeys.markdown(commands());
		String current = text.substring(begin + BEGIN.length(), end);
		if (!generated.equals(current)) {
			String updated = text.substring(0, begin + BEGIN.length()) + generated + text.substring(end);
			if (Boolean.getBoolean("unet.updateDocs")) {
				Files.write(doc, updated.getBytes(StandardCharsets.UTF_8));
				return;
			}
			Path proposal = Paths.get("target", "macros.md");
			Files.createDirectories(proposal.getParent());
			Files.write(proposal, updated.getBytes(StandardCharsets.UTF_8));
			assertEquals(generated, current, "docs/macros.md is out of date: see target/macros.md, or run the test with -Dunet.updateDocs=true");
		}
		assertFalse(generated.isEmpty());
	}

	/** Train UNet's keys, literal defaults, choices and bounds are those of the training's option registry. */
	@Test
	void trainUNetFieldsMatchTheTrainingRegistry() {
		assertEquals(new ArrayList<String>(), MacroKeys.differences(TrainUNet.class, TrainOptions.SET));
	}

	/** Build Training Set's keys, literal defaults, choices and help are those of its option registry. */
	@Test
	void buildTrainingSetFieldsMatchItsRegistry() {
		assertEquals(new ArrayList<String>(), MacroKeys.differences(BuildTrainingSet.class, BuildTrainingSetOptions.SET));
	}

	/** ROIs to Masks' keys, literal defaults, choices and help are those of its option registry. */
	@Test
	void roisToMasksFieldsMatchItsRegistry() {
		assertEquals(new ArrayList<String>(), MacroKeys.differences(RoisToMasks.class, RoisToMasksOptions.SET));
	}

	/** Review UNet Segmentation's keys, literal defaults, choices and help are those of its option registry. */
	@Test
	void reviewFieldsMatchItsRegistry() {
		assertEquals(new ArrayList<String>(), MacroKeys.differences(ReviewUNetSegmentation.class, org.lesionseg.unet.workflow.options.ReviewOptions.SET));
	}

	/** A command whose fields drifted from the registry in every way the check knows. */
	@org.scijava.plugin.Plugin(type = org.scijava.command.Command.class, menu = { @org.scijava.plugin.Menu(label = "Drifted") })
	public static final class Drifted implements org.scijava.command.Command {
		@Parameter
		private int epochs = 30;
		@Parameter(choices = { "by_name" })
		private String pairing = "by_name";
		@Parameter(min = "0", max = "9")
		private int depth = 4;
		@Parameter
		private double image_size = 256;
		@Parameter
		private String scale_01 = "";
		@Parameter
		private String imagesize = "";

		@Override
		public void run() {
		}
	}

	@Test
	void aFieldThatDriftsFromTheRegistryIsNamed() {
		OptionSet set = OptionSet.builder("drift").add(TrainOptions.EPOCHS, CommonOptions.PAIRING, TrainOptions.DEPTH, TrainOptions.IMAGE_SIZE,
			TrainOptions.SEED, TrainOptions.QUIET).build();
		List<String> d = MacroKeys.differences(Drifted.class, set);
		assertTrue(d.contains("epochs is described as '' in the command but '" + TrainOptions.EPOCHS.help() + "' in the registry"), d.toString());
		d.removeIf(p -> p.contains(" is described as "));
		assertEquals(Arrays.asList("epochs defaults to '30' in the command but '20' in the registry",
			"pairing offers [by_name] in the command but [by_name, sorted] in the registry", "depth has min 0 in the command but 1 in the registry",
			"depth has max 9 in the command but 7 in the registry", "image_size is a double field but a whole number option",
			"scale_01 is not an option of drift", "imagesize is not an option of drift", "option seed of drift has no field in Drifted"), d);
	}

	/** The text Train UNet hands to the registry is what a macro would write, and parses back to the fields' values. */
	@Test
	void fieldValuesReachTheRegistryAsAMacroWritesThem() {
		TrainUNet command = new TrainUNet();
		Map<String, String> values = MacroKeys.values(command, TrainOptions.SET);
		assertEquals("0.0001", values.get("learning_rate"));
		assertEquals("", values.get("weight_decay"));
		assertEquals("", values.get("images_folder"));
		OptionValues parsed = TrainOptions.SET.parse(new LinkedHashMap<>(values) {
			{
				put("model_file", "m.zip");
			}
		}, Option.Where.FIJI);
		for (Option<?> o : TrainOptions.SET.options())
			if (o.where() != Option.Where.COMMAND_LINE && o != TrainOptions.MODEL_FILE)
				assertEquals(TrainOptions.SET.defaultOf(o), parsed.get(o), o.name());
	}
}
