package org.lesionseg.unet.plugins;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.core.data.ImageFiles;
import org.lesionseg.unet.core.data.MaskPolicy;
import org.lesionseg.unet.core.model.UNetBlock;
import org.lesionseg.unet.core.model.UNetConfig;
import org.lesionseg.unet.core.modelfile.ModelFile;
import org.lesionseg.unet.core.modelfile.ModelInfo;
import org.lesionseg.unet.ij.RoiSets;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ij.ImagePlus;
import ij.gui.OvalRoi;
import ij.gui.Roi;
import ij.io.FileSaver;
import ij.process.ImageProcessor;

/**
 * The plugin in a real plain-ImageJ installation: the ROI Manager workflow and the macro errors, run with
 * {@code java -jar ij.jar -batch} under Xvfb, through plugins.config and the ImageJ 1 dialogs. The shipped macros of
 * macros/ are run, and must learn, in {@link PlainImageJMacrosIT} (after package, in Debian's ImageJ and 1.54p).
 */
class ImageJMacrosTest {

	@BeforeAll
	static void needsXvfb() {
		assumeTrue(ImageJInstall.xvfbAvailable(), "xvfb-run is not installed (apt-get install xvfb): ImageJ 1 needs a display even in -batch mode");
	}

	private static String path(Path p) {
		return p.toAbsolutePath().toString();
	}

	@Test
	void roiManagerWorkflowWithImageJDialogs(@TempDir Path tmp) throws Exception {
		ImageJInstall imagej = ImageJInstall.shared();
		List<Blobs.Picture> pictures = Blobs.randomPictures(3, 32, 61);
		ImagePlus stack = Blobs.stacks("stack", pictures)[0];
		new FileSaver(stack).saveAsTiffStack(path(tmp.resolve("stack.tif")));
		// the user outlines lesions on slices 1 and 3 only
		int[][] ovals = { { 1, 4, 6, 9, 7 }, { 3, 18, 15, 8, 10 } };
		StringBuilder macro = new StringBuilder("setBatchMode(true);\nopen('" + path(tmp.resolve("stack.tif")) + "');\n");
		for (int[] o : ovals)
			macro.append("setSlice(" + o[0] + "); makeOval(" + o[1] + ", " + o[2] + ", " + o[3] + ", " + o[4] + "); roiManager('add');\n");
		macro.append("run('Select None');\n");
		macro.append("run('ROIs to Masks', 'image=stack.tif output_folder=[" + path(tmp.resolve("reviewed")) + "]');\n");
		macro.append("run('Build Training Set', 'image=stack.tif use_roi_manager=true output_folder=[" + path(tmp.resolve("set"))
			+ "] file_format=tiff slices=with_lesion');\n");
		macro.append("run('Train UNet', 'image=stack.tif use_roi_manager model_file=[" + path(tmp.resolve("from-rois.zip"))
			+ "] epochs=1 base_features=4 depth=2 image_size=32 batch_size=1 val_fraction=0 test_fraction=0 augment=none loader_threads=1 device=cpu');\n");
		macro.append("roiManager('reset');\n");
		macro.append("run('Segment with UNet', 'image=stack.tif model_file=[" + path(PluginTests.blobModel()) + "] probability_map=true binary_mask');\n");
		macro.append("print('ROIS ' + roiManager('count'));\nroiManager('save', '" + path(tmp.resolve("found.zip")) + "');\nprint('IMAGES ' + nImages);\n");
		// a flood is capped: only the largest objects go into the ROI Manager, with one line saying so
		macro.append("run('Segment with UNet', 'image=stack.tif model_file=[" + path(PluginTests.blobModel()) + "] max_rois=2');\n");
		macro.append("print('CAPPED ' + roiManager('count'));\n");
		macro.append("run('Segment with UNet', 'image=stack.tif model_file=[" + path(tmp.resolve("missing.zip")) + "]');\n");
		macro.append("print('AFTER ERROR');\n");
		Path file = tmp.resolve("rois.ijm");
		Files.write(file, macro.toString().getBytes(StandardCharsets.UTF_8));
		String out = imagej.runMacro(file, null, 240);

		// ROIs to Masks: every slice, the oval on its own slice, empty slice 2
		assertEquals(Arrays.asList("stack_s001.png", "stack_s002.png", "stack_s003.png"), list(tmp.resolve("reviewed/masks")), out);
		for (int s = 1; s <= 3; s++) {
			byte[] mask = ImageFiles.readMask(tmp.resolve("reviewed/masks/stack_s00" + s + ".png"), MaskPolicy.STRICT);
			assertArrayEquals(ovalMask(ovals, s, 32, 32), mask, "slice " + s);
		}
		// Build Training Set from the ROI Manager: the slices with a lesion, as TIFF
		assertEquals(Arrays.asList("stack_s001.tif", "stack_s003.tif"), list(tmp.resolve("set/images")), out);
		// Train UNet from the ROI Manager (ImageJ-style boolean "use_roi_manager")
		assertTrue(Files.isRegularFile(tmp.resolve("from-rois.zip")), out);
		// Segment with UNet fills the batch-mode ROI Manager the macro reads, one ROI per disk, on its slice
		assertTrue(out.contains("ROIS 3"), out);
		List<Roi> found = RoiSets.read(tmp.resolve("found.zip"));
		assertEquals(3, found.size());
		for (int s = 1; s <= 3; s++) {
			Roi roi = found.get(s - 1);
			assertEquals(s, roi.getPosition());
			double[] c = roi.getContourCentroid();
			assertTrue(pictures.get(s - 1).disks.get(0).contains(c[0], c[1]), roi.getName());
		}
		assertTrue(out.contains("IMAGES 3"), "stack, probability map and mask are open: " + out);
		assertTrue(out.contains("CAPPED 2"), out);
		assertTrue(out.contains("Segment with UNet: 3 objects would flood the ROI Manager: it got the 2 largest (max_rois=2); give roi_set_file to save all"),
			out);
		assertTrue(out.contains("Segment with UNet: objects under 5 pixels are dropped as specks (min_size=5; 0 keeps all)"), out);
		// a mistake is reported with the key and the file, and stops the macro
		assertTrue(out.contains("Segment with UNet error: model_file " + path(tmp.resolve("missing.zip")) + " does not exist"), out);
		assertFalse(out.contains("AFTER ERROR"), out);
	}

