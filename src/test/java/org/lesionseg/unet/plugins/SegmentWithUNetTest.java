package org.lesionseg.unet.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

import ij.ImagePlus;
import ij.gui.Roi;
import ij.process.ByteProcessor;

class SegmentWithUNetTest {

	private static Context context;

	@BeforeAll
	static void startContext() {
		context = new Context(CommandService.class);
	}

	@AfterAll
	static void stopContext() {
		context.dispose();
	}

	@Test
	void findsEachDiskOfALargerImageAsOneRoiInsideIt(@TempDir Path tmp) throws Exception {
		List<Blobs.Disk> disks = Arrays.asList(new Blobs.Disk(12, 14, 5), new Blobs.Disk(60, 30, 4), new Blobs.Disk(30, 50, 6));
		Blobs.Picture p = Blobs.draw(80, 64, disks, new Random(9));
		ImagePlus imp = new ImagePlus("three disks.png", new ByteProcessor(80, 64, p.image));
		Path roiSet = tmp.resolve("rois.zip");
		CommandModule m = PluginTests.run(context, SegmentWithUNet.class, "image", imp, "model_file", PluginTests.blobModel().toFile(),
			"roi_set_file", roiSet.toFile(), "probability_map", true, "binary_mask", true);
		assertFalse(m.isCanceled(), String.valueOf(m.getCancelReason()));
		SegmentWithUNet command = (SegmentWithUNet) m.getCommand();
		List<Roi> rois = command.rois();
		assertEquals(3, rois.size(), rois.toString());
		for (Roi roi : rois) {
			double[] c = roi.getContourCentroid();
			assertTrue(disks.stream().anyMatch(d -> d.contains(c[0], c[1])), "ROI " + roi.getName() + " centred at " + Arrays.toString(c) + " lies in no disk");
		}
		assertEquals(3, imp.getOverlay().size());
		ImagePlus probability = (ImagePlus) m.getOutput("probability_image");
		assertNotNull(probability);
		assertEquals(32, probability.getBitDepth());
		assertEquals(80, probability.getWidth());
		assertEquals(3, command.objectsTable().size());
	}

	@Test
	void stackRoisCarryTheirSliceAndCalibratedAreas(@TempDir Path tmp) throws Exception {
		Random random = new Random(21);
		List<Blobs.Picture> pictures = Arrays.asList(Blobs.draw(48, 48, Arrays.asList(new Blobs.Disk(12, 12, 5)), random),
			Blobs.draw(48, 48, new java.util.ArrayList<>(), random), Blobs.draw(48, 48, Arrays.asList(new Blobs.Disk(30, 34, 6)), random));
		ImagePlus stack = Blobs.stacks("scan", pictures)[0];
		ij.measure.Calibration cal = stack.getCalibration();
		cal.pixelWidth = 0.5;
		cal.pixelHeight = 0.5;
		cal.setUnit("mm");
		CommandModule m = PluginTests.run(context, SegmentWithUNet.class, "image", stack, "model_file", PluginTests.blobModel().toFile(), "binary_mask", true);
		SegmentWithUNet command = (SegmentWithUNet) m.getCommand();
		List<Roi> rois = command.rois();
		assertEquals(2, rois.size(), rois.toString());
		assertEquals("slice001-obj01", rois.get(0).getName());
		assertEquals(1, rois.get(0).getPosition());
		assertEquals("slice003-obj01", rois.get(1).getName());
		assertEquals(3, rois.get(1).getPosition());
		assertTrue(pictures.get(2).disks.get(0).contains(rois.get(1).getContourCentroid()[0], rois.get(1).getContourCentroid()[1]));
		// the mask keeps the calibration; the table has the columns of objects.csv, plus the area in mm² (pixels × 0.25)
		ImagePlus mask = (ImagePlus) m.getOutput("mask_image");
		assertEquals(3, mask.getStackSize());
		assertEquals(0.5, mask.getCalibration().pixelWidth, 0);
		assertEquals("mm", mask.getCalibration().getUnit());
		ij.measure.ResultsTable table = command.objectsTable();
		assertEquals(3, table.getValue("slice", 1), 0);
		int pixels = 0;
		byte[] slice3 = (byte[]) mask.getStack().getPixels(3);
		for (byte b : slice3)
			if (b != 0)
				pixels++;
		assertEquals(pixels, table.getValue("area_px", 1), 0);
		assertEquals(pixels * 0.25, table.getValue("area_calibrated", 1), 1e-9);
		assertEquals("mm", table.getStringValue("unit", 1));
		assertEquals(rois.get(1).getProperty("area"), Integer.toString(pixels));
	}

