package org.lesionseg.unet.core.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.lesionseg.unet.core.data.Sample;
import org.lesionseg.unet.core.modelfile.ModelInfo;
import org.lesionseg.unet.core.model.UNetBlock;
import org.lesionseg.unet.core.model.UNetConfig;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

/**
 * Tiled prediction against a plain computation: every tile through the network on its own, mirrored at the
 * borders, blended with the sine window. Batching tiles and reusing buffers must not change the map.
 */
class TiledPredictorBlendingTest {

	private static final int TILE = 32;

	private static ModelInfo info(UNetConfig config) {
		ModelInfo info = ModelInfo.of(config);
		info.trainingSize = TILE;
		info.inputScale = 1.0;
		return info;
	}

	private static Sample image(int w, int h, long seed) {
		Random random = new Random(seed);
		float[] pixels = new float[w * h];
		for (int i = 0; i < pixels.length; i++)
			pixels[i] = random.nextFloat();
		return Sample.of("img", pixels, w, h, 1, null);
	}

	private static float[] forward(UNetBlock block, NDManager manager, float[] tile, int side) {
		try (NDManager m = manager.newSubManager()) {
			NDArray x = m.create(tile, new Shape(1, 1, side, side));
			return block.forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow().getNDArrayInternal().sigmoid().toFloatArray();
		}
	}

	private static int reflect(int i, int n) {
		int period = 2 * (n - 1);
		int m = ((i % period) + period) % period;
		return m < n ? m : period - m;
	}

	@Test
	void tilesBlendLikeTheirOneByOneComputation() {
		UNetConfig config = new UNetConfig().depth(2).baseFeatures(2).inputChannels(1);
		try (NDManager manager = NDManager.newBaseManager()) {
			UNetBlock block = new UNetBlock(config);
			block.initialize(manager, DataType.FLOAT32, new Shape(1, 1, TILE, TILE));
			// 30 wide: narrower than a tile, so columns are mirrored; 50 high: two overlapping rows of tiles at 0 and 18
			int w = 30, h = 50;
			Sample sample = image(w, h, 5);
			float[] window = new float[TILE];
			for (int i = 0; i < TILE; i++)
				window[i] = (float) Math.max(1e-3, Math.sin(Math.PI * (i + 0.5) / TILE));
			double[] sum = new double[w * h], weight = new double[w * h];
			for (int y0 : new int[] { 0, 18 }) {
				float[] tile = new float[TILE * TILE];
				for (int y = 0; y < TILE; y++)
					for (int x = 0; x < TILE; x++)
						tile[y * TILE + x] = sample.imageData()[reflect(y0 + y, h) * w + reflect(x, w)];
				float[] p = forward(block, manager, tile, TILE);
				for (int y = 0; y < TILE && y0 + y < h; y++)
					for (int x = 0; x < w; x++) {
						double wgt = window[y] * window[x];
						sum[(y0 + y) * w + x] += wgt * p[y * TILE + x];
						weight[(y0 + y) * w + x] += wgt;
					}
			}
			float[] expected = new float[w * h];
			for (int i = 0; i < expected.length; i++)
				expected[i] = (float) (sum[i] / weight[i]);
			for (int tileBatch : new int[] { 1, 2, 4 }) {
				TiledPredictor.Options options = new TiledPredictor.Options();
				options.tileBatch = tileBatch;
				float[] map = new TiledPredictor(block, info(config), manager, options).probability(sample);
				assertArrayEquals(expected, map, 2e-5f, "tile batch " + tileBatch);
			}
		}
	}

	@Test
	void batchSizeDoesNotChangeALargerMap() {
		UNetConfig config = new UNetConfig().depth(2).baseFeatures(2).inputChannels(1);
		try (NDManager manager = NDManager.newBaseManager()) {
			UNetBlock block = new UNetBlock(config);
			block.initialize(manager, DataType.FLOAT32, new Shape(1, 1, TILE, TILE));
			Sample sample = image(100, 70, 9); // 4 x 3 tiles: batches of 3 leave none over, of 5 leave 2
			float[] reference = null;
			for (int tileBatch : new int[] { 1, 3, 5 }) {
				TiledPredictor.Options options = new TiledPredictor.Options();
				options.tileBatch = tileBatch;
				float[] map = new TiledPredictor(block, info(config), manager, options).probability(sample);
				assertEquals(100 * 70, map.length);
				if (reference == null)
					reference = map;
				else
					assertArrayEquals(reference, map, 2e-5f, "tile batch " + tileBatch);
			}
		}
	}
}
