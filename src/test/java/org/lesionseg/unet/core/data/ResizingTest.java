package org.lesionseg.unet.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

class ResizingTest {

	@Test
	void bilinearUpscaleLikeCv2() {
		// cv2.resize([[0, 4]], (4, 1)): source x = (i + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75, 1.25 (clamped)
		assertArrayEquals(new float[] { 0, 1, 3, 4 }, Resizing.resizeImage(new float[] { 0, 4 }, 2, 1, 1, 4, 1), 1e-6f);
		// 2-D: rows [0,1,3,4] and [8,9,11,12] mixed with weights 1, 0.75/0.25, 0.25/0.75, 1
		float[] out = Resizing.resizeImage(new float[] { 0, 4, 8, 12 }, 2, 2, 1, 4, 4);
		assertArrayEquals(new float[] { 0, 1, 3, 4, 2, 3, 5, 6, 6, 7, 9, 10, 8, 9, 11, 12 }, out, 1e-6f);
	}

	@Test
	void bilinearDownscaleAveragesPairs() {
		// source x = (i + 0.5) * 2 - 0.5 = 0.5, 2.5: the mean of pixel pairs
		assertArrayEquals(new float[] { 1, 5 }, Resizing.resizeImage(new float[] { 0, 2, 4, 6 }, 4, 1, 1, 2, 1), 1e-6f);
		// 3 -> 2: source x = 0.25, 1.75 -> 0.75*a + 0.25*b, 0.25*b + 0.75*c
		assertArrayEquals(new float[] { 1, 7 }, Resizing.resizeImage(new float[] { 0, 4, 8 }, 3, 1, 1, 2, 1), 1e-6f);
	}

	@Test
	void channelsResizedSeparately() {
		float[] out = Resizing.resizeImage(new float[] { 0, 4, 10, 10 }, 2, 1, 2, 4, 1);
		assertArrayEquals(new float[] { 0, 1, 3, 4, 10, 10, 10, 10 }, out, 1e-6f);
	}

	@Test
	void nearestMaskOnPixelCentres() {
		// 4 -> 2: source floor((i + 0.5) * 2) = 1, 3
		assertArrayEquals(new byte[] { 1, 1 }, Resizing.resizeMask(new byte[] { 0, 1, 0, 1 }, 4, 1, 2, 1));
		// 2 -> 4: source floor((i + 0.5) / 2) = 0, 0, 1, 1
		assertArrayEquals(new byte[] { 0, 0, 1, 1, 0, 0, 1, 1 }, Resizing.resizeMask(new byte[] { 0, 1 }, 2, 1, 4, 2));
	}

	@Test
	void resizeSample() {
		Sample sample = Sample.of("s", new float[] { 0, 4 }, 2, 1, 1, new byte[] { 0, 1 });
		Sample resized = Resizing.resize(sample, 4, 1);
		assertEquals("s", resized.name());
		assertArrayEquals(new float[] { 0, 1, 3, 4 }, resized.imageData(), 1e-6f);
		assertArrayEquals(new byte[] { 0, 0, 1, 1 }, resized.maskData());
		assertSame(sample, Resizing.resize(sample, 2, 1));
	}

	@Test
	void padCentresAndCropCuts() {
		Sample sample = Sample.of("s", new float[] { 1, 2, 3, 4 }, 2, 2, 1, new byte[] { 1, 0, 0, 1 });
		Sample padded = Resizing.padTo(sample, 4, 3); // offsets (1, 0)
		assertEquals(4, padded.width());
		assertEquals(3, padded.height());
		assertArrayEquals(new float[] { 0, 1, 2, 0, 0, 3, 4, 0, 0, 0, 0, 0 }, padded.imageData());
		assertArrayEquals(new byte[] { 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0 }, padded.maskData());
		Sample cropped = Resizing.crop(padded, 1, 0, 2, 2);
		assertArrayEquals(sample.imageData(), cropped.imageData());
		assertArrayEquals(sample.maskData(), cropped.maskData());
	}

	@Test
	void randomCropIsInsideAndReproducible() {
		float[] pixels = new float[10 * 8];
		for (int i = 0; i < pixels.length; i++)
			pixels[i] = i;
		Sample sample = Sample.of("s", pixels, 10, 8, 1, new byte[80]);
		Sample a = Resizing.randomCrop(sample, 4, new Random(3));
		Sample b = Resizing.randomCrop(sample, 4, new Random(3));
		assertArrayEquals(a.imageData(), b.imageData());
		// a crop of consecutive pixel indices: its top-left value gives its position
		int x = (int) a.imageData()[0] % 10, y = (int) a.imageData()[0] / 10;
		assertTrue(x <= 6 && y <= 4);
		for (int r = 0; r < 4; r++)
			for (int c = 0; c < 4; c++)
				assertEquals((y + r) * 10 + x + c, a.imageData()[r * 4 + c], 0f);
		// smaller than the patch: padded
		Sample small = Resizing.randomCrop(Sample.of("t", new float[] { 5 }, 1, 1, 1, null), 3, new Random(1));
		assertArrayEquals(new float[] { 0, 0, 0, 0, 5, 0, 0, 0, 0 }, small.imageData());
	}

	@Test
	void foregroundCropContainsLesion() {
		byte[] mask = new byte[64 * 64];
		mask[50 * 64 + 60] = 1; // one lesion pixel near the corner
		Sample sample = Sample.of("s", new float[64 * 64], 64, 64, 1, mask);
		Random random = new Random(11);
		for (int i = 0; i < 20; i++) {
			Sample crop = Resizing.randomCrop(sample, 16, random, 1.0);
			int sum = 0;
			for (byte b : crop.maskData())
				sum += b;
			assertEquals(1, sum);
		}
	}
}
