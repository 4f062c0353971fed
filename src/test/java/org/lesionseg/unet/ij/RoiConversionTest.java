package org.lesionseg.unet.ij;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.predict.LabelImage;
import org.lesionseg.unet.core.predict.MaskPostprocessing;
import org.lesionseg.unet.core.predict.Masks;
import org.lesionseg.unet.core.predict.SegmentedObject;

import ij.ImagePlus;
import ij.gui.Line;
import ij.gui.Roi;
import ij.gui.ShapeRoi;
import ij.measure.Measurements;
import ij.process.ByteProcessor;
import ij.process.ImageStatistics;

class RoiConversionTest {

	/** Two blobs, a ring with a hole, a diagonal line, a single pixel and objects on every border. */
	private static final String[] SHAPES = {
			"##..........#..#",
			"#..######.......",
			"...#....#..#....",
			"...#.##.#...#...",
			"...#.##.#....#..",
			"...#....#.....#.",
			"...######.......",
			"...............#",
			".###......#.....",
			".###.........###",
			"#.............##" };

	@Test
	void roundTripGivesBackExactlyTheObjectPixels() {
		byte[] mask = Masks.parse(SHAPES);
		int w = SHAPES[0].length(), h = SHAPES.length;
		assertRoundTrip(mask, w, h);
	}

	@Test
	void roundTripOfEachObjectAlone() {
		byte[] mask = Masks.parse(SHAPES);
		int w = SHAPES[0].length(), h = SHAPES.length;
		LabelImage labels = MaskPostprocessing.label(mask, w, h);
		List<SegmentedObject> objects = MaskPostprocessing.objects(labels, null);
		List<Roi> rois = RoiConversion.toRois(labels, objects, 0, null);
		for (int i = 0; i < objects.size(); i++) {
			byte[] expected = new byte[w * h];
			for (int p = 0; p < expected.length; p++)
				if (labels.labels()[p] == objects.get(i).label())
					expected[p] = 1;
			byte[] actual = RoiConversion.toMask(Arrays.asList(rois.get(i)), w, h);
			assertEquals(Masks.format(expected, w), Masks.format(actual, w), "object " + (i + 1) + " (" + rois.get(i) + ")");
		}
	}

	@Test
	void ringIsACompositeRoiAndSimpleObjectsAreTracedPolygons() {
		byte[] mask = Masks.parse(SHAPES);
		int w = SHAPES[0].length(), h = SHAPES.length;
		LabelImage labels = MaskPostprocessing.label(mask, w, h);
		List<Roi> rois = RoiConversion.toRois(labels, MaskPostprocessing.objects(labels, null), 0, null);
		// labels in raster order: 1 = top-left blob, 4 = ring (first pixel at (3,1)), 5 = diagonal line
		assertTrue(rois.get(3) instanceof ShapeRoi, "the ring needs a hole: " + rois.get(3));
		assertEquals(Roi.TRACED_ROI, rois.get(0).getType());
		assertEquals(Roi.TRACED_ROI, rois.get(4).getType());
		assertEquals(new java.awt.Rectangle(11, 2, 4, 4), rois.get(4).getBounds());
		assertTrue(rois.get(3).contains(3, 1));
		assertTrue(!rois.get(3).contains(4, 2), "hole pixel (4,2) must be outside the ring's ROI");
	}

	@Test
	void roundTripOfRandomMasks() {
		Random random = new Random(7);
		for (int trial = 0; trial < 10; trial++) {
			int w = 5 + random.nextInt(30), h = 5 + random.nextInt(30);
			byte[] mask = new byte[w * h];
			for (int i = 0; i < mask.length; i++)
				mask[i] = (byte) (random.nextDouble() < 0.4 ? 1 : 0);
			assertRoundTrip(mask, w, h);
		}
	}

	@Test
	void fullImageObjectRoundTrips() {
		byte[] mask = new byte[6 * 4];
		Arrays.fill(mask, (byte) 1);
		assertRoundTrip(mask, 6, 4);
	}

	@Test
	void objectMeasurementsAgreeWithImageJ() {
		byte[] mask = Masks.parse(SHAPES);
		int w = SHAPES[0].length(), h = SHAPES.length;
		LabelImage labels = MaskPostprocessing.label(mask, w, h);
		List<SegmentedObject> objects = MaskPostprocessing.objects(labels, null);
		List<Roi> rois = RoiConversion.toRois(labels, objects, 0, null);
		ImagePlus imp = new ImagePlus("shapes", new ByteProcessor(w, h));
		for (int i = 0; i < objects.size(); i++) {
			imp.setRoi(rois.get(i));
			ImageStatistics stats = imp.getStatistics(Measurements.AREA | Measurements.CENTROID);
			SegmentedObject o = objects.get(i);
			assertEquals(o.area(), stats.pixelCount, "area of " + o);
			assertEquals(o.centroidX(), stats.xCentroid, 1e-9, "x centroid of " + o);
			assertEquals(o.centroidY(), stats.yCentroid, 1e-9, "y centroid of " + o);
			assertEquals(o.boundsX(), rois.get(i).getBounds().x);
			assertEquals(o.boundsWidth(), rois.get(i).getBounds().width);
		}
	}

