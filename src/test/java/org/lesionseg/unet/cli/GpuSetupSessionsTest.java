package org.lesionseg.unet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.core.engine.FakeLibtorch;

/**
 * GPU set-up across sessions, each a JVM of its own as a user's Fiji or {@code ./unet} starts: one session stores a
 * libtorch folder, later sessions read it and set it for DJL before the engine starts, reset brings back the CPU
 * engine. The libtorch is a layout of empty files: the engine then fails at once, naming that folder, and no CUDA
 * library is loaded; nothing is downloaded.
 */
class GpuSetupSessionsTest {

	@TempDir
	Path dir;

	private static final class Run {
		final int code;
		final String out, err;

		Run(int code, String out, String err) {
			this.code = code;
			this.out = out;
			this.err = err;
		}
	}

	/** {@code ./unet ARGS} in a new JVM with the settings file given by -Dunet.settings (or, when asked, UNET_SETTINGS). */
	private Run unet(Path settings, boolean byVariable, String... args) throws IOException, InterruptedException {
		return java(settings, byVariable, UnetCli.class.getName(), args);
	}

	private Run java(Path settings, boolean byVariable, String mainClass, String... args) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(Arrays.asList(Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
			"-Djava.awt.headless=true", "-Dai.djl.offline=true", "-Dslf4j.internal.verbosity=ERROR"));
		if (!byVariable)
			command.add("-Dunet.settings=" + settings);
		command.addAll(Arrays.asList("-cp", System.getProperty("java.class.path"), mainClass));
		command.addAll(Arrays.asList(args));
		ProcessBuilder builder = new ProcessBuilder(command);
		Map<String, String> env = builder.environment();
		for (String name : new String[] { "PYTORCH_LIBRARY_PATH", "PYTORCH_VERSION", "PYTORCH_FLAVOR", "UNET_SETTINGS", "CUDA_VISIBLE_DEVICES" })
			env.remove(name);
		env.put("DJL_CACHE_DIR", dir.resolve("djl-cache").toString()); // the user's cache is not touched
		if (byVariable)
			env.put("UNET_SETTINGS", settings.toString());
		Path out = dir.resolve("out.txt"), err = dir.resolve("err.txt");
		Process p = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
		assertTrue(p.waitFor(120, TimeUnit.SECONDS), "unet " + String.join(" ", args) + " did not finish");
		return new Run(p.exitValue(), new String(Files.readAllBytes(out), StandardCharsets.UTF_8), new String(Files.readAllBytes(err), StandardCharsets.UTF_8));
	}

	@Test
	void aStoredChoiceIsAppliedBeforeTheEngineStartsInLaterSessionsUntilReset() throws Exception {
		Path settings = dir.resolve("cluster-home").resolve("engine.properties");
		Path wrong = FakeLibtorch.zipLayout(dir.resolve("libtorch-2.11"), "2.11.0+cu128", true);
		Run refused = unet(settings, false, "gpu-setup", "--folder", wrong.toString());
		assertEquals(2, refused.code);
		assertEquals(1, refused.err.trim().split("\\R").length, refused.err);
		assertTrue(refused.err.startsWith("error: ") && refused.err.contains("holds libtorch 2.11.0+cu128, but the plugin's JNI library needs libtorch 2.7.1 exactly"),
			refused.err);
		assertFalse(Files.exists(settings), "nothing stored");

		Path good = FakeLibtorch.zipLayout(dir.resolve("libtorch-2.7.1"), "2.7.1+cu128", true);
		Path lib = good.resolve("libtorch").resolve("lib").toAbsolutePath();
		Run stored = unet(settings, false, "gpu-setup", "--folder", good.toString());
		assertEquals(0, stored.code, stored.err);
		assertTrue(stored.out.contains("stored in " + settings + ": libtorch 2.7.1+cu128 in " + lib), stored.out);

		// a new session, finding the same file through the environment variable
		Run shown = unet(settings, true, "gpu-setup");
		assertEquals(0, shown.code, shown.err);
		assertTrue(shown.out.contains("next session uses: " + lib + " (libtorch 2.7.1+cu128, from the settings file " + settings + ")"), shown.out);

		// the engine starts with the stored libtorch: DJL loads from that folder, and says so plainly when it cannot
		Run info = unet(settings, false, "info");
		assertEquals(0, info.code, info.err);
		assertTrue(info.out.contains("libtorch choice: " + lib + " (libtorch 2.7.1+cu128, from the settings file " + settings + ")"), info.out);
		assertTrue(info.out.contains("PYTORCH_LIBRARY_PATH=" + lib) && info.out.contains("PYTORCH_VERSION=2.7.1") && info.out.contains("PYTORCH_FLAVOR=cu128"), info.out);
		assertTrue(info.out.contains("engine: could not start") && info.out.contains(lib.toString()), info.out);
		assertTrue(info.out.contains("./unet gpu-setup --reset"), info.out);
		// a job too: one clear line naming the chosen folder and the way back, no stack trace
		Path images = dir.resolve("images"), masks = dir.resolve("masks");
		TestImages.pairs(images, masks, 6, 32, TestImages.Kind.GREY8);
		Run train = unet(settings, false, "train", "--images", images.toString(), "--masks", masks.toString(), "--model", dir.resolve("m.zip").toString(), "--batch-size", "2");
		assertEquals(2, train.code, train.err);
		List<String> errors = new ArrayList<>();
		for (String line : train.err.split("\\R"))
			if (!line.contains("stack guard") && !line.contains("execstack") && !line.isEmpty())
				errors.add(line); // the JVM's own note on the empty library file
		assertEquals(1, errors.size(), train.err);
		assertTrue(errors.get(0).startsWith("error: the PyTorch engine could not start: ") && errors.get(0).contains(lib + "/libc10.so")
			&& errors.get(0).contains("chosen with UNet GPU Setup: ./unet gpu-setup --reset goes back to the built-in CPU engine"), errors.get(0));

		// a Fiji command: its work runs through EngineContext, which applies the file before the engine starts
		Run fiji = java(settings, false, "org.lesionseg.unet.plugins.FijiSessionProbe");
		assertEquals(0, fiji.code, fiji.err);
		assertEquals(Arrays.asList("PYTORCH_LIBRARY_PATH=" + lib, "PYTORCH_VERSION=2.7.1", "PYTORCH_FLAVOR=cu128"), Arrays.asList(fiji.out.trim().split("\\R")));

		Run reset = unet(settings, false, "gpu-setup", "--reset");
		assertEquals(0, reset.code, reset.err);
		assertTrue(reset.out.contains("reset: the next session uses the built-in CPU engine"), reset.out);
		assertTrue(reset.out.contains("next session uses: the built-in CPU libtorch 2.7.1; no GPU set-up in " + settings), reset.out);
	}
}
