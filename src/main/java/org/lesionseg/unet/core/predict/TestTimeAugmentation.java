package org.lesionseg.unet.core.predict;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import org.lesionseg.unet.core.UnetException;

/**
 * Test-time augmentation around any {@link TileNetwork} (the engine's U-Net, onnxruntime, an imported network, a
 * diffusion sampler): every tile is flipped and rotated by the transforms of a {@link Transforms} set, all of them run
 * through the inner network in one batch, and each map is turned back before they are combined.
 * <p>
 * Map 0 is the mean probability over the transforms; map 1 the population standard deviation (divided by the number
 * of predictions, not one less) of the predictions, the same measure as a diffusion model's map 1 over its samples.
 * When the inner network gives a spread itself (a diffusion model: mean and standard deviation over K samples per
 * transform), map 1 is the standard deviation over all T·K samples pooled: the square root of the mean within-transform
 * variance plus the variance of the transform means.
 */
public final class TestTimeAugmentation implements TileNetwork {

	/**
	 * One of the 8 symmetries of a square: optionally transpose (swap x and y), then mirror x and/or y of the result.
	 * The transformed tile J reads the original I as {@code J[y'][x'] = I[source(y', x')]}.
	 */
	public enum Transform {
		IDENTITY(false, false, false), FLIP_X(false, true, false), FLIP_Y(false, false, true), ROTATE_180(false, true, true), TRANSPOSE(true, false,
			false), ROTATE_90(true, true, false), ROTATE_270(true, false, true), ANTI_TRANSPOSE(true, true, true);

		final boolean transpose;
		final boolean flipX;
		final boolean flipY;

		Transform(boolean transpose, boolean flipX, boolean flipY) {
			this.transpose = transpose;
			this.flipX = flipX;
			this.flipY = flipY;
		}

		/** True when the transformed tile is w × h (the axes swap). */
		public boolean swapsAxes() {
			return transpose;
		}

		/**
		 * For each pixel of the transformed tile (row-major, {@code h'·w'} with h', w' the swapped sizes when
		 * {@link #swapsAxes()}), the index of the original pixel (row-major in h × w) it comes from.
		 */
		public int[] sourceIndex(int h, int w) {
			int th = transpose ? w : h, tw = transpose ? h : w;
			int[] source = new int[h * w];
			for (int y = 0; y < th; y++)
				for (int x = 0; x < tw; x++) {
					int yy = flipY ? th - 1 - y : y, xx = flipX ? tw - 1 - x : x;
					source[y * tw + x] = transpose ? xx * w + yy : yy * w + xx;
				}
			return source;
		}

		/** The transformed copy of one h × w plane. */
		public float[] apply(float[] plane, int h, int w) {
			int[] source = sourceIndex(h, w);
			float[] out = new float[plane.length];
			for (int j = 0; j < source.length; j++)
				out[j] = plane[source[j]];
			return out;
		}
	}

	/** The transform sets one can ask for (the option's values). */
	public enum Transforms {
		/** No test-time augmentation. */
		NONE,
		/** The identity, both mirrors and the 180° rotation (4 predictions); the tile keeps its shape. */
		FLIPS(Transform.IDENTITY, Transform.FLIP_X, Transform.FLIP_Y, Transform.ROTATE_180),
		/** Every flip and 90° rotation of the square (8 predictions). */
		DIHEDRAL(Transform.values());

		private final List<Transform> members;

		Transforms(Transform... members) {
			this.members = Collections.unmodifiableList(Arrays.asList(members));
		}

		public List<Transform> members() {
			return members;
		}

		/** The name on the command line and in macros: none, flips, dihedral. */
		public String key() {
			return name().toLowerCase(Locale.ROOT);
		}
	}

	private final TileNetwork inner;
	private final List<Transform> transforms;
	private final int innerMaps;
	/** Source indices per transform for the tile size last seen (every tile of an image has one size). */
	private int[][] sources;
	private int sourcesH = -1;
	private int sourcesW = -1;
	private ByteBuffer staging;

