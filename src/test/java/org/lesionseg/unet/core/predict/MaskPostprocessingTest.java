package org.lesionseg.unet.core.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.lesionseg.unet.core.UnetException;

class MaskPostprocessingTest {

	private static final String[] TWO_BLOBS = {
			"..........",
			".###......",
			".###...##.",
			".......##.",
			"........#.",
			".........." };

	@Test
	void labelsTwoBlobsWithAreasCentroidsAndBoxes() {
		LabelImage labels = MaskPostprocessing.label(Masks.parse(TWO_BLOBS), 10, 6);
		assertEquals(2, labels.count());
		List<SegmentedObject> objects = MaskPostprocessing.objects(labels, null);
		assertEquals(2, objects.size());
		SegmentedObject a = objects.get(0);
		assertEquals(1, a.label());
		assertEquals(6, a.area());
		// pixels x = 1..3, y = 1..2: mean x = 2, mean y = 1.5, plus half a pixel (ImageJ convention)
		assertEquals(2.5, a.centroidX(), 1e-12);
		assertEquals(2.0, a.centroidY(), 1e-12);
		assertEquals(1, a.boundsX());
		assertEquals(1, a.boundsY());
		assertEquals(3, a.boundsWidth());
		assertEquals(2, a.boundsHeight());
		assertTrue(Double.isNaN(a.meanProbability()));
		SegmentedObject b = objects.get(1);
		assertEquals(5, b.area());
		// pixels (7,2) (8,2) (7,3) (8,3) (8,4): sum x = 38, sum y = 14
		assertEquals(38.0 / 5 + 0.5, b.centroidX(), 1e-12);
		assertEquals(14.0 / 5 + 0.5, b.centroidY(), 1e-12);
		assertEquals(7, b.boundsX());
		assertEquals(2, b.boundsY());
		assertEquals(2, b.boundsWidth());
		assertEquals(3, b.boundsHeight());
		assertEquals(2, labels.get(8, 4));
		assertEquals(0, labels.get(0, 0));
	}

	@Test
	void diagonalLineIsOneObject() {
		byte[] mask = Masks.parse(
				"#....",
				".#...",
				"..#..",
				"...#.",
				"....#");
		LabelImage labels = MaskPostprocessing.label(mask, 5, 5);
		assertEquals(1, labels.count());
		assertEquals(5, MaskPostprocessing.objects(labels, null).get(0).area());
	}

	@Test
	void ringHasOneObjectAndItsHoleIsFilled() {
		byte[] ring = Masks.parse(
				".......",
				".#####.",
				".#...#.",
				".#...#.",
				".#...#.",
				".#####.",
				".......");
		LabelImage labels = MaskPostprocessing.label(ring, 7, 7);
		assertEquals(1, labels.count());
		assertEquals(16, MaskPostprocessing.objects(labels, null).get(0).area());
		byte[] filled = MaskPostprocessing.fillHoles(ring, 7, 7);
		assertArrayEquals(Masks.parse(
				".......",
				".#####.",
				".#####.",
				".#####.",
				".#####.",
				".#####.",
				"......."), filled);
		assertEquals(16, sum(ring), "the input must not change");
	}

	@Test
	void holeClosedOnlyAtCornersIsFilledBecauseObjectsAre8Connected() {
		byte[] diamond = Masks.parse(
				".....",
				"..#..",
				".#.#.",
				"..#..",
				".....");
		assertEquals(1, MaskPostprocessing.label(diamond, 5, 5).count());
		assertEquals(5, sum(MaskPostprocessing.fillHoles(diamond, 5, 5)));
	}

	@Test
	void backgroundTouchingTheBorderIsNotAHole() {
		byte[] mask = Masks.parse(
				"###...",
				"#.#...",
				"###.##",
				"....#.",
				"....##");
		// (1,1) is enclosed: filled. (5,3) is enclosed on three sides but touches the border: kept.
		assertArrayEquals(Masks.parse(
				"###...",
				"###...",
				"###.##",
				"....#.",
				"....##"), MaskPostprocessing.fillHoles(mask, 6, 5));
	}

