package org.lesionseg.unet.core.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.lesionseg.unet.core.data.Sample;

/** Label images of several classes through augmentation: values are moved, never blended into new ones. */
class AugmenterLabelsTest {

	/** Vertical bands of labels 0..5, each a few pixels wide, so that any interpolation would make in-between values. */
	private static Sample bands() {
		int w = 48, h = 40;
		byte[] labels = new byte[w * h];
		float[] image = new float[w * h];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				labels[y * w + x] = (byte) ((x / 8) % 6);
				image[y * w + x] = x / (float) w;
			}
		return Sample.of("bands", image, w, h, 1, labels);
	}

	private static TreeSet<Integer> values(byte[] labels) {
		TreeSet<Integer> set = new TreeSet<>();
		for (byte b : labels)
			set.add(b & 0xff);
		return set;
	}

	private static int[] histogram(byte[] labels) {
		int[] h = new int[256];
		for (byte b : labels)
			h[b & 0xff]++;
		return h;
	}

	@Test
	void geometricAugmentationKeepsTheLabelValues() {
		Sample s = bands();
		Augmenter every = new Augmenter(AugmentSettings.parse("flip,vflip,rot90,rotate=35,scale=0.2,elastic=30:5,brightness=0.2,noise=0.02"));
		Random random = new Random(3);
		TreeSet<Integer> all = new TreeSet<>();
		for (int i = 0; i < 40; i++) {
			TreeSet<Integer> seen = values(every.apply(s, random).maskData());
			assertTrue(values(s.maskData()).containsAll(seen), "draw " + i + " made label values " + seen);
			all.addAll(seen);
		}
		assertTrue(all.size() >= 5, "the classes survive the transforms: " + all);
	}

	@Test
	void flipsAndQuarterTurnsOnlyMovePixels() {
		Sample s = bands();
		Augmenter exact = new Augmenter(AugmentSettings.parse("flip,vflip,rot90"));
		Random random = new Random(5);
		for (int i = 0; i < 10; i++)
			assertArrayEquals(histogram(s.maskData()), histogram(exact.apply(s, random).maskData()), "draw " + i);
	}
}
