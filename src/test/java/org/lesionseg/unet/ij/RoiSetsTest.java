package org.lesionseg.unet.ij;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.io.AtomicFiles;
import org.lesionseg.unet.core.predict.MaskPostprocessing;
import org.lesionseg.unet.core.predict.Masks;

import ij.gui.OvalRoi;
import ij.gui.Roi;
import ij.io.RoiDecoder;

class RoiSetsTest {

	private static final String[] SLICE = {
			"..........",
			".####.....",
			".#..#..##.",
			".####..##.",
			"..........",
			"#........#" };

	@TempDir
	Path folder;

	/** Four objects of one stack slice: a ring with a hole, a square and two border pixels. */
	private static List<Roi> sliceRois(int slice) {
		byte[] mask = Masks.parse(SLICE);
		float[] prob = new float[mask.length];
		for (int i = 0; i < mask.length; i++)
			prob[i] = mask[i] * 0.9f;
		MaskPostprocessing.Result r = MaskPostprocessing.process(prob, 10, 6, new MaskPostprocessing.Options());
		return RoiConversion.toRois(r.labels(), r.objects(), slice, "stack");
	}

	@Test
	void writtenSetReadsBackWithNamesPositionsPropertiesAndPixels() {
		List<Roi> rois = new ArrayList<>(sliceRois(2));
		rois.addAll(sliceRois(5));
		Path zip = folder.resolve("RoiSet.zip");
		RoiSets.write(zip, rois);

		List<Roi> read = RoiSets.read(zip);
		assertEquals(8, read.size());
		for (int i = 0; i < rois.size(); i++) {
			assertEquals(rois.get(i).getName(), read.get(i).getName());
			assertEquals(rois.get(i).getPosition(), read.get(i).getPosition());
			assertEquals(rois.get(i).getProperty("area"), read.get(i).getProperty("area"));
			assertEquals(rois.get(i).getProperty("mean_probability"), read.get(i).getProperty("mean_probability"));
		}
		assertEquals("slice002-obj01", read.get(0).getName());
		assertEquals("slice005-obj04", read.get(7).getName());
		byte[][] masks = RoiConversion.toMasks(read, 10, 6, 5);
		byte[] expected = Masks.parse(SLICE);
		assertArrayEquals(expected, masks[1]);
		assertArrayEquals(expected, masks[4]);
		assertEquals(0, sum(masks[0]) + sum(masks[2]) + sum(masks[3]));
		assertNoTemporaryFiles();
	}

	@Test
	void entriesAreUniqueAndNamedLikeTheRoiManagerDoes() throws IOException {
		Roi a = new Roi(0, 0, 4, 2);
		a.setName("lesion");
		Roi b = new OvalRoi(2, 2, 3, 3);
		b.setName("lesion");
		Roi unnamed = new Roi(10, 20, 4, 6); // centre (12, 23)
		Roi unnamedOnSlice = new Roi(100, 200, 2, 2);
		unnamedOnSlice.setPosition(7);
		Roi slashed = new Roi(0, 0, 1, 1);
		slashed.setName("a/b");
		Path zip = folder.resolve("names.zip");
		RoiSets.write(zip, Arrays.asList(a, b, unnamed, unnamedOnSlice, slashed));

		try (ZipFile file = new ZipFile(zip.toFile())) {
			List<String> entries = Collections.list(file.entries()).stream().map(ZipEntry::getName).collect(Collectors.toList());
			assertEquals(Arrays.asList("lesion.roi", "lesion-1.roi", "0023-0012.roi", "0007-0201-0101.roi", "a_b.roi"), entries);
			// the name stored inside each .roi agrees with its entry
			byte[] bytes = file.getInputStream(file.getEntry("lesion-1.roi")).readAllBytes();
			assertEquals("lesion-1", RoiDecoder.openFromByteArray(bytes).getName());
		}
		assertEquals("lesion", b.getName(), "the caller's ROI must not be renamed");
		assertEquals(Roi.OVAL, RoiSets.read(zip).get(1).getType());
	}

