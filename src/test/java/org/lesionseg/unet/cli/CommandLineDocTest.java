package org.lesionseg.unet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import org.junit.jupiter.api.Test;
import org.lesionseg.unet.workflow.options.CrossValOptions;
import org.lesionseg.unet.workflow.options.DemoOptions;
import org.lesionseg.unet.workflow.options.EvaluateOptions;
import org.lesionseg.unet.workflow.options.GpuSetupOptions;
import org.lesionseg.unet.workflow.options.ExportOptions;
import org.lesionseg.unet.workflow.options.Option;
import org.lesionseg.unet.workflow.options.OptionSet;
import org.lesionseg.unet.workflow.options.SegmentOptions;
import org.lesionseg.unet.workflow.options.SlurmOptions;
import org.lesionseg.unet.workflow.options.TrainOptions;

/**
 * docs/command-line.md lists the options of train, demo, predict and evaluate as their registries describe them, and {@code --help}
 * prints every one; set -Dunet.updateDocs=true to rewrite the tables.
 */
class CommandLineDocTest {

	@Test
	void trainAndDemoTablesAreTheRegistries() throws IOException {
		Path doc = Paths.get("docs", "command-line.md");
		String text = new String(Files.readAllBytes(doc), StandardCharsets.UTF_8);
		String updated = table(table(table(table(table(table(table(table(text, TrainOptions.SET), DemoOptions.SET), SegmentOptions.FILES), EvaluateOptions.SET),
			CrossValOptions.SET), SlurmOptions.SET), GpuSetupOptions.SET), ExportOptions.SET);
		if (!updated.equals(text)) {
			if (Boolean.getBoolean("unet.updateDocs")) {
				Files.write(doc, updated.getBytes(StandardCharsets.UTF_8));
				return;
			}
			Path proposal = Paths.get("target", "command-line.md");
			Files.createDirectories(proposal.getParent());
			Files.write(proposal, updated.getBytes(StandardCharsets.UTF_8));
			assertEquals(updated, text, "docs/command-line.md is out of date: see target/command-line.md, or run the test with -Dunet.updateDocs=true");
		}
	}

	/** The text with the set's table between its markers. */
	private static String table(String text, OptionSet set) {
		String begin = "<!-- " + set.job() + " options:begin (generated from the option registry by CommandLineDocTest; do not edit by hand) -->";
		String end = "<!-- " + set.job() + " options:end -->";
		int b = text.indexOf(begin), e = text.indexOf(end);
		if (b < 0 || e < b)
			fail("docs/command-line.md needs the markers " + begin + " and " + end);
		return text.substring(0, b + begin.length()) + "\n\n" + set.markdown() + "\n" + text.substring(e);
	}

	@Test
	void helpListsEveryOptionOfTheCommandLine() {
		for (OptionSet set : new OptionSet[] { TrainOptions.SET, DemoOptions.SET, SegmentOptions.FILES, EvaluateOptions.SET, CrossValOptions.SET,
			SlurmOptions.SET, GpuSetupOptions.SET, ExportOptions.SET }) {
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			int code = new UnetCli(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream())).run(set.job(), "--help");
			assertEquals(0, code);
			String help = new String(out.toByteArray(), StandardCharsets.UTF_8);
			assertTrue(help.startsWith("usage: unet " + set.job()), help);
			for (Option<?> o : set.options())
				assertEquals(o.where() != Option.Where.FIJI, help.contains("  " + o.commandLineFlag() + (o.kind() == Option.Kind.FLAG ? "" : " ")),
					set.job() + " --help and " + o.commandLineFlag());
		}
	}
}
