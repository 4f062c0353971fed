package org.lesionseg.unet.workflow;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/** Comparing the result folders of segmentation runs, and copying sample slices for them. */
public final class ResultFiles {

	private ResultFiles() {
	}

	/** The first {@code count} BHSD CT slices of sample-data (512 × 512, 8-bit), copied into a new folder. */
	public static Path sampleSlices(Path folder, int count) throws IOException {
		Files.createDirectories(folder);
		try (Stream<Path> files = Files.list(Paths.get("sample-data/ich-ct-bhsd/images"))) {
			for (Path f : files.sorted().limit(count).collect(Collectors.toList()))
				Files.copy(f, folder.resolve(f.getFileName()));
		}
		return folder;
	}

	/** A file's bytes; of a ROI set its entries' names and bytes (zip entries carry the time they were written). */
	public static byte[] content(Path file) throws IOException {
		if (!file.toString().endsWith(".zip"))
			return Files.readAllBytes(file);
		ByteArrayOutputStream all = new ByteArrayOutputStream();
		try (ZipFile zip = new ZipFile(file.toFile())) {
			for (ZipEntry e : Collections.list(zip.entries())) {
				all.write(e.getName().getBytes(StandardCharsets.UTF_8));
				all.write(zip.getInputStream(e).readAllBytes());
			}
		}
		return all.toByteArray();
	}

	/** The visible files of a folder (not its sub-folders), sorted. */
	public static List<Path> resultFiles(Path folder) throws IOException {
		try (Stream<Path> files = Files.list(folder)) {
			return files.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).sorted().collect(Collectors.toList());
		}
	}
}