	@Test
	void overwritesAtomicallyAndReadsASingleRoiFile() throws IOException {
		Path zip = folder.resolve("sub/dir/set.zip");
		RoiSets.write(zip, sliceRois(1));
		RoiSets.write(zip, sliceRois(0).subList(0, 2));
		List<Roi> read = RoiSets.read(zip);
		assertEquals(2, read.size());
		assertEquals("obj01", read.get(0).getName());

		Path single = folder.resolve("one.roi");
		Files.write(single, ij.io.RoiEncoder.saveAsByteArray(new Roi(1, 2, 3, 4)));
		List<Roi> one = RoiSets.read(single);
		assertEquals(1, one.size());
		assertEquals("one", one.get(0).getName());
		assertEquals(new java.awt.Rectangle(1, 2, 3, 4), one.get(0).getBounds());

		Path empty = folder.resolve("empty.zip");
		RoiSets.write(empty, Collections.emptyList());
		assertEquals(0, RoiSets.read(empty).size());
	}

	@Test
	void badFilesGiveClearMessages() throws IOException {
		Path missing = folder.resolve("missing.zip");
		UnetException e = assertThrows(UnetException.class, () -> RoiSets.read(missing));
		assertTrue(e.getMessage().contains("missing.zip") && e.getMessage().contains("does not exist"), e.getMessage());

		Path notZip = folder.resolve("notes.zip");
		Files.write(notZip, "not a zip".getBytes(StandardCharsets.UTF_8));
		e = assertThrows(UnetException.class, () -> RoiSets.read(notZip));
		assertTrue(e.getMessage().contains("notes.zip"), e.getMessage());

		Path garbage = folder.resolve("garbage.roi");
		Files.write(garbage, new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 });
		e = assertThrows(UnetException.class, () -> RoiSets.read(garbage));
		assertTrue(e.getMessage().contains("garbage.roi"), e.getMessage());
	}

	/**
	 * ImageJ's own ROI Manager opens the file with the right count, names, positions and properties.
	 * The ROI Manager is an AWT frame, impossible with java.awt.headless=true, so it runs in a child JVM
	 * under a virtual display (xvfb-run); where that is missing the test is skipped.
	 */
	@Test
	void imageJRoiManagerOpensTheWrittenSet() throws Exception {
		Path xvfbRun = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)).map(p -> Path.of(p, "xvfb-run"))
				.filter(Files::isExecutable).findFirst().orElse(null);
		Assumptions.assumeTrue(xvfbRun != null, "xvfb-run is not installed: cannot start the ROI Manager without a display");
		List<Roi> rois = new ArrayList<>(sliceRois(3));
		Roi unnamed = new Roi(1, 1, 2, 2);
		rois.add(unnamed);
		Path zip = folder.resolve("RoiSet.zip");
		RoiSets.write(zip, rois);

		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		ProcessBuilder builder = new ProcessBuilder(xvfbRun.toString(), "-a", java, "-cp", System.getProperty("java.class.path"),
				RoiManagerProbe.class.getName(), zip.toString());
		builder.redirectErrorStream(true);
		Process process = builder.start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertTrue(process.waitFor(60, TimeUnit.SECONDS), "ROI Manager probe did not finish");
		assertEquals(0, process.exitValue(), output);
		List<String> lines = Arrays.asList(output.trim().split("\\R"));
		assertEquals("5", lines.get(0), output);
		assertEquals(Arrays.asList(
				"slice003-obj01\t3\t10",
				"slice003-obj02\t3\t4",
				"slice003-obj03\t3\t1",
				"slice003-obj04\t3\t1",
				"0002-0002\t0\tnull"), lines.subList(1, lines.size()));
	}

	private void assertNoTemporaryFiles() {
		try (Stream<Path> files = Files.list(folder)) {
			List<String> left = files.filter(AtomicFiles::isTemporaryFile).map(p -> p.getFileName().toString()).collect(Collectors.toList());
			assertEquals(Collections.emptyList(), left);
		} catch (IOException e) {
			throw new AssertionError(e);
		}
	}

	private static int sum(byte[] mask) {
		int s = 0;
		for (byte b : mask)
			s += b;
		return s;
	}
}