	/** Test-time augmentation from a macro key: a TITLE-uncertainty stack beside the image and one score per slice. */
	@Test
	void testTimeAugmentationOpensTheUncertaintyAndScoresEverySlice() throws Exception {
		Random random = new Random(5);
		List<Blobs.Picture> pictures = Arrays.asList(Blobs.draw(48, 48, Arrays.asList(new Blobs.Disk(12, 12, 5)), random),
			Blobs.draw(48, 48, new java.util.ArrayList<>(), random), Blobs.draw(48, 48, Arrays.asList(new Blobs.Disk(30, 34, 6)), random));
		ImagePlus stack = Blobs.stacks("scan", pictures)[0];
		CommandModule m = PluginTests.run(context, SegmentWithUNet.class, "image", stack, "model_file", PluginTests.blobModel().toFile(),
			"test_time_augmentation", "dihedral");
		assertFalse(m.isCanceled(), String.valueOf(m.getCancelReason()));
		ImagePlus uncertainty = (ImagePlus) m.getOutput("uncertainty_image");
		assertNotNull(uncertainty);
		assertEquals(32, uncertainty.getBitDepth());
		assertEquals(3, uncertainty.getStackSize());
		assertTrue(uncertainty.getTitle().endsWith("-uncertainty"), uncertainty.getTitle());
		ij.measure.ResultsTable scores = ((SegmentWithUNet) m.getCommand()).uncertaintyTable();
		assertEquals(3, scores.size());
		for (int row = 0; row < 3; row++) {
			assertEquals(row + 1, scores.getValue("slice", row), 0);
			assertTrue(scores.getValue("uncertainty_score", row) >= 0);
		}
		// slices with a disk have objects, so a region to score
		assertTrue(scores.getValue("region_px", 0) > 0 && scores.getValue("region_px", 2) > 0);
	}

	/** On real sample data the ROIs must cover exactly the pixels of the binary mask, whatever the model finds. */
	@Test
	void roisCoverExactlyTheMaskOnSampleData() throws Exception {
		ImagePlus isles = ij.IJ.openImage(PluginTests.sampleData().resolve("isles22-case0009/images/sub-strokecase0009_z038.png").toString());
		CommandModule m = PluginTests.run(context, SegmentWithUNet.class, "image", isles, "model_file", PluginTests.blobModel().toFile(), "binary_mask", true,
			"threshold", 0.3);
		SegmentWithUNet command = (SegmentWithUNet) m.getCommand();
		byte[] mask = (byte[]) ((ImagePlus) m.getOutput("mask_image")).getProcessor().getPixels();
		byte[] fromRois = org.lesionseg.unet.ij.RoiConversion.toMask(command.rois(), isles.getWidth(), isles.getHeight());
		int foreground = 0;
		for (int i = 0; i < mask.length; i++) {
			assertEquals(mask[i] != 0, fromRois[i] != 0, "pixel " + i);
			if (mask[i] != 0)
				foreground++;
		}
		assertTrue(foreground > 0, "the blob model marks the brightest regions of the DWI slice");
		assertEquals(command.rois().size(), command.objectsTable().size());
	}

	@Test
	void aMissingModelFileIsNamed(@TempDir Path tmp) {
		ImagePlus imp = new ImagePlus("x.png", new ByteProcessor(16, 16));
		CommandModule m = PluginTests.run(context, SegmentWithUNet.class, "image", imp, "model_file", tmp.resolve("nothing.zip").toFile());
		assertTrue(m.isCanceled());
		assertEquals("model_file " + tmp.resolve("nothing.zip") + " does not exist; check the folder and the file name.", m.getCancelReason());
	}
}
