package org.lesionseg.unet.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.cli.UnetCli;
import org.lesionseg.unet.core.engine.EngineSettings;
import org.lesionseg.unet.core.engine.FakeLibtorch;
import org.lesionseg.unet.workflow.options.GpuSetupOptions;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

/**
 * UNet GPU Setup in Fiji (headless, through SciJava as a macro runs it) and {@code unet gpu-setup}: one registry, one
 * settings file. The command only writes the file (a temporary one here); it never starts or changes the engine of
 * this JVM.
 */
class GpuSetupCommandTest {

	@TempDir
	Path dir;

	private Context context;
	private String previousSettings;

	@BeforeEach
	void pointToATemporarySettingsFile() {
		previousSettings = System.getProperty(EngineSettings.FILE_PROPERTY);
		System.setProperty(EngineSettings.FILE_PROPERTY, dir.resolve("engine.properties").toString());
		context = new Context(CommandService.class);
	}

	@AfterEach
	void restore() {
		context.dispose();
		if (previousSettings == null)
			System.clearProperty(EngineSettings.FILE_PROPERTY);
		else
			System.setProperty(EngineSettings.FILE_PROPERTY, previousSettings);
	}

	@Test
	void theFieldsAreTheRegistrys() {
		assertEquals(new ArrayList<String>(), MacroKeys.differences(UNetGpuSetup.class, GpuSetupOptions.SET));
	}

	@Test
	void fijiAndTheCommandLineShareTheChoice() throws Exception {
		Path wrong = FakeLibtorch.zipLayout(dir.resolve("old"), "2.5.1+cu124", true);
		CommandModule refused = PluginTests.run(context, UNetGpuSetup.class, "libtorch_folder", wrong.toFile());
		assertTrue(refused.isCanceled());
		assertTrue(refused.getCancelReason().contains("holds libtorch 2.5.1+cu124") && !refused.getCancelReason().contains("\n"), refused.getCancelReason());
		assertFalse(Files.exists(dir.resolve("engine.properties")));

		Path good = FakeLibtorch.zipLayout(dir.resolve("libtorch"), "2.7.1+cu128", true);
		Path lib = good.resolve("libtorch").resolve("lib").toAbsolutePath();
		CommandModule stored = PluginTests.run(context, UNetGpuSetup.class, "libtorch_folder", good.toFile());
		assertFalse(stored.isCanceled(), String.valueOf(stored.getCancelReason()));
		List<String> report = ((UNetGpuSetup) stored.getCommand()).report();
		assertTrue(report.contains("next session uses: " + lib + " (libtorch 2.7.1+cu128, from the settings file " + dir.resolve("engine.properties") + ")"),
			report.toString());
		assertTrue(cli("gpu-setup").contains("stored choice: " + lib + " (libtorch 2.7.1+cu128, folder " + good.toAbsolutePath()), "the command line sees it");

		CommandModule reset = PluginTests.run(context, UNetGpuSetup.class, "reset", true);
		assertTrue(((UNetGpuSetup) reset.getCommand()).report().contains("reset: the next session uses the built-in CPU engine"));
		assertTrue(cli("gpu-setup").contains("stored choice: none (the built-in CPU engine)"));
	}

	private static String cli(String... args) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		assertEquals(0, new UnetCli(new PrintStream(out, true), new PrintStream(new ByteArrayOutputStream(), true)).run(args));
		return new String(out.toByteArray(), StandardCharsets.UTF_8);
	}
}
