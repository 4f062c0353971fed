package org.lesionseg.unet.core.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.lesionseg.unet.core.data.Sample;
import org.lesionseg.unet.core.model.UNetConfig;
import org.lesionseg.unet.core.modelfile.ModelInfo;

/** The tiler with a network other than the engine's U-Net: every map it gives is blended back to the image. */
class TileNetworkTest {

	/** Map 0: the pixel squashed into (0, 1); map 1: the pixel itself; map 2: the tile's own x coordinate. */
	private static final class PixelMaps implements TileNetwork {
		int batches;

		@Override
		public int outputMaps() {
			return 3;
		}

		@Override
		public void run(ByteBuffer input, int n, int c, int h, int w, float[] output) {
			batches++;
			FloatBuffer in = input.asFloatBuffer();
			for (int t = 0; t < n; t++)
				for (int y = 0; y < h; y++)
					for (int x = 0; x < w; x++) {
						float v = in.get(((t * c) * h + y) * w + x);
						output[((t * 3) * h + y) * w + x] = (float) (1 / (1 + Math.exp(-v)));
						output[((t * 3 + 1) * h + y) * w + x] = v;
						output[((t * 3 + 2) * h + y) * w + x] = x;
					}
		}
	}

	@Test
	void everyMapIsBlendedBackToThePixelsItCameFrom() {
		ModelInfo info = ModelInfo.of(new UNetConfig().depth(2).inputChannels(1));
		info.trainingSize = 32;
		int w = 75, h = 50;
		float[] pixels = new float[w * h];
		Random random = new Random(3);
		for (int i = 0; i < pixels.length; i++)
			pixels[i] = (float) random.nextGaussian();
		TiledPredictor.Options options = new TiledPredictor.Options();
		options.overlap = 8;
		options.tileBatch = 3;
		PixelMaps network = new PixelMaps();
		float[][] maps = new TiledPredictor(network, info, options).maps(Sample.of("noise", pixels, w, h, 1, null));

		assertEquals(3, maps.length);
		// 75 x 50 in 32-px tiles stepping 24: 3 x 2 tiles, in batches of 3
		assertEquals(2, network.batches);
		for (int i = 0; i < pixels.length; i++) {
			assertEquals(pixels[i], maps[1][i], 1e-5, "identity map at " + i);
			assertEquals(1 / (1 + Math.exp(-pixels[i])), maps[0][i], 1e-5, "probability map at " + i);
		}
		// the coordinate map differs between overlapping tiles, so it is a true blend: inside [0, 31], not a copy of one tile
		int x = 28, y = 10; // seen by the first and the second tile column
		float blended = maps[2][y * w + x];
		assertEquals(true, blended > 4 && blended < 28, "blended tile coordinate " + blended);
	}
}