	@Test
	void namesPositionsAndPropertiesOnAStackSlice() {
		float[] prob = new float[8 * 3];
		prob[0] = 0.9f;
		prob[1] = 0.7f;
		prob[6] = 0.6f;
		MaskPostprocessing.Result r = MaskPostprocessing.process(prob, 8, 3, new MaskPostprocessing.Options());
		List<Roi> rois = RoiConversion.toRois(r.labels(), r.objects(), 3, "case9.tif");
		assertEquals(2, rois.size());
		assertEquals("slice003-obj01", rois.get(0).getName());
		assertEquals("slice003-obj02", rois.get(1).getName());
		assertEquals(3, rois.get(0).getPosition());
		assertEquals("2", rois.get(0).getProperty(RoiConversion.PROPERTY_AREA));
		assertEquals("0.8000", rois.get(0).getProperty(RoiConversion.PROPERTY_MEAN_PROBABILITY));
		assertEquals("0.9000", rois.get(0).getProperty(RoiConversion.PROPERTY_MAX_PROBABILITY));
		assertEquals("case9.tif", rois.get(1).getProperty(RoiConversion.PROPERTY_IMAGE));
		assertEquals("1", rois.get(1).getProperty(RoiConversion.PROPERTY_AREA));

		List<Roi> single = RoiConversion.toRois(r.labels(), r.objects(), 0, null);
		assertEquals("obj01", single.get(0).getName());
		assertEquals(0, single.get(0).getPosition());
		assertNull(single.get(0).getProperty(RoiConversion.PROPERTY_IMAGE));
	}

	@Test
	void objectNumbersWidenBeyondNinetyNine() {
		// 120 single pixels on every other column of every other row
		int w = 30, h = 16;
		byte[] mask = new byte[w * h];
		int n = 0;
		for (int y = 0; y < h && n < 120; y += 2)
			for (int x = 0; x < w && n < 120; x += 2, n++)
				mask[y * w + x] = 1;
		LabelImage labels = MaskPostprocessing.label(mask, w, h);
		List<Roi> rois = RoiConversion.toRois(labels, MaskPostprocessing.objects(labels, null), 12, null);
		assertEquals(120, rois.size());
		assertEquals("slice012-obj001", rois.get(0).getName());
		assertEquals("slice012-obj120", rois.get(119).getName());
	}

	@Test
	void toMasksSendsEachRoiToItsSlice() {
		Roi a = new Roi(1, 1, 2, 2);
		a.setPosition(2);
		Roi everywhere = new Roi(0, 0, 1, 1);
		Roi hyper = new Roi(3, 0, 1, 1);
		hyper.setPosition(1, 3, 1);
		byte[][] masks = RoiConversion.toMasks(Arrays.asList(a, everywhere, hyper), 4, 3, 3);
		assertArrayEquals(Masks.parse("#...", "....", "...."), masks[0]);
		assertArrayEquals(Masks.parse("#...", ".##.", ".##."), masks[1]);
		assertArrayEquals(Masks.parse("#..#", "....", "...."), masks[2]);
		UnetException e = assertThrows(UnetException.class, () -> RoiConversion.toMasks(Arrays.asList(a), 4, 3, 1));
		assertTrue(e.getMessage().contains("slice 2"), e.getMessage());
	}

	@Test
	void toMaskClipsToTheImageAndIgnoresLines() {
		Roi outside = new Roi(-2, -1, 4, 3);
		Roi line = new Line(0, 3, 3, 3);
		byte[] mask = RoiConversion.toMask(Arrays.asList(outside, line), 4, 4);
		assertArrayEquals(Masks.parse("##..", "##..", "....", "...."), mask);
	}

	private static void assertRoundTrip(byte[] mask, int w, int h) {
		LabelImage labels = MaskPostprocessing.label(mask, w, h);
		List<SegmentedObject> objects = MaskPostprocessing.objects(labels, null);
		List<Roi> rois = RoiConversion.toRois(labels, objects, 0, "test");
		assertEquals(labels.count(), rois.size());
		assertEquals(Masks.format(mask, w), Masks.format(RoiConversion.toMask(rois, w, h), w));
	}
}
