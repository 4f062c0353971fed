package org.lesionseg.unet.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.data.ImageFiles;
import org.lesionseg.unet.workflow.options.BuildTrainingSetOptions;
import org.lesionseg.unet.workflow.options.Option;
import org.lesionseg.unet.workflow.options.RoisToMasksOptions;

import ij.process.ByteProcessor;

/**
 * The guards of Build Training Set's and ROIs to Masks' requests, each once, from the text a macro gives; and the
 * training set job on real files.
 */
class TrainingSetRequestsTest {

	@TempDir
	Path dir;

	private static Map<String, String> macro(String... keyValues) {
		Map<String, String> m = new LinkedHashMap<>();
		for (int i = 0; i < keyValues.length; i += 2)
			m.put(keyValues[i], keyValues[i + 1]);
		return m;
	}

	private static BuildTrainingSetRequest build(Path imageFolder, String... keyValues) {
		return BuildTrainingSetRequest.of(BuildTrainingSetOptions.SET.parse(macro(keyValues), Option.Where.FIJI), imageFolder);
	}

	private static RoisToMasksRequest rois(Path imageFolder, String... keyValues) {
		return RoisToMasksRequest.of(RoisToMasksOptions.SET.parse(macro(keyValues), Option.Where.FIJI), imageFolder);
	}

	@Test
	void theDefaultsAreThoseOfTheCommands() {
		BuildTrainingSetRequest r = build(null, "output_folder", dir.resolve("set").toString());
		assertEquals(BuildTrainingSetRequest.FileFormat.PNG, r.format);
		assertEquals(BuildTrainingSetRequest.Slices.ALL, r.slices);
		assertFalse(r.replaceExisting);
		assertFalse(r.fromRoiManager);
		assertFalse(Files.exists(dir.resolve("set")), "a request creates nothing");
	}

	@Test
	void theTrainingSetFolderIsRequired() {
		UnetException e = assertThrows(UnetException.class, () -> build(null, "slices", "all"));
		assertTrue(e.getMessage().startsWith("Build Training Set needs output_folder: "), e.getMessage());
	}

	@Test
	void aTrainingSetFolderBelowAFileIsRefused() throws IOException {
		Path file = Files.write(dir.resolve("notes.txt"), new byte[] { 1 });
		UnetException e = assertThrows(UnetException.class, () -> build(null, "output_folder", file.resolve("set").toString()));
		assertTrue(e.getMessage().contains(file + " is a file, not a folder"), e.getMessage());
		Files.createDirectories(dir.resolve("set2"));
		Files.write(dir.resolve("set2").resolve("images"), new byte[] { 1 });
		e = assertThrows(UnetException.class, () -> build(null, "output_folder", dir.resolve("set2").toString()));
		assertTrue(e.getMessage().contains("images is a file, not a folder"), e.getMessage());
	}

	@Test
	void theSetIsNotWrittenIntoTheFolderTheImageCameFrom() throws IOException {
		Path cases = Files.createDirectories(dir.resolve("cases"));
		UnetException same = assertThrows(UnetException.class, () -> build(cases, "output_folder", cases.toString()));
		assertTrue(same.getMessage().contains("the folder the image was opened from"), same.getMessage());
		// images/ of the set would be the originals' folder: they would pass for training images without masks
		UnetException images = assertThrows(UnetException.class, () -> build(dir.resolve("cases/../set/images"), "output_folder", dir.resolve("set").toString()));
		assertTrue(images.getMessage().startsWith("output_folder " + dir.resolve("set") + " would put the training set files into"), images.getMessage());
		// beside the originals is fine
		assertEquals(dir.resolve("cases/set"), build(cases, "output_folder", dir.resolve("cases/set").toString()).folder);
	}

	@Test
	void fileFormatIsPngOrTiffAndTifStillWorks() {
		Path set = dir.resolve("set");
		UnetException e = assertThrows(UnetException.class, () -> build(null, "output_folder", set.toString(), "file_format", "jpg"));
		assertEquals("unknown file format 'jpg': use png or tiff", e.getMessage());
		assertEquals(BuildTrainingSetRequest.FileFormat.TIFF, build(null, "output_folder", set.toString(), "file_format", "tif").format);
	}

	@Test
	void slicesAreOneOfThreeChoices() {
		Path set = dir.resolve("set");
		UnetException e = assertThrows(UnetException.class, () -> build(null, "output_folder", set.toString(), "slices", "lesions"));
		assertEquals("unknown slices 'lesions': use all, current or with_lesion", e.getMessage());
		assertEquals(BuildTrainingSetRequest.Slices.WITH_LESION, build(null, "output_folder", set.toString(), "slices", "with-lesion").slices);
	}

