package org.lesionseg.unet.core.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.lesionseg.unet.core.data.Sample;
import org.lesionseg.unet.core.model.UNetBlock;
import org.lesionseg.unet.core.model.UNetConfig;
import org.lesionseg.unet.core.model.WeightInit;
import org.lesionseg.unet.core.modelfile.ModelInfo;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** Test-time augmentation: the transforms, their undoing, and the spread of a real network's predictions. */
class TestTimeAugmentationTest {

	/** Map 0: the x coordinate within the tile, over the tile width (a network that is not symmetric at all); map 1 (if asked): a fixed spread. */
	private static final class TileX implements TileNetwork {
		final float spread;
		int tilesSeen;

		TileX(float spread) {
			this.spread = spread;
		}

		@Override
		public int outputMaps() {
			return spread > 0 ? 2 : 1;
		}

		@Override
		public void run(ByteBuffer input, int n, int c, int h, int w, float[] output) {
			tilesSeen += n;
			int maps = outputMaps();
			for (int t = 0; t < n; t++)
				for (int y = 0; y < h; y++)
					for (int x = 0; x < w; x++) {
						output[((t * maps) * h + y) * w + x] = x / (float) w;
						if (maps > 1)
							output[((t * maps + 1) * h + y) * w + x] = spread;
					}
		}
	}

	/** Map 0: the pixel itself squashed into (0, 1): commutes with every flip and rotation. */
	private static final class PerPixel implements TileNetwork {
		@Override
		public void run(ByteBuffer input, int n, int c, int h, int w, float[] output) {
			FloatBuffer in = input.asFloatBuffer();
			for (int i = 0; i < n * h * w; i++)
				output[i] = (float) (1 / (1 + Math.exp(-in.get(i))));
		}
	}

	private static ModelInfo geometry(int trainingSize) {
		ModelInfo info = ModelInfo.of(new UNetConfig().depth(2).inputChannels(1));
		info.trainingSize = trainingSize;
		return info;
	}

	private static TiledPredictor.Options with(TestTimeAugmentation.Transforms transforms, int tile) {
		TiledPredictor.Options o = new TiledPredictor.Options();
		o.augmentation = transforms;
		o.tile = tile;
		return o;
	}

	private static float[] noise(int n, long seed) {
		Random random = new Random(seed);
		float[] v = new float[n];
		for (int i = 0; i < n; i++)
			v[i] = (float) random.nextGaussian();
		return v;
	}

	@Test
	void theEightTransformsAreDistinctPermutations() {
		int h = 4, w = 4;
		float[] plane = new float[h * w];
		for (int i = 0; i < plane.length; i++)
			plane[i] = i;
		Set<String> seen = new HashSet<>();
		for (TestTimeAugmentation.Transform t : TestTimeAugmentation.Transform.values()) {
			float[] moved = t.apply(plane, h, w);
			float[] sorted = moved.clone();
			Arrays.sort(sorted);
			assertTrue(Arrays.equals(plane, sorted), t + " is not a permutation");
			seen.add(Arrays.toString(moved));
		}
		assertEquals(8, seen.size());
		// a 90° turn clockwise: the first row of the result is the first column read bottom up
		float[] turned = TestTimeAugmentation.Transform.ROTATE_90.apply(plane, h, w);
		assertEquals(Arrays.toString(new float[] { 12, 8, 4, 0 }), Arrays.toString(Arrays.copyOf(turned, 4)));
	}

	/** Undoing is checked with a network that commutes with the transforms: the mean is the plain map, the spread 0. */
	@Test
	void aNetworkThatCommutesWithTheTransformsGivesItsOwnMapAndNoSpread() {
		int w = 40, h = 24; // non-square tiles: the 90° turns run as a second batch of 24 x 40 tiles
		float[] pixels = noise(w * h, 5);
		Sample sample = Sample.of("noise", pixels, w, h, 1, null);
		float[] plain = new TiledPredictor(new PerPixel(), geometry(64), with(TestTimeAugmentation.Transforms.NONE, 0)).probability(sample);
		float[][] tta = new TiledPredictor(new PerPixel(), geometry(64), with(TestTimeAugmentation.Transforms.DIHEDRAL, 0)).maps(sample);
		assertEquals(2, tta.length);
		for (int i = 0; i < plain.length; i++) {
			assertEquals(plain[i], tta[0][i], 1e-6, "mean at " + i);
			assertEquals(0, tta[1][i], 1e-6, "spread at " + i);
		}
	}

