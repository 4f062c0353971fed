package org.lesionseg.unet.core.predict;

/**
 * One number per slice for ranking slices by how unsure the model is of its segmentation: the mean of the uncertainty
 * map (a standard deviation: of test-time augmentation's predictions or a diffusion model's samples) over the region
 * where a reviewer would look.
 * <p>
 * The region is every pixel within {@value #RADIUS} pixels (Chebyshev distance: a 7 × 7 square around each mask
 * pixel) of a predicted object, plus every pixel whose probability is at least {@value #CANDIDATE_PROBABILITY}
 * (lesions the threshold missed). The score is the mean uncertainty over the region, 0 when the region is empty (no
 * object and no pixel near one): the model then says there is nothing to review.
 */
public final class UncertaintyScore {

	/** How far around the objects the region reaches, in pixels. */
	public static final int RADIUS = 3;
	/** Pixels at least this probable belong to the region even outside an object. */
	public static final double CANDIDATE_PROBABILITY = 0.25;

	private final double score;
	private final int regionPixels;

	private UncertaintyScore(double score, int regionPixels) {
		this.score = score;
		this.regionPixels = regionPixels;
	}

	/** The mean uncertainty over the region; 0 for an empty region. */
	public double score() {
		return score;
	}

	/** How many pixels the region has. */
	public int regionPixels() {
		return regionPixels;
	}

	/**
	 * @param probability the probability map (H × W, row-major)
	 * @param uncertainty the uncertainty map, same size
	 * @param mask        the predicted objects (non-zero = object), same size
	 */
	public static UncertaintyScore of(float[] probability, float[] uncertainty, byte[] mask, int width, int height) {
		int n = width * height;
		if (probability.length != n || uncertainty.length != n || mask.length != n)
			throw new IllegalArgumentException("maps of " + probability.length + ", " + uncertainty.length + " and " + mask.length + " pixels for a "
				+ width + "x" + height + " image");
		boolean[] region = dilate(mask, width, height, RADIUS);
		double sum = 0;
		int count = 0;
		for (int i = 0; i < n; i++)
			if (region[i] || probability[i] >= CANDIDATE_PROBABILITY) {
				sum += uncertainty[i];
				count++;
			}
		return new UncertaintyScore(count == 0 ? 0 : sum / count, count);
	}

	/** The mask grown by {@code r} pixels in x and y (a square neighbourhood), as a max filter along rows then columns. */
	static boolean[] dilate(byte[] mask, int width, int height, int r) {
		boolean[] rows = new boolean[mask.length];
		for (int y = 0; y < height; y++) {
			int last = Integer.MIN_VALUE / 2; // x of the last object pixel seen from the left
			for (int x = 0; x < width; x++) {
				if (mask[y * width + x] != 0)
					last = x;
				rows[y * width + x] = x - last <= r;
			}
			last = Integer.MAX_VALUE / 2;
			for (int x = width - 1; x >= 0; x--) {
				if (mask[y * width + x] != 0)
					last = x;
				rows[y * width + x] |= last - x <= r;
			}
		}
		boolean[] grown = new boolean[mask.length];
		for (int x = 0; x < width; x++) {
			int last = Integer.MIN_VALUE / 2;
			for (int y = 0; y < height; y++) {
				if (rows[y * width + x])
					last = y;
				grown[y * width + x] = y - last <= r;
			}
			last = Integer.MAX_VALUE / 2;
			for (int y = height - 1; y >= 0; y--) {
				if (rows[y * width + x])
					last = y;
				grown[y * width + x] |= last - y <= r;
			}
		}
		return grown;
	}

	/**
	 * The score a review ranks slices by: {@link #of} with the network's uncertainty map, or, for a network without one,
	 * the binary entropy of its probability (in bits: 0 for 0 or 1, 1 for 0.5).
	 */
	public static double forRanking(float[] probability, float[] uncertainty, byte[] mask, int width, int height) {
		return of(probability, uncertainty != null ? uncertainty : binaryEntropy(probability), mask, width, height).score();
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
}
