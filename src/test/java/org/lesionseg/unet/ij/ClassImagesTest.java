package org.lesionseg.unet.ij;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.Color;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.lesionseg.unet.core.predict.ClassMaps;
import org.lesionseg.unet.core.predict.ClassObjects;

import ij.ImagePlus;
import ij.gui.Roi;
import ij.process.LUT;

/** The images and ROIs a multi-class segmentation shows in ImageJ, from hand-made maps. */
class ClassImagesTest {

	/** A 4×2 image: pixels 0-1 class 1, pixel 2 background, pixels 4-5 class 2, pixels 3, 6, 7 background. */
	private static float[][] maps() {
		float[] fg = { .9f, .8f, .1f, .2f, .7f, .9f, .1f, .1f };
		float[] c1 = { .8f, .6f, .05f, .1f, .1f, .2f, .05f, .05f };
		float[] c2 = { .1f, .2f, .05f, .1f, .6f, .7f, .05f, .05f };
		return new float[][] { fg, c1, c2 };
	}

	@Test
	void labelsFollowTheMostProbableClassInsideTheForeground() {
		byte[] mask = { 1, 1, 0, 0, 1, 1, 0, 0 };
		assertEquals(List.of((byte) 1, (byte) 1, (byte) 0, (byte) 0, (byte) 2, (byte) 2, (byte) 0, (byte) 0), toList(ClassMaps.labels(maps(), mask)));
	}

	@Test
	void theLabelImageKeepsItsValuesAndShowsTheClassColours() {
		byte[] labels = { 1, 1, 0, 0, 2, 2, 0, 0 };
		ImagePlus imp = ClassImages.labelImage("t-labels", List.of(labels), 4, 2, null, List.of("#ff0000", "#00ff00"));
		assertEquals(2, imp.getProcessor().get(0, 1));
		LUT lut = imp.getProcessor().getLut();
		assertEquals(0xff0000, lut.getRGB(1) & 0xffffff);
		assertEquals(0x00ff00, lut.getRGB(2) & 0xffffff);
		assertEquals(0, lut.getRGB(0) & 0xffffff);
		ImagePlus p = ClassImages.classProbabilities("t-p", List.of(maps(), maps(), maps()), 4, 2, null, List.of("a", "b"));
		assertEquals(2, p.getNChannels());
		assertEquals(3, p.getNSlices());
		assertEquals("b", p.getStack().getSliceLabel(2));
		assertEquals(0.6f, p.getStack().getProcessor(2).getf(0, 1), 1e-6);
	}

	@Test
	void roisAreNamedColouredAndGroupedByClass() {
		byte[] labels = { 1, 1, 0, 0, 2, 2, 0, 0 };
		List<Roi> rois = ClassRois.toRois(ClassObjects.of(labels, maps(), 4, 2), List.of("epidural", "subdural"), null, 0, "t");
		assertEquals(2, rois.size());
		assertEquals("epidural: obj01", rois.get(0).getName());
		assertEquals("subdural: obj01", rois.get(1).getName());
		assertEquals(1, rois.get(0).getGroup());
		assertEquals(2, rois.get(1).getGroup());
		assertEquals(new Color(0x3cb44b), rois.get(1).getStrokeColor());
		assertEquals("subdural", rois.get(1).getProperty(ClassRois.PROPERTY_CLASS));
	}

	@Test
	void roiGroupsPaintLabelImagesForTraining() {
		Roi one = new Roi(0, 0, 2, 1), two = new Roi(2, 1, 2, 1), plain = new Roi(0, 1, 1, 1);
		one.setGroup(1);
		two.setGroup(2);
		ImagePlus image = new ImagePlus("t", new ij.process.ByteProcessor(4, 2));
		assertEquals(List.of((byte) 1, (byte) 1, (byte) 0, (byte) 0, (byte) 1, (byte) 0, (byte) 2, (byte) 2),
			toList(RoiConversion.toLabelMasks(List.of(one, two, plain), image)[0]));
		assertEquals(List.of((byte) 1, (byte) 1, (byte) 0, (byte) 0, (byte) 1, (byte) 0, (byte) 1, (byte) 1),
			toList(RoiConversion.toMasks(List.of(one, two, plain), image)[0]), "binary masks stay 0/1");
	}

	private static List<Byte> toList(byte[] b) {
		Byte[] boxed = new Byte[b.length];
		for (int i = 0; i < b.length; i++)
			boxed[i] = b[i];
		return List.of(boxed);
	}
}