	@Test
	void aMisspelledKeyNamesTheClosestOne() {
		UnetException e = assertThrows(UnetException.class, () -> build(null, "output_folder", dir.toString(), "replace_existng", "true"));
		assertTrue(e.getMessage().contains("replace_existing"), e.getMessage());
	}

	@Test
	void roisToMasksNeedsSomethingToDo() {
		UnetException e = assertThrows(UnetException.class, () -> rois(null));
		assertTrue(e.getMessage().startsWith("nothing to do: give output_folder"), e.getMessage());
		RoisToMasksRequest onlyShow = rois(null, "show_mask", "true");
		assertNull(onlyShow.trainingSet);
		assertTrue(onlyShow.showMask);
	}

	/** The review loop replaces what it added before: a corrected slice replaces its earlier mask. */
	@Test
	void roisToMasksAlwaysReplacesAndSharesTheSetGuards() throws IOException {
		RoisToMasksRequest r = rois(null, "output_folder", dir.resolve("set").toString(), "slices", "current", "file_format", "tiff");
		assertTrue(r.trainingSet.replaceExisting);
		assertTrue(r.trainingSet.fromRoiManager);
		assertEquals(BuildTrainingSetRequest.Slices.CURRENT, r.trainingSet.slices);
		assertEquals(BuildTrainingSetRequest.FileFormat.TIFF, r.trainingSet.format);
		Path cases = Files.createDirectories(dir.resolve("cases"));
		assertThrows(UnetException.class, () -> rois(cases, "output_folder", cases.toString()));
	}

	// ---- the job, on real files

	private static TrainingSetJob.Image image(String title, int current, byte[]... masks) {
		List<TrainingSetJob.Plane> planes = new java.util.ArrayList<>();
		for (int i = 0; i < masks.length; i++) {
			byte[] pixels = new byte[16];
			Arrays.fill(pixels, (byte) (10 * (i + 1)));
			planes.add(new TrainingSetJob.Plane(title + "_s00" + (i + 1), new ByteProcessor(4, 4, pixels), masks[i]));
		}
		return new TrainingSetJob.Image(title, planes, current, 8, false, null);
	}

	private static List<String> names(Path folder) throws IOException {
		try (Stream<Path> files = Files.list(folder)) {
			return files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
		}
	}

	@Test
	void theJobAddsChosenSlicesAndRefusesToOverwriteUnlessAsked() throws IOException {
		byte[] lesion = new byte[16];
		lesion[5] = 1;
		Path set = dir.resolve("my set");
		TrainingSetJob.Outcome first = TrainingSetJob.run(build(null, "output_folder", set.toString(), "slices", "with_lesion"),
			image("brain one", 1, new byte[16], lesion));
		assertEquals(Collections.singletonList("brain_one_s002"), first.added);
		assertEquals(1, first.imagesInSet);
		assertEquals(Arrays.asList("brain_one_s002.png"), names(set.resolve("masks")));
		assertEquals(255, ImageFiles.read(set.resolve("masks/brain_one_s002.png")).plane(0)[5], 0f);

		UnetException again = assertThrows(UnetException.class,
			() -> TrainingSetJob.run(build(null, "output_folder", set.toString()), image("brain one", 1, new byte[16], lesion)));
		assertTrue(again.getMessage().contains("already holds brain_one_s002"), again.getMessage());
		assertEquals(Arrays.asList("brain_one_s002.png"), names(set.resolve("images")), "a refused run writes nothing");

		UnetException none = assertThrows(UnetException.class,
			() -> TrainingSetJob.run(build(null, "output_folder", set.toString(), "slices", "with_lesion"), image("empty", 1, new byte[16])));
		assertTrue(none.getMessage().startsWith("no slice of empty has a lesion"), none.getMessage());
	}

	/** Replacing in the other format leaves one file per slice, not a PNG and a TIFF of the same name. */
	@Test
	void replacingInAnotherFormatLeavesOneFilePerSlice() throws IOException {
		Path set = dir.resolve("set");
		TrainingSetJob.run(build(null, "output_folder", set.toString()), image("b", 2, new byte[16], new byte[16]));
		TrainingSetJob.Outcome r = TrainingSetJob.run(build(null, "output_folder", set.toString(), "slices", "current", "file_format", "tiff",
			"replace_existing", "true"), image("b", 2, new byte[16], new byte[16]));
		assertEquals(Collections.singletonList("b_s002"), r.added);
		assertEquals(Arrays.asList("b_s001.png", "b_s002.tif"), names(set.resolve("images")));
		assertEquals(Arrays.asList("b_s001.png", "b_s002.tif"), names(set.resolve("masks")));
		assertEquals(20, ImageFiles.read(set.resolve("images/b_s002.tif")).plane(0)[0], 0f);
		assertEquals(2, r.imagesInSet);
	}
}
