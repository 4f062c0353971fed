package org.lesionseg.unet.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.core.UnetException;

/** The checks GPU set-up makes on a folder the user points to, on libtorch layouts made of empty files. */
class LibtorchFolderTest {

	@TempDir
	Path dir;

	/** A libtorch of another version is refused in one line naming the version found and the one needed. */
	@Test
	void anotherVersionIsRefusedWithOneClearLine() throws IOException {
		Path wrong = FakeLibtorch.zipLayout(dir.resolve("wrong"), "2.11.0+cu128", true);
		String message = assertThrows(UnetException.class, () -> LibtorchFolder.check(wrong)).getMessage();
		assertFalse(message.contains("\n"), message);
		assertTrue(message.contains("holds libtorch 2.11.0+cu128") && message.contains("needs libtorch 2.7.1 exactly"), message);
	}

	@Test
	void aCpuBuildAMissingFolderAndAnUnknownVersionAreRefused() throws IOException {
		Path cpu = FakeLibtorch.zipLayout(dir.resolve("cpu"), "2.7.1+cpu", false);
		assertTrue(assertThrows(UnetException.class, () -> LibtorchFolder.check(cpu)).getMessage().contains("CPU build"));
		assertTrue(assertThrows(UnetException.class, () -> LibtorchFolder.check(dir.resolve("gone"))).getMessage().endsWith("does not exist"));
		Path empty = Files.createDirectories(dir.resolve("empty"));
		assertTrue(assertThrows(UnetException.class, () -> LibtorchFolder.check(empty)).getMessage().contains("holds no libtorch.so"));
		Path unlabelled = dir.resolve("unlabelled");
		FakeLibtorch.libraries(unlabelled.resolve("lib"), true);
		assertTrue(assertThrows(UnetException.class, () -> LibtorchFolder.check(unlabelled)).getMessage().startsWith("cannot tell the libtorch version"));
	}

	/** The unpacked zip (its root, the libtorch folder or lib), PyTorch's torch/lib and DJL's cache all pass. */
	@Test
	void theKnownLayoutsPass() throws IOException {
		Path root = FakeLibtorch.zipLayout(dir.resolve("zip"), "2.7.1+cu128", true);
		Path lib = root.resolve("libtorch").resolve("lib").toAbsolutePath();
		for (Path given : new Path[] { root, root.resolve("libtorch"), lib }) {
			LibtorchFolder f = LibtorchFolder.check(given);
			assertEquals(lib, f.libDir, given.toString());
			assertEquals("2.7.1+cu128", f.version);
			assertNull(f.cudaWarning());
		}
		Path torch = dir.resolve("site-packages").resolve("torch");
		FakeLibtorch.libraries(torch.resolve("lib"), true);
		Files.write(torch.resolve("version.py"), "__version__ = '2.7.1+cu126'\ngit_version = 'x'\n".getBytes(StandardCharsets.UTF_8));
		LibtorchFolder wheel = LibtorchFolder.check(torch.resolve("lib"));
		assertEquals("cu126", wheel.cuda);
		assertTrue(wheel.cudaWarning().contains("only cu128 is tested"), wheel.cudaWarning());
		Path cache = dir.resolve(".djl.ai").resolve("pytorch").resolve("2.7.1-cu128-linux-x86_64");
		FakeLibtorch.libraries(cache, true);
		assertEquals("2.7.1+cu128", LibtorchFolder.check(cache).version);
	}
}
