package org.lesionseg.unet.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.core.interop.ExportModels;
import org.lesionseg.unet.core.model.UNetConfig;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

/** Export UNet to bioimage.io run as Fiji runs it (SciJava, headless), with the macro keys of the registry. */
class ExportUNetTest {

	private static Context context;

	@BeforeAll
	static void startContext() {
		context = new Context(CommandService.class);
	}

	@AfterAll
	static void stopContext() {
		context.dispose();
	}

	@Test
	void theCommandWritesThePackageAndRefusesToOverwriteTheModel(@TempDir Path tmp) throws Exception {
		Path model = ExportModels.write(tmp.resolve("m.zip"), new UNetConfig().depth(2).baseFeatures(4), 32, "scale01", 3);
		Path out = tmp.resolve("m.bioimageio.zip");
		CommandModule m = PluginTests.run(context, ExportUNet.class, "model_file", model.toFile(), "package_file", out.toFile(), "test_image",
			Paths.get("sample-data", "isles22-case0009", "images", "sub-strokecase0009_z040.png").toFile(), "authors", "Fiji User");
		assertFalse(m.isCanceled(), String.valueOf(m.getCancelReason()));
		ExportUNet command = (ExportUNet) m.getCommand();
		assertEquals(out, command.outcome().packageFile);
		assertTrue(Files.size(out) > 1000 && command.outcome().maxDifference < 1e-4);

		CommandModule same = PluginTests.run(context, ExportUNet.class, "model_file", model.toFile(), "package_file", model.toFile());
		assertTrue(same.isCanceled());
		assertTrue(same.getCancelReason().startsWith("package_file is the model file itself"), same.getCancelReason());
	}
}