	@Test
	void objectsTouchingTheBorderAreLabelledAndMeasured() {
		byte[] mask = Masks.parse(
				"##..#",
				"#....",
				".....",
				"....#");
		LabelImage labels = MaskPostprocessing.label(mask, 5, 4);
		assertEquals(3, labels.count());
		List<SegmentedObject> objects = MaskPostprocessing.objects(labels, null);
		assertEquals(3, objects.get(0).area());
		assertEquals(0, objects.get(0).boundsX());
		assertEquals(0, objects.get(0).boundsY());
		assertEquals(1, objects.get(1).area());
		assertEquals(4, objects.get(1).boundsX());
		assertEquals(3, objects.get(2).boundsY());
		assertEquals(4.5, objects.get(2).centroidX(), 1e-12);
		assertEquals(3.5, objects.get(2).centroidY(), 1e-12);
	}

	@Test
	void removeSmallDropsOnlyObjectsBelowTheMinimum() {
		byte[] mask = Masks.parse(
				"#.....",
				"...##.",
				"...##.",
				"......",
				"##....");
		assertArrayEquals(mask, MaskPostprocessing.removeSmall(mask, 6, 5, 1));
		assertArrayEquals(Masks.parse(
				"......",
				"...##.",
				"...##.",
				"......",
				"##...."), MaskPostprocessing.removeSmall(mask, 6, 5, 2));
		assertArrayEquals(Masks.parse(
				"......",
				"...##.",
				"...##.",
				"......",
				"......"), MaskPostprocessing.removeSmall(mask, 6, 5, 4));
		assertEquals(0, sum(MaskPostprocessing.removeSmall(mask, 6, 5, 5)));
	}

	@Test
	void onePixelObjectHasItsOwnMeasurements() {
		byte[] mask = new byte[4 * 3];
		mask[1 * 4 + 2] = 1;
		float[] prob = new float[12];
		prob[6] = 0.75f;
		List<SegmentedObject> objects = MaskPostprocessing.objects(MaskPostprocessing.label(mask, 4, 3), prob);
		assertEquals(1, objects.size());
		SegmentedObject o = objects.get(0);
		assertEquals(1, o.area());
		assertEquals(2.5, o.centroidX(), 0);
		assertEquals(1.5, o.centroidY(), 0);
		assertEquals(1, o.boundsWidth());
		assertEquals(1, o.boundsHeight());
		assertEquals(0.75, o.meanProbability(), 1e-7);
		assertEquals(0.75, o.maxProbability(), 1e-7);
	}

	@Test
	void processThresholdsStrictlyAndMeasuresProbabilities() {
		// 4x3 probability map: a 3-pixel object on the left, a 1-pixel object on the right,
		// and one pixel exactly at the threshold that must stay background.
		float[] prob = {
				0.9f, 0.6f, 0.1f, 0.5f,
				0.7f, 0.2f, 0.0f, 0.3f,
				0.1f, 0.2f, 0.3f, 0.55f };
		MaskPostprocessing.Result r = MaskPostprocessing.process(prob, 4, 3, new MaskPostprocessing.Options());
		assertArrayEquals(new byte[] { 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1 }, r.mask());
		assertEquals(2, r.objects().size());
		assertEquals((0.9 + 0.6 + 0.7) / 3, r.objects().get(0).meanProbability(), 1e-6);
		assertEquals(0.9, r.objects().get(0).maxProbability(), 1e-6);
		assertEquals(0.55, r.objects().get(1).meanProbability(), 1e-6);

		MaskPostprocessing.Result bigOnly = MaskPostprocessing.process(prob, 4, 3, new MaskPostprocessing.Options().minSize(2));
		assertArrayEquals(new byte[] { 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0 }, bigOnly.mask());
		assertEquals(1, bigOnly.labels().count());
		assertEquals(1, bigOnly.objects().get(0).label());
		assertEquals(3, bigOnly.objects().get(0).area());
	}

