package org.lesionseg.unet.ij;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lesionseg.unet.core.UnetException;

import ij.IJ;
import ij.ImagePlus;
import ij.gui.OvalRoi;
import ij.gui.Roi;
import ij.macro.Interpreter;

/** Which image a ROI belongs to, and which plane of it (headless: images "open" as in a batch-mode macro). */
class ImageRoisTest {

	private final ImagePlus a = IJ.createImage("a.tif", "8-bit black", 20, 20, 1);
	private final ImagePlus b = IJ.createImage("b.tif", "8-bit black", 20, 20, 1);

	private void open(ImagePlus... images) {
		Interpreter.batchMode = true;
		for (ImagePlus imp : images)
			Interpreter.addBatchModeImage(imp);
	}

	@AfterEach
	void close() {
		Interpreter.removeBatchModeImage(a);
		Interpreter.removeBatchModeImage(b);
		Interpreter.batchMode = false;
	}

	private static Roi named(String name, String image) {
		Roi roi = new Roi(1, 1, 3, 3);
		roi.setName(name);
		if (image != null)
			roi.setProperty(RoiConversion.PROPERTY_IMAGE, image);
		return roi;
	}

	/** A ROI drawn on an image and added to the ROI Manager: ImageJ's copy remembers the image's ID. */
	private static Roi drawnOn(ImagePlus imp, String name) {
		Roi roi = new OvalRoi(2, 2, 5, 5);
		roi.setName(name);
		roi.setImage(imp);
		return (Roi) roi.clone();
	}

	@Test
	void aRoiBelongsToTheImageItNamesOrWasDrawnOn() {
		open(a, b);
		assertEquals(ImageRois.Owner.THIS_IMAGE, ImageRois.ownerOf(named("x", "b.tif"), b));
		assertEquals(ImageRois.Owner.THIS_IMAGE, ImageRois.ownerOf(named("x", "b"), b)); // folder segmentation names it without extension
		assertEquals(ImageRois.Owner.OTHER_IMAGE, ImageRois.ownerOf(named("x", "a.tif"), b));
		assertEquals(ImageRois.Owner.THIS_IMAGE, ImageRois.ownerOf(drawnOn(b, "y"), b));
		assertEquals(ImageRois.Owner.OTHER_IMAGE, ImageRois.ownerOf(drawnOn(a, "y"), b));
		assertEquals(ImageRois.Owner.UNKNOWN, ImageRois.ownerOf(named("z", null), b));
	}

	@Test
	void onlyTheImagesRoisAreSelectedAndUnknownOnesOnlyWhenNoOtherImageHasRois() {
		open(a, b);
		Roi ofA = named("a1", "a.tif"), ofB = named("b1", "b.tif"), drawnB = drawnOn(b, "drawn"), unknown = named("loose", null);
		ImageRois.Selection s = ImageRois.select(Arrays.asList(ofA, ofB, unknown, drawnB), b);
		assertEquals(Arrays.asList(ofB, drawnB), s.rois);
		assertEquals(1, s.unknownLeftOut);
		assertEquals(1, s.ofOtherImages);
		assertEquals(Arrays.asList("a.tif"), s.otherImages);
		// nothing names another image: the unknown ROI is plainly this image's, in the manager's order
		ImageRois.Selection alone = ImageRois.select(Arrays.asList(unknown, ofB), b);
		assertEquals(Arrays.asList(unknown, ofB), alone.rois);
		assertEquals(0, alone.unknownLeftOut);
		// a ROI drawn on an image closed since has an unknown image
		Roi drawnA = drawnOn(a, "gone");
		Interpreter.removeBatchModeImage(a);
		assertEquals(ImageRois.Owner.UNKNOWN, ImageRois.ownerOf(drawnA, b));
	}

	@Test
	void segmentationRoisAreKnownByTheirLabelAndImage() {
		Roi segmented = named("obj01", "b.tif");
		segmented.setProperty(RoiConversion.PROPERTY_LABEL, "1");
		assertTrue(ImageRois.isSegmentationOf(segmented, b));
		assertFalse(ImageRois.isSegmentationOf(segmented, a));
		assertFalse(ImageRois.isSegmentationOf(named("mine", "b.tif"), b), "a user's ROI is not replaced");
	}

	@Test
	void eachRoiIsPaintedOnItsOwnPlaneOfAHyperstack() {
		ImagePlus hyper = IJ.createImage("hyper", "8-bit black", 10, 10, 1, 3, 2); // z = 3, t = 2: planes z fastest
		Roi plain = new Roi(0, 0, 2, 2);
		plain.setPosition(5); // stack index 5 = z 2, t 2 = plane 5
		Roi zt = new Roi(4, 4, 2, 2);
		zt.setPosition(0, 3, 1); // z 3, t 1 = plane 3
		Roi allZ = new Roi(8, 8, 1, 1);
		allZ.setPosition(0, 0, 2); // every z of frame 2 = planes 4..6
		Roi everywhere = new Roi(0, 9, 1, 1);
		byte[][] masks = RoiConversion.toMasks(Arrays.asList(plain, zt, allZ, everywhere), hyper);
		assertEquals(6, masks.length);
		for (int plane = 1; plane <= 6; plane++) {
			byte[] m = masks[plane - 1];
			assertEquals(plane == 5 ? 1 : 0, m[0], "plain position on plane " + plane);
			assertEquals(plane == 3 ? 1 : 0, m[4 * 10 + 4], "z, t position on plane " + plane);
			assertEquals(plane >= 4 ? 1 : 0, m[8 * 10 + 8], "frame 2 on plane " + plane);
			assertEquals(1, m[9 * 10], "no position: every plane");
		}
		Roi outside = new Roi(0, 0, 1, 1);
		outside.setPosition(0, 4, 1);
		UnetException e = assertThrows(UnetException.class, () -> RoiConversion.toMasks(List.of(outside), hyper));
		assertTrue(e.getMessage().contains("has only 3 slice(s) and 2 frame(s)"), e.getMessage());
	}

	@Test
	void aFrameStackTakesSlicePositionsAsFrames() {
		ImagePlus frames = IJ.createImage("frames", "8-bit black", 4, 4, 1, 1, 3);
		Roi roi = new Roi(0, 0, 1, 1);
		roi.setPosition(2);
		byte[][] masks = RoiConversion.toMasks(List.of(roi), frames);
		assertArrayEquals(new byte[] { 0, 1, 0 }, new byte[] { masks[0][0], masks[1][0], masks[2][0] });
	}
}
