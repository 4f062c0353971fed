package org.lesionseg.unet.core.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.core.UnetException;

/**
 * What a bioimage.io package may be that this plugin cannot run, each refused with one line naming the reason:
 * the real 0.4 and 0.5 fixture packages unpacked into folders, their rdf.yaml edited one way each.
 */
class BioImageIoRefusalsTest {

	@TempDir
	Path temp;

	/** The package unpacked into a folder, with one edit of rdf.yaml. */
	private Path edited(Path zip, String from, String to) throws IOException {
		Path folder = Files.createTempDirectory(temp, "package");
		try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
			for (ZipEntry e; (e = in.getNextEntry()) != null;)
				Files.write(folder.resolve(e.getName()), in.readAllBytes());
		}
		Path rdf = folder.resolve("rdf.yaml");
		String text = new String(Files.readAllBytes(rdf), StandardCharsets.UTF_8);
		assertTrue(text.contains(from), "the fixture's rdf.yaml has no '" + from + "'");
		Files.write(rdf, text.replace(from, to).getBytes(StandardCharsets.UTF_8));
		return folder;
	}

	private static void refused(Path folder, String reason) {
		UnetException e = assertThrows(UnetException.class, () -> BioImageIoPackage.read(folder));
		assertTrue(e.getMessage().contains(reason), e.getMessage());
		assertFalse(e.getMessage().contains("\n"), e.getMessage());
	}

	@Test
	void anUnpackedFolderIsReadLikeTheZip() throws IOException {
		Path folder = edited(ImportFixtures.PACKAGE_TS_05, "format_version: 0.5.3", "format_version: 0.5.4");
		assertTrue(BioImageIoPackage.isPackage(folder));
		assertEquals(ModelFormat.BIOIMAGEIO, ModelFormat.of(folder));
		assertEquals("0.5.4", BioImageIoPackage.read(folder).formatVersion);
	}

	@Test
	void threeDimensionalModels() throws IOException {
		refused(edited(ImportFixtures.PACKAGE_ONNX_04, "axes: bcyx", "axes: bczyx"), "is 3-D");
		refused(edited(ImportFixtures.PACKAGE_TS_05, "      - type: space\n        id: y\n        size: {min: 16, step: 4}",
			"      - type: space\n        id: z\n        size: {min: 4, step: 4}\n      - type: space\n        id: y\n        size: {min: 16, step: 4}"), "is 3-D");
	}

	@Test
	void modelsWithTwoOutputs() throws IOException {
		refused(edited(ImportFixtures.PACKAGE_ONNX_04, "test_inputs:", "  - name: second\n    axes: bcyx\ntest_inputs:"), "2 outputs");
	}

	@Test
	void unknownPreprocessingAndPostprocessingSteps() throws IOException {
		refused(edited(ImportFixtures.PACKAGE_ONNX_04, "name: scale_range", "name: scale_mean_variance"), "'scale_mean_variance' of input raw is not supported");
		refused(edited(ImportFixtures.PACKAGE_TS_05, "- id: sigmoid", "- id: softmax"), "postprocessing step 'softmax' is not supported");
		refused(edited(ImportFixtures.PACKAGE_ONNX_04, "mode: per_sample", "mode: per_dataset"), "not in the package");
	}

	@Test
	void missingFilesAndWeightsThatCannotRunHere() throws IOException {
		refused(edited(ImportFixtures.PACKAGE_ONNX_04, "source: tiny_unet.onnx", "source: elsewhere.onnx"), "lacks the file elsewhere.onnx");
		refused(edited(ImportFixtures.PACKAGE_TS_05, "  torchscript:", "  keras_hdf5:"), "only torchscript or onnx");
		refused(edited(ImportFixtures.PACKAGE_TS_05, "source: tiny_unet.pt", "source: https://example.org/tiny_unet.pt"), "nothing is downloaded");
	}

	@Test
	void damagedWeightsAndUnknownFormats() throws IOException {
		refused(edited(ImportFixtures.PACKAGE_ONNX_04, "sha256: ", "sha256: 00"), "does not match the sha256");
		refused(edited(ImportFixtures.PACKAGE_ONNX_04, "format_version: 0.4.10", "format_version: 0.3.6"), "0.3.6 is not supported");
		refused(edited(ImportFixtures.PACKAGE_ONNX_04, "step: [0, 0, 4, 4]", "step: [0, 0, 12, 12]"), "only powers of two");
		refused(edited(ImportFixtures.PACKAGE_TS_05, "channel_names: [lesion]", "channel_names: [background, lesion]"), "2 channels");
	}
}
