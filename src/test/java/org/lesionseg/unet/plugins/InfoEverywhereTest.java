package org.lesionseg.unet.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.cli.UnetCli;
import org.lesionseg.unet.core.engine.EngineReport;
import org.lesionseg.unet.workflow.FixedModels;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

/** {@code unet info} and UNet Engine Info print one report: the engine report's lines, and a model's with a model file. */
class InfoEverywhereTest {

	private static Context context;

	@TempDir
	Path dir;

	@BeforeAll
	static void startContext() {
		context = new Context(CommandService.class);
	}

	@AfterAll
	static void stopContext() {
		context.dispose();
	}

	private static List<String> cli(String... args) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		assertEquals(0, new UnetCli(new PrintStream(out, true), new PrintStream(new ByteArrayOutputStream(), true)).run(args));
		return Arrays.asList(new String(out.toByteArray(), StandardCharsets.UTF_8).trim().split("\n"));
	}

	private static List<String> fiji(Object... keysAndValues) {
		CommandModule m = PluginTests.run(context, UNetEngineInfo.class, keysAndValues);
		assertFalse(m.isCanceled(), String.valueOf(m.getCancelReason()));
		return ((UNetEngineInfo) m.getCommand()).report();
	}

	@Test
	void theCommandLineAndFijiPrintTheSameLines() {
		List<String> engine = cli("info");
		assertEquals(EngineReport.lines(), engine);
		assertEquals(engine, fiji());
		assertTrue(engine.contains("GPU used: no, the CPU is used") || engine.stream().anyMatch(l -> l.startsWith("GPU used: yes")), engine.toString());

		Path model = FixedModels.grey(dir.resolve("fixed.zip"), 5);
		List<String> withModel = cli("info", "--model", model.toString());
		assertEquals(withModel, fiji("model_file", model.toFile()));
		assertEquals(engine, withModel.subList(0, engine.size()));
		assertEquals("model: " + model, withModel.get(engine.size()));
		assertTrue(withModel.stream().anyMatch(l -> l.matches("  weights: [0-9,]+ trainable parameters, checksums and layout verified")), withModel.toString());
	}
}