	@Test
	void processFillsHolesBeforeRemovingSmallObjects() {
		byte[] ring = Masks.parse(
				"......",
				".###..",
				".#.#..",
				".###..",
				".....#");
		float[] prob = new float[ring.length];
		for (int i = 0; i < ring.length; i++)
			prob[i] = ring[i] * 0.8f;
		MaskPostprocessing.Result r = MaskPostprocessing.process(prob, 6, 5,
				new MaskPostprocessing.Options().threshold(0.4f).fillHoles(true).minSize(2));
		assertEquals(1, r.objects().size());
		assertEquals(9, r.objects().get(0).area());
		// the filled hole had probability 0: the mean counts it
		assertEquals(0.8 * 8 / 9, r.objects().get(0).meanProbability(), 1e-6);
	}

	@Test
	void labelsAgreeWithAnIndependentUnionFindOnRandomMasks() {
		Random random = new Random(42);
		for (int trial = 0; trial < 20; trial++) {
			int w = 1 + random.nextInt(40), h = 1 + random.nextInt(40);
			byte[] mask = new byte[w * h];
			for (int i = 0; i < mask.length; i++)
				mask[i] = (byte) (random.nextDouble() < 0.45 ? 1 : 0);
			LabelImage labels = MaskPostprocessing.label(mask, w, h);
			int[] roots = unionFindRoots(mask, w, h);
			assertEquals(countDistinctRoots(roots), labels.count());
			// same partition: two foreground pixels share a label exactly when they share a root
			for (int i = 0; i < mask.length; i++) {
				assertEquals(mask[i] != 0, labels.labels()[i] != 0);
				for (int j = i + 1; j < mask.length; j += 7)
					if (mask[i] != 0 && mask[j] != 0)
						assertEquals(roots[i] == roots[j], labels.labels()[i] == labels.labels()[j]);
			}
		}
	}

	@Test
	void fullForeground4096SquaredNeedsNoRecursion() {
		int n = 4096;
		byte[] mask = new byte[n * n];
		Arrays.fill(mask, (byte) 1);
		LabelImage labels = MaskPostprocessing.label(mask, n, n);
		assertEquals(1, labels.count());
		List<SegmentedObject> objects = MaskPostprocessing.objects(labels, null);
		assertEquals((long) n * n, objects.get(0).area());
		assertEquals(n / 2.0, objects.get(0).centroidX(), 1e-9);
		assertEquals(n * n, sum(MaskPostprocessing.fillHoles(mask, n, n)));
	}

	@Test
	void badOptionsGiveClearMessages() {
		UnetException e = assertThrows(UnetException.class, () -> new MaskPostprocessing.Options().threshold(1.5f));
		assertTrue(e.getMessage().contains("1.5"), e.getMessage());
		assertThrows(UnetException.class, () -> new MaskPostprocessing.Options().threshold(Float.NaN));
		assertThrows(UnetException.class, () -> new MaskPostprocessing.Options().minSize(-1));
		assertThrows(IllegalArgumentException.class, () -> MaskPostprocessing.label(new byte[5], 2, 2));
	}

	private static int sum(byte[] mask) {
		int s = 0;
		for (byte b : mask)
			s += b;
		return s;
	}

	private static int[] unionFindRoots(byte[] mask, int w, int h) {
		int[] parent = new int[mask.length];
		for (int i = 0; i < parent.length; i++)
			parent[i] = i;
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				int i = y * w + x;
				if (mask[i] == 0)
					continue;
				int[][] offsets = { { -1, 0 }, { -1, -1 }, { 0, -1 }, { 1, -1 } };
				for (int[] d : offsets) {
					int nx = x + d[0], ny = y + d[1];
					if (nx >= 0 && nx < w && ny >= 0 && mask[ny * w + nx] != 0)
						parent[find(parent, i)] = find(parent, ny * w + nx);
				}
			}
		int[] roots = new int[mask.length];
		for (int i = 0; i < mask.length; i++)
			roots[i] = mask[i] == 0 ? -1 : find(parent, i);
		return roots;
	}

	private static int find(int[] parent, int i) {
		while (parent[i] != i)
			i = parent[i] = parent[parent[i]];
		return i;
	}

	private static int countDistinctRoots(int[] roots) {
		return (int) Arrays.stream(roots).filter(r -> r >= 0).distinct().count();
	}
}
