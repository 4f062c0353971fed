package org.lesionseg.unet.core.predict;

/**
 * One number per slice for ranking a review, most uncertain first: the mean of an uncertainty map inside the predicted
 * objects and within {@link #MARGIN} pixels around them (where a corrector would redraw an outline). The map is the
 * network's own when it gives one (a diffusion model's spread, test-time augmentation), otherwise the binary entropy
 * of the probability. A slice without objects scores the mean over the whole slice, which is low unless the network
 * hesitated somewhere (a missed lesion).
 */
public final class UncertaintyScore {

	/** Pixels around each object that count: the outline is where predictions are least sure. */
	public static final int MARGIN = 3;

	private UncertaintyScore() {
	}

	/** Per-pixel binary entropy of a probability map, in bits (0 for 0 or 1, 1 for 0.5). */
	public static float[] binaryEntropy(float[] probability) {
		float[] h = new float[probability.length];
		for (int i = 0; i < h.length; i++) {
			double p = Math.min(1, Math.max(0, probability[i]));
			h[i] = (float) (-(xLog2x(p) + xLog2x(1 - p)));
		}
		return h;
	}

	private static double xLog2x(double x) {
		return x <= 0 ? 0 : x * Math.log(x) / Math.log(2);
	}

	/**
	 * The slice's score.
	 *
	 * @param probability the probability map (H × W)
	 * @param uncertainty the network's uncertainty map, or null to use the entropy of {@code probability}
	 * @param mask        the predicted objects (non-zero = object)
	 */
	public static double of(float[] probability, float[] uncertainty, byte[] mask, int width, int height) {
		return meanAround(uncertainty != null ? uncertainty : binaryEntropy(probability), mask, width, height, MARGIN);
	}

	/** Mean of {@code map} over the mask grown by {@code margin} pixels (a square neighbourhood); the whole map when the mask is empty. */
	public static double meanAround(float[] map, byte[] mask, int width, int height, int margin) {
		if (map.length != width * height || mask.length != map.length)
			throw new IllegalArgumentException("map and mask must be " + width + "x" + height);
		boolean[] grown = grow(mask, width, height, margin);
		double sum = 0, all = 0;
		int n = 0;
		for (int i = 0; i < map.length; i++) {
			all += map[i];
			if (grown[i]) {
				sum += map[i];
				n++;
			}
		}
		return n > 0 ? sum / n : map.length == 0 ? 0 : all / map.length;
	}

	/** The mask dilated by a (2·margin+1)² square, done as a row pass then a column pass. */
	private static boolean[] grow(byte[] mask, int width, int height, int margin) {
		boolean[] rows = new boolean[mask.length];
		for (int y = 0; y < height; y++)
			for (int x = 0; x < width; x++)
				if (mask[y * width + x] != 0)
					for (int d = Math.max(0, x - margin); d <= Math.min(width - 1, x + margin); d++)
						rows[y * width + d] = true;
		boolean[] grown = new boolean[mask.length];
		for (int y = 0; y < height; y++)
			for (int x = 0; x < width; x++)
				if (rows[y * width + x])
					for (int d = Math.max(0, y - margin); d <= Math.min(height - 1, y + margin); d++)
						grown[d * width + x] = true;
		return grown;
	}
}
