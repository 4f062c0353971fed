package org.lesionseg.unet.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

	@TempDir
	Path folder;

	@Test
	void temporaryNamesAreHiddenRecognisedAndShort() {
		String name = AtomicFiles.temporaryName("lesions.zip");
		assertTrue(name.startsWith(".lesions.zip.tmp-"), name);
		assertTrue(AtomicFiles.isTemporaryFile(Paths.get(name)));
		assertFalse(AtomicFiles.isTemporaryFile(Paths.get("lesions.zip")));
		assertFalse(AtomicFiles.isTemporaryFile(Paths.get("lesions.zip.tmp-1f")), "not hidden: not ours");
		assertTrue(AtomicFiles.temporaryName("x".repeat(300)).length() < 130);
	}

	@Test
	void aWriterThatClosesItsStreamStillGivesACompleteFile() throws IOException {
		Path zip = folder.resolve("sub/rois.zip");
		AtomicFiles.write(zip, out -> {
			try (ZipOutputStream z = new ZipOutputStream(out)) { // closes the stream it was given
				z.putNextEntry(new ZipEntry("a.roi"));
				z.write(new byte[] { 1, 2, 3 });
			}
		});
		try (java.util.zip.ZipFile read = new java.util.zip.ZipFile(zip.toFile())) {
			assertEquals(3, read.getEntry("a.roi").getSize());
		}
		assertEquals(Arrays.asList("rois.zip"), names(zip.getParent()));
	}

	@Test
	void theWritersOwnErrorComesOutUnchangedAndTheOldFileStays() throws IOException {
		Path target = folder.resolve("model.zip");
		Files.write(target, "old".getBytes(StandardCharsets.UTF_8));
		IllegalStateException thrown = new IllegalStateException("the weights writer wrote no bytes");
		IllegalStateException e = assertThrows(IllegalStateException.class, () -> AtomicFiles.writeOrThrow(target, out -> {
			out.write(new byte[100]);
			throw thrown;
		}));
		assertSame(thrown, e);
		assertEquals("old", Files.readString(target));
		assertEquals(Arrays.asList("model.zip"), names(folder));
	}

	@Test
	void leftoversOfThisTargetOnlyAreRemoved() throws IOException {
		Path target = folder.resolve("m.zip");
		Files.write(target, new byte[] { 1 });
		Files.createFile(folder.resolve(AtomicFiles.temporaryName("m.zip")));
		Files.createFile(folder.resolve(AtomicFiles.temporaryName("m.zip")));
		Path other = Files.createFile(folder.resolve(AtomicFiles.temporaryName("m.last.zip")));
		assertEquals(2, AtomicFiles.removeLeftoverTemporaryFiles(target));
		assertEquals(Arrays.asList(other.getFileName().toString(), "m.zip"), names(folder));
		assertEquals(0, AtomicFiles.removeLeftoverTemporaryFiles(folder.resolve("missing/x.zip")));
	}

	private static List<String> names(Path folder) throws IOException {
		try (Stream<Path> files = Files.list(folder)) {
			return files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
		}
	}
}
