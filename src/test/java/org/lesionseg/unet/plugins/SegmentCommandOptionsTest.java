package org.lesionseg.unet.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.lesionseg.unet.workflow.options.EvaluateOptions;
import org.lesionseg.unet.workflow.options.Option;
import org.lesionseg.unet.workflow.options.OptionSet;
import org.lesionseg.unet.workflow.options.SegmentOptions;

/**
 * SciJava needs literal defaults in the {@code @Parameter} fields, so the segmentation and evaluation commands keep
 * them; this test holds each field to the option registry (key, default, choices), and every Fiji option of the
 * registry to a field, so that a default lives in one place and the commands cannot drift from it.
 */
class SegmentCommandOptionsTest {

	@Test
	void segmentWithUNetMatchesTheRegistry() {
		assertMatches(SegmentWithUNet.class, SegmentOptions.OPEN_IMAGE);
	}

	@Test
	void segmentFolderWithUNetMatchesTheRegistry() {
		assertMatches(SegmentFolderWithUNet.class, SegmentOptions.FILES);
	}

	@Test
	void evaluateUNetMatchesTheRegistry() {
		assertMatches(EvaluateUNet.class, EvaluateOptions.SET);
	}

	@Test
	void exportUNetMatchesTheRegistry() {
		assertMatches(ExportUNet.class, org.lesionseg.unet.workflow.options.ExportOptions.SET);
	}

	/** The check itself catches a drifted default, a missing choice and an unknown key. */
	@Test
	void theCheckFindsADriftedField() {
		List<String> problems = problems(Drifted.class, EvaluateOptions.SET);
		assertTrue(problems.contains("threshold: default 0.4, registry 0.5"), problems.toString());
		assertTrue(problems.contains("pairing: choices [by_name], registry [by_name, sorted]"), problems.toString());
		assertTrue(problems.contains("tilesize: not in the registry"), problems.toString());
	}

	/** A command whose fields drifted from the registry. */
	public static final class Drifted {
		@org.scijava.plugin.Parameter
		private double threshold = 0.4;
		@org.scijava.plugin.Parameter(choices = { "by_name" })
		private String pairing = "by_name";
		@org.scijava.plugin.Parameter
		private int tilesize = 0;

		public Drifted() {
		}
	}

	private static void assertMatches(Class<?> command, OptionSet set) {
		assertEquals(Collections.emptyList(), problems(command, set), command.getSimpleName());
	}

	static List<String> problems(Class<?> command, OptionSet set) {
		List<String> problems = new ArrayList<>();
		List<String> keys = new ArrayList<>();
		for (MacroKeys.Key k : MacroKeys.keysOf(command)) {
			keys.add(k.name());
			Option<?> o = set.find(k.name());
			if (o == null || !o.name().equals(k.name())) {
				problems.add(k.name() + ": not in the registry");
				continue;
			}
			if (o.where() == Option.Where.COMMAND_LINE)
				problems.add(k.name() + ": a command-line option only");
			String fieldDefault = MacroKeys.format(k.defaultValue(command));
			String registryDefault = set.defaultText(o);
			if (!fieldDefault.equals(registryDefault))
				problems.add(k.name() + ": default " + fieldDefault + ", registry " + registryDefault);
			List<String> choices = o.kind() == Option.Kind.CHOICE ? o.choices() : Collections.<String>emptyList();
			if (!k.choices().equals(choices))
				problems.add(k.name() + ": choices " + k.choices() + ", registry " + choices);
		}
		for (Option<?> o : set.options())
			if (o.where() != Option.Where.COMMAND_LINE && !keys.contains(o.name()))
				problems.add(o.name() + ": no field in " + command.getSimpleName());
		return problems;
	}

	@Test
	void everyRegistryKeyHasAFlagAndHelp() {
		for (OptionSet set : new OptionSet[] { SegmentOptions.OPEN_IMAGE, SegmentOptions.FILES, EvaluateOptions.SET })
			for (Option<?> o : set.options()) {
				assertNotNull(o.help(), o.name());
				assertNotEquals("", o.help().trim(), o.name());
			}
		String help = SegmentOptions.FILES.help("usage: unet predict");
		for (String flag : new String[] { "--model", "--input", "--output", "--threshold", "--min-size", "--fill-holes", "--tile", "--overlap",
			"--tile-batch", "--device", "--no-probability", "--no-mask", "--no-rois" })
			assertTrue(help.contains(flag), flag + " in\n" + help);
	}
}
