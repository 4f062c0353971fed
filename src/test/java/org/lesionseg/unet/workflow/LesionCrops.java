package org.lesionseg.unet.workflow;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.lesionseg.unet.core.data.Sample;

/**
 * Real slices cut down to a size a CPU test can afford: a square crop of each slice at full resolution that holds
 * the lesion's centre of mass, placed at a random offset (seeded) so that the lesion is not always in the middle. The
 * network still has to tell haemorrhage from bone, ventricles and brain in real CT; it just sees less of the head.
 */
final class LesionCrops {

	private LesionCrops() {
	}

	static LabelledImages of(LabelledImages slices, int size, long seed) {
		Random random = new Random(seed);
		List<Sample> crops = new ArrayList<>();
		for (Sample s : slices.samples) {
			int w = s.width(), h = s.height(), c = s.channels();
			byte[] mask = s.maskData();
			long sx = 0, sy = 0, n = 0;
			for (int y = 0; y < h; y++)
				for (int x = 0; x < w; x++)
					if (mask[y * w + x] != 0) {
						sx += x;
						sy += y;
						n++;
					}
			int cx = n == 0 ? w / 2 : (int) (sx / n), cy = n == 0 ? h / 2 : (int) (sy / n);
			// the centre of mass anywhere in the middle half of the crop
			int x0 = clamp(cx - size / 4 - random.nextInt(size / 2), w - size), y0 = clamp(cy - size / 4 - random.nextInt(size / 2), h - size);
			float[] image = s.imageData(), crop = new float[c * size * size];
			byte[] cropMask = new byte[size * size];
			for (int ch = 0; ch < c; ch++)
				for (int y = 0; y < size; y++)
					System.arraycopy(image, ch * w * h + (y0 + y) * w + x0, crop, ch * size * size + y * size, size);
			for (int y = 0; y < size; y++)
				System.arraycopy(mask, (y0 + y) * w + x0, cropMask, y * size, size);
			crops.add(Sample.of(s.name(), crop, size, size, c, cropMask));
		}
		return new LabelledImages(crops, slices.bitDepth, false, new ArrayList<>());
	}

	private static int clamp(int v, int max) {
		return Math.max(0, Math.min(max, v));
	}
}