	/**
	 * Segmenting image A then image B leaves both images' ROIs in the ROI Manager; ROIs to Masks on B must draw B's ROIs
	 * only (it drew A's too), and segmenting an image again must replace its ROIs (they piled up), keeping the user's.
	 * No training needed: an untrained model with a tiny threshold marks all of A (one ROI, A's whole 16×16 square),
	 * and with a threshold near 1 little or nothing of B.
	 */
	@Test
	void roisToMasksTakesOnlyTheImagesRoisAndSegmentReplacesItsOwn(@TempDir Path tmp) throws Exception {
		ImageJInstall imagej = ImageJInstall.shared();
		Random random = new Random(71);
		ImageFiles.writePng8(tmp.resolve("A.png"), Blobs.draw(16, 16, Arrays.asList(new Blobs.Disk(8, 8, 4)), random).image, 16, 16);
		ImageFiles.writePng8(tmp.resolve("B.png"), Blobs.draw(32, 32, Arrays.asList(new Blobs.Disk(20, 22, 5)), random).image, 32, 32);
		Path model = untrainedModel(tmp.resolve("untrained.zip"));
		String segmentA = "run('Segment with UNet', 'image=A.png model_file=[" + path(model) + "] threshold=0.000001');";
		String segmentB = "run('Segment with UNet', 'image=B.png model_file=[" + path(model) + "] threshold=0.999999 binary_mask');";
		String macro = String.join("\n", "setBatchMode(true);",
			"open('" + path(tmp.resolve("A.png")) + "');",
			"open('" + path(tmp.resolve("B.png")) + "');",
			segmentA, "print('COUNT A ' + roiManager('count'));",
			segmentB, "selectImage('B-mask'); saveAs('PNG', '" + path(tmp.resolve("B-segmented.png")) + "'); close();",
			"print('COUNT A B ' + roiManager('count'));",
			"selectImage('B.png'); makeRectangle(20, 20, 6, 4); roiManager('add'); run('Select None');",
			segmentA, "print('COUNT A AGAIN ' + roiManager('count'));",
			"run('ROIs to Masks', 'image=B.png output_folder=[" + path(tmp.resolve("set")) + "]');",
			"print('DONE');", "");
		Path file = tmp.resolve("two-images.ijm");
		Files.write(file, macro.getBytes(StandardCharsets.UTF_8));
		String out = imagej.runMacro(file, null, 240);
		assertTrue(out.contains("DONE"), out);
		assertEquals(1, count(out, "COUNT A "), "all of A is one object: " + out);
		int countAB = count(out, "COUNT A B ");
		assertEquals(countAB + 1, count(out, "COUNT A AGAIN "), "segmenting A again replaces its ROI and keeps the user's rectangle on B: " + out);

		// B's mask: exactly B's segmented objects and the user's rectangle, nothing of A's square
		byte[] expected = ImageFiles.readMask(tmp.resolve("B-segmented.png"), MaskPolicy.STRICT);
		for (int y = 20; y < 24; y++)
			for (int x = 20; x < 26; x++)
				expected[y * 32 + x] = 1;
		int inASquare = 0;
		for (int y = 0; y < 16; y++)
			for (int x = 0; x < 16; x++)
				inASquare += expected[y * 32 + x];
		assertTrue(inASquare < 16 * 16, "B's own objects must not cover A's square, or the test shows nothing");
		assertArrayEquals(expected, ImageFiles.readMask(tmp.resolve("set/masks/B.png"), MaskPolicy.STRICT), out);
	}

