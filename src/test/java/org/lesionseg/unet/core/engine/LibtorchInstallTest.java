package org.lesionseg.unet.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.io.Checksums;

/** Unpacking a libtorch zip and downloading one, on small fake zips and file: URLs (nothing leaves the machine). */
class LibtorchInstallTest {

	@TempDir
	Path dir;

	private final List<long[]> progress = new ArrayList<>();

	private void record(String what, long done, long total) {
		progress.add(new long[] { done, total });
	}

	/** The version is read from the zip before anything is unpacked: a wrong one leaves no folder behind. */
	@Test
	void aZipOfAnotherVersionOrACpuBuildIsRefusedBeforeUnpacking() throws IOException {
		Path install = dir.resolve("install");
		Path wrong = FakeLibtorch.zip(dir.resolve("wrong.zip"), "2.11.0+cu128", true, null);
		String message = assertThrows(UnetException.class, () -> LibtorchInstall.unpack(wrong, install, this::record)).getMessage();
		assertTrue(message.contains("holds libtorch 2.11.0+cu128") && message.contains("2.7.1 exactly"), message);
		Path cpu = FakeLibtorch.zip(dir.resolve("cpu.zip"), "2.7.1+cpu", false, null);
		assertTrue(assertThrows(UnetException.class, () -> LibtorchInstall.unpack(cpu, install, this::record)).getMessage().contains("CPU build"));
		Path notZip = Files.write(dir.resolve("notes.zip"), "not a zip".getBytes());
		assertTrue(assertThrows(UnetException.class, () -> LibtorchInstall.unpack(notZip, install, this::record)).getMessage().contains("is not a zip archive"));
		assertFalse(Files.exists(install));
		assertTrue(progress.isEmpty());
	}

	@Test
	void aGoodZipIsUnpackedWithProgressAndReused() throws IOException {
		Path install = dir.resolve("install");
		Path zip = FakeLibtorch.zip(dir.resolve("libtorch-cxx11-abi-shared-with-deps-2.7.1+cu128.zip"), "2.7.1+cu128", true, null);
		LibtorchFolder f = LibtorchInstall.unpack(zip, install, this::record);
		assertEquals(install.toAbsolutePath().resolve("libtorch-2.7.1+cu128").resolve("libtorch").resolve("lib"), f.libDir);
		assertEquals(Files.size(zip), progress.get(progress.size() - 1)[0], "progress ends at the archive's size");
		assertEquals(Files.size(zip), progress.get(progress.size() - 1)[1]);
		try (Stream<Path> left = Files.list(install)) {
			assertEquals(1, left.count(), "no temporary folder is left");
		}
		progress.clear();
		assertEquals(f.libDir, LibtorchInstall.unpack(zip, install, this::record).libDir);
		assertTrue(progress.isEmpty(), "unpacked before: reused");
	}

	/** An entry that climbs out of the folder, or a damaged entry, stops the unpacking and leaves nothing behind. */
	@Test
	void escapingOrDamagedEntriesLeaveNothing() throws IOException {
		Path install = dir.resolve("install");
		Path escaping = FakeLibtorch.zip(dir.resolve("escaping.zip"), "2.7.1+cu128", true, "../../outside.txt");
		assertTrue(assertThrows(UnetException.class, () -> LibtorchInstall.unpack(escaping, install, this::record)).getMessage()
			.contains("entry outside its folder"));
		assertFalse(Files.exists(dir.resolve("outside.txt")));
		Path damaged = FakeLibtorch.zip(dir.resolve("damaged.zip"), "2.7.1+cu128", true, null);
		byte[] bytes = Files.readAllBytes(damaged);
		int at = indexOf(bytes, "libtorch_cuda.so".getBytes(), indexOf(bytes, "libtorch_cuda.so".getBytes(), 0) + 1); // its content, after its name
		bytes[at] ^= 1;
		Files.write(damaged, bytes);
		assertTrue(assertThrows(UnetException.class, () -> LibtorchInstall.unpack(damaged, install, this::record)).getMessage().contains("is damaged"));
		try (Stream<Path> left = Files.list(install)) {
			assertEquals(0, left.count());
		}
	}

	/** The checksum of a download is computed on the way; a wrong expected one deletes the file. */
	@Test
	void aDownloadIsCheckedAgainstItsChecksum() throws Exception {
		Path source = FakeLibtorch.zip(dir.resolve("source.zip"), "2.7.1+cu128", true, null);
		String sha = Checksums.hex(Checksums.newSha256().digest(Files.readAllBytes(source)));
		Path target = dir.resolve("downloads").resolve("libtorch.zip");
		String other = sha.replace(sha.charAt(0), sha.charAt(0) == 'a' ? 'b' : 'a');
		String message = assertThrows(UnetException.class, () -> LibtorchInstall.download(source.toUri(), target, other, this::record)).getMessage();
		assertTrue(message.contains("has SHA-256 " + sha + ", not the expected " + other), message);
		assertFalse(Files.exists(target));
		assertFalse(Files.exists(target.resolveSibling("libtorch.zip.part")));
		LibtorchInstall.Downloaded d = LibtorchInstall.download(source.toUri(), target, sha.toUpperCase(), this::record);
		assertEquals(sha, d.sha256);
		assertEquals(Files.size(source), Files.size(target));
		assertEquals(Files.size(source), progress.get(progress.size() - 1)[0]);
	}

	private static int indexOf(byte[] haystack, byte[] needle, int from) {
		outer: for (int i = from; i <= haystack.length - needle.length; i++) {
			for (int j = 0; j < needle.length; j++)
				if (haystack[i + j] != needle[j])
					continue outer;
			return i;
		}
		throw new AssertionError("not found");
	}
}
