package org.lesionseg.unet.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The settings file on its own (explicit paths, nothing set in this JVM): stored, read back, judged, reset. That a
 * new session applies it before the engine starts is {@code cli.GpuSetupSessionsTest}'s part (child JVMs).
 */
class EngineSettingsTest {

	@TempDir
	Path dir;

	@Test
	void aStoredFolderIsReadBackJudgedAndReset() throws IOException {
		Path file = dir.resolve("config").resolve("engine.properties");
		assertNull(EngineSettings.read(file));
		assertTrue(EngineSettings.decide(file, false).source.startsWith("the built-in CPU libtorch 2.7.1; no GPU set-up in " + file));

		// a folder whose name needs escaping in a properties file
		LibtorchFolder libtorch = LibtorchFolder.check(FakeLibtorch.zipLayout(dir.resolve("lib torch=ä"), "2.7.1+cu128", true));
		EngineSettings.store(file, libtorch, "folder x");
		EngineSettings.Choice choice = EngineSettings.read(file);
		assertEquals(libtorch.libDir, choice.folder);
		assertEquals("2.7.1+cu128", choice.version);
		assertEquals("folder x", choice.source);
		EngineSettings.Applied next = EngineSettings.decide(file, false);
		assertTrue(next.fromFile);
		assertNull(next.warning);
		assertTrue(next.source.contains(libtorch.libDir + " (libtorch 2.7.1+cu128, from the settings file " + file), next.source);

		assertTrue(EngineSettings.reset(file));
		assertNull(EngineSettings.read(file));
		assertFalse(EngineSettings.reset(file), "nothing left to reset");
		assertFalse(EngineSettings.decide(file, false).fromFile);
	}

	/** A stored folder that was deleted (or replaced by another version) is not used: the CPU, with a warning. */
	@Test
	void aStoredFolderThatChangedIsNotUsed() throws IOException {
		Path file = dir.resolve("engine.properties");
		Path root = FakeLibtorch.zipLayout(dir.resolve("libtorch"), "2.7.1+cu128", true);
		EngineSettings.store(file, LibtorchFolder.check(root), "folder");
		Files.write(root.resolve("libtorch").resolve("build-version"), "2.8.0+cu128\n".getBytes());
		EngineSettings.Applied next = EngineSettings.decide(file, false);
		assertFalse(next.fromFile);
		assertTrue(next.source.startsWith("the built-in CPU libtorch"), next.source);
		assertTrue(next.warning.contains("holds libtorch 2.8.0+cu128") && next.warning.contains("gpu-setup"), next.warning);
	}
}
