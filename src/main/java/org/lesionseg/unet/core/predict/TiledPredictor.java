package org.lesionseg.unet.core.predict;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.data.Resizing;
import org.lesionseg.unet.core.data.Sample;
import org.lesionseg.unet.core.modelfile.ModelInfo;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDManager;

/**
 * Predicts a probability map (and any further maps the network gives) for an image of any size.
 * <p>
 * The image is first scaled as the training images were ({@link ModelInfo#inputScale}), then cut into
 * overlapping tiles of the training size (or a chosen size), which run through the network in small batches.
 * Overlaps are blended with a smooth window so that tile borders leave no seams, and the map is scaled back to
 * the image's own size. Network memory depends on the tile batch, not on the image; an out-of-memory error
 * retries with fewer and then smaller tiles. What runs on the tiles is a {@link TileNetwork}: the engine's U-Net
 * here, or any other network with the same geometry (input channels, size multiple, training size, input scale).
 */
public final class TiledPredictor {

	/** How to tile. Zero means "choose": the training size, a quarter tile of overlap, four tiles per batch. */
	public static final class Options {
		public int tile = 0;
		public int overlap = -1;
		public int tileBatch = 4;
		/**
		 * Flips and rotations each tile also runs as (none by default): map 0 becomes their mean probability, map 1
		 * their standard deviation ({@link TestTimeAugmentation}). Costs one prediction per transform.
		 */
		public TestTimeAugmentation.Transforms augmentation = TestTimeAugmentation.Transforms.NONE;
	}

	/** Test hook: how many of the next tile batches fail as a device out of memory would (always 0 outside tests). */
	static final java.util.concurrent.atomic.AtomicInteger SIMULATED_OUT_OF_MEMORY = new java.util.concurrent.atomic.AtomicInteger();

	private final TileNetwork network;
	private final ModelInfo info;
	private final int multiple;
	private int tile;
	private int overlap;
	private int tileBatch;

	/** @param manager the manager (and device) that holds the block's weights */
	public TiledPredictor(ai.djl.nn.Block block, ModelInfo info, NDManager manager, Options options) {
		this(new UNetTileNetwork(block, manager), info, options);
	}

	/**
	 * @param info the geometry: input channels, depth (tiles are multiples of 2^depth), training size (the default
	 *             tile) and input scale
	 */
	public TiledPredictor(TileNetwork network, ModelInfo info, Options options) {
		this.network = options.augmentation == null || options.augmentation == TestTimeAugmentation.Transforms.NONE ? network
			: new TestTimeAugmentation(network, options.augmentation.members());
		this.info = info;
		this.multiple = 1 << info.depth;
		int requested = options.tile > 0 ? options.tile : info.trainingSize;
		this.tile = Math.max(multiple, (requested + multiple - 1) / multiple * multiple);
		this.overlap = options.overlap >= 0 ? options.overlap : tile / 4;
		if (overlap >= tile)
			throw new UnetException("tile overlap " + overlap + " must be smaller than the tile size " + tile);
		this.tileBatch = Math.max(1, options.tileBatch);
	}

	public int tileSize() {
		return tile;
	}

	/** Tiles per forward pass now (lowered after an out-of-memory error). */
	int tileBatch() {
		return tileBatch;
	}

	/**
	 * The foreground probability of each pixel, row-major (H × W) at the sample's own size. The sample must be
	 * normalised like the training data.
	 */
	public float[] probability(Sample sample) {
		return maps(sample)[0];
	}

	/** How many maps the network gives (1: the probability; 2 with a diffusion model's or test-time augmentation's uncertainty). */
	public int outputMaps() {
		return network.outputMaps();
	}

	/** Every map of the network ({@link TileNetwork#outputMaps()}, map 0 the probability), each H × W at the sample's size. */
	public float[][] maps(Sample sample) {
		if (sample.channels() != info.inputChannels)
			throw new UnetException("image " + sample.name() + " has " + sample.channels() + " channel(s) but the model was trained on "
				+ info.inputChannels + (info.inputChannels == 1 ? " (grey); convert it to 8-bit or 16-bit grey" : "; convert it to RGB"));
		Sample scaled = sample;
		int w = sample.width(), h = sample.height();
		// one factor for both axes, as training scaled its images (the rule is described in Resizing)
		int[] size = Resizing.scaledSize(w, h, info.inputScale);
		int sw = size[0], sh = size[1];
		if (sw != w || sh != h)
			scaled = Resizing.resize(sample, sw, sh);
		while (true) {
			try {
				float[][] maps = predictScaled(scaled);
				if (sw != w || sh != h)
					for (int k = 0; k < maps.length; k++)
						maps[k] = Resizing.resizeImage(maps[k], sw, sh, 1, w, h);
				return maps;
			} catch (EngineException | OutOfMemoryError e) {
				if (!isOutOfMemory(e))
					throw new UnetException("the PyTorch engine failed on " + sample.name() + ": " + e.getMessage(), e);
				if (tileBatch > 1)
					tileBatch = Math.max(1, tileBatch / 2);
				else if (tile / 2 >= Math.max(multiple, 32)) {
					tile = tile / 2 / multiple * multiple;
					overlap = Math.min(overlap, tile / 4);
				} else
					throw new UnetException("out of memory even with one tile of " + tile + " pixels: close other programs or use the CPU", e);
			}
		}
	}

