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
}
