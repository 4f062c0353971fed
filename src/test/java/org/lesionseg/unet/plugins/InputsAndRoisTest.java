package org.lesionseg.unet.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.ij.RoiConversion;

import ij.ImagePlus;
import ij.gui.Roi;
import ij.process.ByteProcessor;

/** Messages that name the real fault: a missing folder, ROIs that belong to other images (a model folder: SegmentGuardsTest). */
class InputsAndRoisTest {

	@Test
	void aMissingFolderAndAFileGivenAsFolderAreToldApart(@TempDir Path tmp) throws Exception {
		File missing = tmp.resolve("gone").toFile();
		assertEquals("input_folder " + missing + " does not exist: give the folder with the images",
			assertThrows(UnetException.class, () -> Inputs.existingFolder(missing, "input_folder", "the images")).getMessage());
		Path file = Files.createFile(tmp.resolve("a.png"));
		assertEquals("input_folder " + file + " is a file, not a folder: give the folder with the images",
			assertThrows(UnetException.class, () -> Inputs.existingFolder(file.toFile(), "input_folder", "the images")).getMessage());
	}

	private static Roi of(String image) {
		Roi roi = new Roi(0, 0, 2, 2);
		roi.setProperty(RoiConversion.PROPERTY_IMAGE, image);
		return roi;
	}

	@Test
	void onlyTheImagesRoisAreTakenAndNoneIsAnError() {
		ImagePlus b = new ImagePlus("b.tif", new ByteProcessor(8, 8));
		Roi ofB = of("b.tif");
		assertEquals(Arrays.asList(ofB), RoiManagers.select(Arrays.asList(of("a.tif"), ofB, new Roi(1, 1, 1, 1)), b));
		List<Roi> others = Arrays.asList(of("a.tif"), of("c.png"), new Roi(1, 1, 1, 1));
		assertEquals("none of the 3 ROIs in the ROI Manager belongs to b.tif (they belong to a.tif, c.png or to no known image): "
			+ "outline its lesions while it is the current image, or segment it first",
			assertThrows(UnetException.class, () -> RoiManagers.select(others, b)).getMessage());
	}

	/** A bug inside a command ends it like a mistake does (one line, cancelled), not with ImageJ's exception window. */
	/** A flood is cut to the largest objects, which stay in slice order; below the cap, or with 0, all go in. */
	@Test
	void theRoiManagerGetsTheLargestObjectsInTheirOrder() {
		Roi small = new Roi(0, 0, 1, 2), large = new Roi(5, 5, 4, 4), middle = new Roi(10, 10, 3, 3), alsoMiddle = new Roi(20, 20, 3, 3);
		List<Roi> rois = Arrays.asList(small, large, middle, alsoMiddle);
		assertEquals(Arrays.asList(large, middle), RoiManagers.largest(rois, 2));
		assertEquals(Arrays.asList(large, middle, alsoMiddle), RoiManagers.largest(rois, 3));
		assertEquals(rois, RoiManagers.largest(rois, 4));
		assertEquals(rois, RoiManagers.largest(rois, 0));
	}

	@Test
	void anUnexpectedExceptionIsReportedAsOneLine() {
		UNetCommand broken = new UNetCommand() {
			@Override
			protected void execute() {
				throw new IllegalStateException("broken on purpose");
			}

			@Override
			protected boolean usesEngine() {
				return false;
			}

			@Override
			public String commandName() {
				return "Broken";
			}
		};
		broken.run();
		assertEquals("unexpected java.lang.IllegalStateException: broken on purpose (a bug: please report it with the stack trace printed on the console)",
			broken.getCancelReason());
	}
}