	/**
	 * The x-coordinate network under the four flips: the identity and the vertical mirror give x/w, the horizontal
	 * mirror and the half turn (undone) (w-1-x)/w; so the mean is (w-1)/(2w) everywhere and the standard deviation
	 * |x - (w-1)/2| / w. With a spread of its own (a diffusion model's), the spreads pool: sqrt(s² + that²).
	 */
	@Test
	void undoneMapsOfANetworkThatIsNotSymmetricGiveTheHandComputedMeanAndSpread() {
		int w = 32, h = 32;
		Sample sample = Sample.of("flat", new float[w * h], w, h, 1, null);
		TileX network = new TileX(0);
		float[][] maps = new TiledPredictor(network, geometry(32), with(TestTimeAugmentation.Transforms.FLIPS, 0)).maps(sample);
		assertEquals(4, network.tilesSeen);
		TileX sampled = new TileX(0.1f);
		float[][] pooled = new TiledPredictor(sampled, geometry(32), with(TestTimeAugmentation.Transforms.FLIPS, 0)).maps(sample);
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				double spread = Math.abs(x - (w - 1) / 2.0) / w;
				assertEquals((w - 1) / (2.0 * w), maps[0][y * w + x], 1e-6);
				assertEquals(spread, maps[1][y * w + x], 1e-6, "at x=" + x);
				assertEquals(Math.sqrt(0.01 + spread * spread), pooled[1][y * w + x], 1e-6, "pooled at x=" + x);
			}
	}

	/**
	 * A constant image is the same under every flip and turn, so the spread measures only the network's own
	 * asymmetry: none away from the borders (up to float rounding; 5.5e-6 seen), while within the receptive field of
	 * the image's edges the zero padding of the convolutions, which a kernel that is not symmetric meets differently
	 * on each side, does give a spread (2.5e-4 seen at the edge on this network). Noise gives a spread everywhere.
	 */
	@Test
	void aRealUNetWithRandomWeightsSpreadsOnNoiseAndNotOnAConstantImage() {
		UNetConfig config = new UNetConfig().depth(2).baseFeatures(4).inputChannels(1);
		try (NDManager manager = NDManager.newBaseManager()) {
			UNetBlock block = new UNetBlock(config);
			block.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 64, 64));
			WeightInit.pytorchDefault(block, 11);
			ModelInfo info = ModelInfo.of(config);
			info.trainingSize = 64;
			int size = 64, border = 24; // more than the receptive field's reach of a depth-2 U-Net (about 22 px)
			TiledPredictor tta = new TiledPredictor(new UNetTileNetwork(block, manager), info, with(TestTimeAugmentation.Transforms.DIHEDRAL, 0));

			float[][] onNoise = tta.maps(Sample.of("noise", noise(size * size, 9), size, size, 1, null));
			float[] constant = new float[size * size];
			Arrays.fill(constant, 0.7f);
			float[][] onConstant = tta.maps(Sample.of("constant", constant, size, size, 1, null));

			double noiseSpread = 0, constantSpread = 0;
			int inside = 0;
			for (int y = border; y < size - border; y++)
				for (int x = border; x < size - border; x++) {
					noiseSpread += onNoise[1][y * size + x];
					constantSpread = Math.max(constantSpread, onConstant[1][y * size + x]);
					inside++;
				}
			noiseSpread /= inside;
			System.out.println("TTA inside the borders: mean spread on noise " + noiseSpread + ", largest on a constant image " + constantSpread);
			assertTrue(constantSpread < 2e-5, "spread on a constant image " + constantSpread);
			assertTrue(noiseSpread > 10 * Math.max(constantSpread, 1e-6), "spread on noise " + noiseSpread);
		}
	}
}