	/**
	 * @param transforms at least one; the identity need not be among them
	 * @throws UnetException when the inner network gives more than a probability and its spread (e.g. several classes)
	 */
	public TestTimeAugmentation(TileNetwork inner, List<Transform> transforms) {
		if (transforms.isEmpty())
			throw new IllegalArgumentException("no transforms");
		if (inner.outputMaps() > 2)
			throw new UnetException("test-time augmentation is for binary models (one probability map); this network gives " + inner.outputMaps()
				+ " maps, as a model of several classes does: set test_time_augmentation to none");
		this.inner = inner;
		this.transforms = new ArrayList<>(transforms);
		this.innerMaps = inner.outputMaps();
	}

	/** The network whose predictions are combined. */
	public TileNetwork inner() {
		return inner;
	}

	/** How many predictions each tile costs. */
	public int predictionsPerTile() {
		return transforms.size();
	}

	@Override
	public int outputMaps() {
		return 2;
	}

	@Override
	public void run(ByteBuffer input, int n, int c, int h, int w, float[] output) {
		float[] tiles = TileNetwork.copyOf(input, n, c, h, w);
		int plane = h * w;
		if (sourcesH != h || sourcesW != w) {
			sources = new int[transforms.size()][];
			for (int k = 0; k < sources.length; k++)
				sources[k] = transforms.get(k).sourceIndex(h, w);
			sourcesH = h;
			sourcesW = w;
		}
		// per tile and transform, the inner maps turned back to the tile's own orientation
		float[][] back = new float[n * transforms.size() * innerMaps][];
		// transforms that keep the shape run in one batch, those that swap the axes (on non-square tiles) in another
		List<Integer> same = new ArrayList<>(), swapped = new ArrayList<>();
		for (int k = 0; k < transforms.size(); k++)
			(transforms.get(k).swapsAxes() && h != w ? swapped : same).add(k);
		runGroup(same, tiles, n, c, h, w, h, w, back);
		runGroup(swapped, tiles, n, c, h, w, w, h, back);
		int t = transforms.size();
		for (int i = 0; i < n; i++) {
			int meanAt = (i * 2) * plane, spreadAt = (i * 2 + 1) * plane;
			for (int p = 0; p < plane; p++) {
				double sum = 0;
				for (int k = 0; k < t; k++)
					sum += back[(i * t + k) * innerMaps][p];
				double mean = sum / t, squares = 0;
				// two passes: identical predictions give exactly zero
				for (int k = 0; k < t; k++) {
					double d = back[(i * t + k) * innerMaps][p] - mean;
					double within = innerMaps > 1 ? back[(i * t + k) * innerMaps + 1][p] : 0;
					squares += d * d + within * within;
				}
				output[meanAt + p] = (float) mean;
				output[spreadAt + p] = (float) Math.sqrt(squares / t);
			}
		}
	}

	/** Runs the transforms {@code group} of every tile as one batch of th × tw tiles and stores their maps turned back. */
	private void runGroup(List<Integer> group, float[] tiles, int n, int c, int h, int w, int th, int tw, float[][] back) {
		if (group.isEmpty())
			return;
		int plane = h * w, batch = n * group.size(), t = transforms.size();
		float[] transformed = new float[batch * c * plane];
		for (int i = 0; i < n; i++)
			for (int g = 0; g < group.size(); g++) {
				int[] source = sources[group.get(g)];
				for (int ch = 0; ch < c; ch++) {
					int from = (i * c + ch) * plane, to = ((i * group.size() + g) * c + ch) * plane;
					for (int j = 0; j < plane; j++)
						transformed[to + j] = tiles[from + source[j]];
				}
			}
		int bytes = transformed.length * Float.BYTES;
		if (staging == null || staging.capacity() < bytes)
			staging = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
		staging.clear();
		staging.asFloatBuffer().put(transformed);
		staging.limit(bytes);
		float[] out = new float[batch * innerMaps * plane];
		inner.run(staging, batch, c, th, tw, out);
		for (int i = 0; i < n; i++)
			for (int g = 0; g < group.size(); g++) {
				int k = group.get(g);
				int[] source = sources[k];
				for (int m = 0; m < innerMaps; m++) {
					float[] map = new float[plane];
					int from = ((i * group.size() + g) * innerMaps + m) * plane;
					for (int j = 0; j < plane; j++)
						map[source[j]] = out[from + j];
					back[(i * t + k) * innerMaps + m] = map;
				}
			}
	}
}
