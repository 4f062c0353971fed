package org.lesionseg.unet.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.interop.ImportFixtures;

import ij.IJ;
import ij.ImagePlus;

/** The scripting API on an ImagePlus: probability, mask and ROIs agree with PyTorch's own output and with each other. */
class ScriptApiTest {

	@Test
	void segmentAnImagePlusGivesPyTorchsProbabilityItsMaskAndRois() throws Exception {
		ImagePlus crop = IJ.openImage(ImportFixtures.CROP.toString());
		float[] expected = ImportFixtures.npy(ImportFixtures.CROP_PROBABILITY).values;
		try (Model model = UNet.model(ImportFixtures.TORCHSCRIPT.toFile(), "size_multiple=4 device=cpu threshold=0.01")) {
			assertTrue(model.description().startsWith("TorchScript file tiny_unet.pt"), model.description());
			Segmentation seg = model.segment(crop);
			float[] p = (float[]) seg.probability().getProcessor().getPixels();
			double max = 0;
			for (int i = 0; i < p.length; i++)
				max = Math.max(max, Math.abs(p[i] - expected[i]));
			assertTrue(max < 1e-4, "max difference " + max);
			byte[] mask = (byte[]) seg.mask().getProcessor().getPixels();
			long foreground = 0;
			for (byte b : mask)
				foreground += (b & 0xff) == 255 ? 1 : 0;
			assertEquals(seg.foregroundPixels(), foreground);
			assertTrue(seg.objectCount() > 0);
			assertEquals(seg.objectCount(), seg.rois().size());
			// per-call settings win over the model's: a threshold no probability reaches finds nothing
			assertEquals(0, model.segment(crop, "threshold=0.99").rois().size());
		}
	}

	/** Test-time augmentation around an imported TorchScript network: an uncertainty map and a score from the script API. */
	@Test
	void testTimeAugmentationWorksOnAnImportedNetwork() throws Exception {
		ImagePlus crop = IJ.openImage(ImportFixtures.CROP.toString());
		try (Model model = UNet.model(ImportFixtures.TORCHSCRIPT.toFile(), "size_multiple=4 device=cpu threshold=0.01 test_time_augmentation=flips")) {
			Segmentation seg = model.segment(crop);
			ImagePlus uncertainty = seg.uncertainty();
			assertEquals(crop.getWidth(), uncertainty.getWidth());
			float[] u = (float[]) uncertainty.getProcessor().getPixels();
			double largest = 0;
			for (float v : u) {
				assertTrue(v >= 0, "a standard deviation: " + v);
				largest = Math.max(largest, v);
			}
			assertTrue(largest > 1e-4, "the network is not symmetric, so its mirrored predictions differ: " + largest);
			assertEquals(1, seg.uncertaintyScores().length);
		}
	}

	@Test
	void aMisspelledKeyIsOneLineNamingTheKnownOne() {
		UnetException e = assertThrows(UnetException.class, () -> UNet.model(ImportFixtures.TORCHSCRIPT.toFile(), "treshold=0.4 size_multiple=4").close());
		assertTrue(e.getMessage().contains("threshold"), e.getMessage());
		assertTrue(!e.getMessage().contains("\n"), e.getMessage());
	}
}