	/** An untrained model file (depth 2, base 2, size 32) written directly: segmenting needs no training. */
	private static Path untrainedModel(Path model) {
		UNetConfig config = new UNetConfig().depth(2).baseFeatures(2).inputChannels(1);
		EngineContext.run(() -> {
			try (NDManager manager = NDManager.newBaseManager()) {
				UNetBlock block = new UNetBlock(config);
				block.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 32, 32));
				ModelInfo info = ModelInfo.of(config);
				info.normalization = "scale01";
				info.trainingSize = 32;
				info.inputMode = "resize";
				ModelFile.save(model, block, info, null, null);
			}
		});
		return model;
	}

	private static int count(String out, String label) {
		Matcher m = Pattern.compile(Pattern.quote(label) + "(\\d+)").matcher(out);
		assertTrue(m.find(), label + " missing: " + out);
		return Integer.parseInt(m.group(1));
	}

	/**
	 * Each mistake is one "error:" line and stops the macro; before, three of them opened a modal dialog that a
	 * -batch macro waits on forever (no image open, a missing image or mask title), and a failed command let the macro
	 * go on.
	 */
	@Test
	void aMistakeIsOneLineAndStopsTheMacro(@TempDir Path tmp) throws Exception {
		ImageJInstall imagej = ImageJInstall.shared();
		String real = "newImage('real', '8-bit black', 16, 16, 1);";
		String set = "output_folder=[" + path(tmp.resolve("set")) + "]";
		String[][] cases = {
			{ "run('ROIs to Masks', 'show_mask=true');", "ROIs to Masks error: no image is open: open the image first" },
			{ real + "run('Build Training Set', 'image=[missing.tif] use_roi_manager " + set + "');",
				"Build Training Set error: image: no open image is titled \"missing.tif\"; open images are \"real\"" },
			{ real + "run('Build Training Set', 'image=real mask=[no mask.tif] " + set + "');",
				"Build Training Set error: mask: no open image is titled \"no mask.tif\"" },
			{ real + "run('Build Training Set', 'image=real mask=real " + set + " file_format=jpg');",
				"Build Training Set error: file_format 'jpg' is not one of png, tiff" },
			{ "run('Train UNet', 'epochs=two');", "Train UNet error: epochs needs a number, got 'two'" },
			{ "run('Train UNet', 'epoch=2 imagesize=128 base_feature=16');", "Train UNet error: unknown keys for Train UNet: 'epoch' (did you mean 'epochs'?), "
				+ "'imagesize' (did you mean 'image_size'?), 'base_feature' (did you mean 'base_features'?)" },
			{ real + "run('ROIs to Masks');", "ROIs to Masks error: nothing to do" }, // no options: defaults, no dialog
			{ real + "run('Segment with UNet', 'image=real model_file=[" + path(tmp) + "]');",
				"Segment with UNet error: model_file " + path(tmp) + " is a folder without model files" } };
		for (int i = 0; i < cases.length; i++) {
			Path file = tmp.resolve("mistake" + i + ".ijm");
			Files.write(file, ("setBatchMode(true);\n" + cases[i][0] + "\nprint('NEXT LINE RAN');\n").getBytes(StandardCharsets.UTF_8));
			String out = imagej.runMacro(file, null, 60);
			assertTrue(out.contains(cases[i][1]), cases[i][0] + " gave: " + out);
			assertFalse(out.contains("NEXT LINE RAN"), "the macro must stop: " + out);
		}
	}

	/** The mask ImageJ itself draws for the ovals of one slice. */
	private static byte[] ovalMask(int[][] ovals, int slice, int w, int h) {
		byte[] mask = new byte[w * h];
		for (int[] o : ovals) {
			if (o[0] != slice)
				continue;
			ImageProcessor m = new OvalRoi(o[1], o[2], o[3], o[4]).getMask();
			for (int y = 0; y < o[4]; y++)
				for (int x = 0; x < o[3]; x++)
					if (m.get(x, y) != 0)
						mask[(o[2] + y) * w + o[1] + x] = 1;
		}
		return mask;
	}

	private static List<String> list(Path dir) throws Exception {
		if (!Files.isDirectory(dir))
			return Arrays.asList();
		try (Stream<Path> files = Files.list(dir)) {
			return files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
		}
	}
}
