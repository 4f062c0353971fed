package org.lesionseg.unet.core.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Small synthetic segmentation tasks for tests: a bright square (the lesion) on a noisy background. */
public final class SyntheticSamples {

	private SyntheticSamples() {
	}

	/** {@code count} images of size × size with one square of side size/4 to size/2 at a random place. */
	public static List<Sample> squares(int count, int size, long seed) {
		Random random = new Random(seed);
		List<Sample> samples = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			float[] image = new float[size * size];
			byte[] mask = new byte[size * size];
			int side = size / 4 + random.nextInt(size / 4);
			int x0 = random.nextInt(size - side), y0 = random.nextInt(size - side);
			for (int y = 0; y < size; y++)
				for (int x = 0; x < size; x++) {
					boolean inside = x >= x0 && x < x0 + side && y >= y0 && y < y0 + side;
					image[y * size + x] = (inside ? 0.7f : 0.2f) + (float) random.nextGaussian() * 0.05f;
					mask[y * size + x] = (byte) (inside ? 1 : 0);
				}
			samples.add(Sample.of(String.format("square%03d", i), image, size, size, 1, mask));
		}
		return samples;
	}
}
