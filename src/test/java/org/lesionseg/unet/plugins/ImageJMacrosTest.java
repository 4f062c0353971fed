package org.lesionseg.unet.plugins;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
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
import org.lesionseg.unet.ij.RoiSets;

import ij.ImagePlus;
import ij.gui.OvalRoi;
import ij.gui.Roi;
import ij.io.FileSaver;
import ij.process.ImageProcessor;

/**
 * The plugin in a real plain-ImageJ installation: the example macros of macros/ and the ROI Manager workflow run with
 * {@code java -jar ij.jar -batch} under Xvfb, through plugins.config and the ImageJ 1 dialogs.
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
	void exampleMacrosRunInPlainImageJ(@TempDir Path tmp) throws Exception {
		ImageJInstall imagej = ImageJInstall.shared();
		Blobs.writeFolders(tmp.resolve("blobs"), 12, 32, 5);
		Path macros = Paths.get("macros").toAbsolutePath();
		String tiny = "epochs=1 base_features=4 depth=2 image_size=32 batch_size=4 augment=none loader_threads=1 device=cpu";
		String wrapper = String.join("\n",
			"runMacro('" + macros.resolve("train_from_folders.ijm") + "', 'images=[" + path(tmp.resolve("blobs/images")) + "] masks=["
				+ path(tmp.resolve("blobs/masks")) + "] model=[" + path(tmp.resolve("trained.zip")) + "] settings=[" + tiny + "]');",
			"runMacro('" + macros.resolve("segment_folder.ijm") + "', 'model=[" + path(PluginTests.blobModel()) + "] input=["
				+ path(tmp.resolve("blobs/images")) + "] output=[" + path(tmp.resolve("segmented")) + "]');",
			"runMacro('" + macros.resolve("train_then_segment.ijm") + "', 'output=[" + path(tmp.resolve("demo")) + "] settings=[" + tiny + "]');",
			"print('ALL DONE');", "");
		Path macro = tmp.resolve("examples.ijm");
		Files.write(macro, wrapper.getBytes(StandardCharsets.UTF_8));
		String out = imagej.runMacro(macro, null, 300);
		assertTrue(out.contains("ALL DONE"), out);
		assertFalse(out.contains(" error: "), out);

		// train_from_folders.ijm
		assertTrue(Files.isRegularFile(tmp.resolve("trained.zip")), out);
		assertTrue(out.contains("train_from_folders: model written to"), out);

		// segment_folder.ijm: a mask and a ROI set per image; each disk holds the largest object
		Random random = new Random(5);
		for (int i = 0; i < 12; i++) {
			Blobs.Picture p = Blobs.random(32, random);
			String name = String.format(Locale.ROOT, "blob%02d", i);
			assertTrue(Files.isRegularFile(tmp.resolve("segmented").resolve(name + "_mask.png")), name);
			List<Roi> rois = RoiSets.read(tmp.resolve("segmented").resolve(name + "_rois.zip"));
			assertFalse(rois.isEmpty(), name);
			Roi largest = rois.stream().max(Comparator.comparingInt(r -> r.getContainedPoints().length)).get();
			double[] c = largest.getContourCentroid();
			assertTrue(p.disks.get(0).contains(c[0], c[1]), name + ": largest object at " + Arrays.toString(c));
		}
		assertTrue(Files.isRegularFile(tmp.resolve("segmented/objects.csv")));

		// train_then_segment.ijm on the sample data
		assertTrue(Files.isRegularFile(tmp.resolve("demo/model.zip")), out);
		Matcher count = Pattern.compile("train_then_segment: ROIs: (\\d+)").matcher(out);
		assertTrue(count.find(), out);
		int rois = Integer.parseInt(count.group(1));
		if (rois > 0)
			assertEquals(rois, RoiSets.read(tmp.resolve("demo/z039_rois.zip")).size());
		assertTrue(out.contains("Evaluate UNet: summary: images=73"), out);
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
		// a mistake is reported with the key and the file, and the macro goes on
		assertTrue(out.contains("Segment with UNet error: model_file " + path(tmp.resolve("missing.zip")) + " does not exist"), out);
		assertTrue(out.contains("AFTER ERROR"), out);
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