	static boolean isOutOfMemory(Throwable e) {
		String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
		return e instanceof OutOfMemoryError || m.contains("out of memory") || m.contains("can't allocate") || m.contains("defaultcpuallocator");
	}

	private float[][] predictScaled(Sample s) {
		int w = s.width(), h = s.height(), c = s.channels();
		int tw = Math.min(tile, roundUp(w)), th = Math.min(tile, roundUp(h));
		int[] xs = positions(w, tw), ys = positions(h, th);
		float[] windowX = window(tw), windowY = window(th);
		int maps = network.outputMaps();
		float[][] sum = new float[maps][w * h];
		float[] weight = new float[w * h];
		float[] pixels = s.imageData();
		// one input array, one direct buffer and one output array for all batches of this image: no garbage per batch
		float[] input = new float[tileBatch * c * th * tw];
		ByteBuffer staging = ByteBuffer.allocateDirect(input.length * Float.BYTES).order(ByteOrder.nativeOrder());
		float[] output = new float[tileBatch * maps * th * tw];
		List<int[]> pending = new ArrayList<>();
		for (int y0 : ys)
			for (int x0 : xs) {
				pending.add(new int[] { x0, y0 });
				if (pending.size() == tileBatch) {
					runTiles(pending, pixels, w, h, c, tw, th, windowX, windowY, sum, weight, input, staging, output);
					pending.clear();
				}
			}
		if (!pending.isEmpty())
			runTiles(pending, pixels, w, h, c, tw, th, windowX, windowY, sum, weight, input, staging, output);
		for (float[] map : sum)
			for (int i = 0; i < map.length; i++)
				map[i] /= weight[i];
		return sum;
	}

	private void runTiles(List<int[]> tiles, float[] pixels, int w, int h, int c, int tw, int th, float[] windowX, float[] windowY, float[][] sum,
		float[] weight, float[] input, ByteBuffer staging, float[] output) {
		int n = tiles.size();
		int values = n * c * th * tw;
		for (int t = 0; t < n; t++) {
			int x0 = tiles.get(t)[0], y0 = tiles.get(t)[1];
			for (int ch = 0; ch < c; ch++)
				for (int y = 0; y < th; y++) {
					int sy = mirror(y0 + y, h);
					int src = (ch * h + sy) * w;
					int dst = ((t * c + ch) * th + y) * tw;
					if (x0 + tw <= w) // inside the image: a plain row copy
						System.arraycopy(pixels, src + x0, input, dst, tw);
					else
						for (int x = 0; x < tw; x++)
							input[dst + x] = pixels[src + mirror(x0 + x, w)];
				}
		}
		if (SIMULATED_OUT_OF_MEMORY.getAndUpdate(k -> Math.max(0, k - 1)) > 0)
			throw new EngineException("CUDA out of memory. Tried to allocate 2.00 GiB (simulated)");
		staging.clear();
		staging.asFloatBuffer().put(input, 0, values);
		network.run(staging, n, c, th, tw, output);
		int maps = sum.length;
		for (int t = 0; t < n; t++) {
			int x0 = tiles.get(t)[0], y0 = tiles.get(t)[1];
			for (int y = 0; y < th && y0 + y < h; y++)
				for (int x = 0; x < tw && x0 + x < w; x++) {
					float wgt = windowY[y] * windowX[x];
					int i = (y0 + y) * w + x0 + x;
					for (int k = 0; k < maps; k++)
						sum[k][i] += wgt * output[((t * maps + k) * th + y) * tw + x];
					weight[i] += wgt;
				}
		}
	}

	private int roundUp(int size) {
		return (size + multiple - 1) / multiple * multiple;
	}

	/** Tile origins along one axis: evenly stepped, the last one flush with the end. */
	private int[] positions(int size, int tileSize) {
		if (size <= tileSize)
			return new int[] { 0 };
		int step = Math.max(1, tileSize - overlap);
		int count = (int) Math.ceil((size - tileSize) / (double) step) + 1;
		int[] p = new int[count];
		for (int i = 0; i < count; i++)
			p[i] = Math.min(i * step, size - tileSize);
		return p;
	}

	/** A sine window that fades tile borders; never zero, so a pixel seen by one tile keeps its value. */
	private static float[] window(int size) {
		float[] wdw = new float[size];
		for (int i = 0; i < size; i++)
			wdw[i] = (float) Math.max(1e-3, Math.sin(Math.PI * (i + 0.5) / size));
		return wdw;
	}

	/** Mirrors an index into [0, n) (padding for images smaller than a tile), as training pads its squares. */
	private static int mirror(int i, int n) {
		return Resizing.mirror(i, n);
	}
}
