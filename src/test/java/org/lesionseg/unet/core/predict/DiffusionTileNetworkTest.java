package org.lesionseg.unet.core.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.data.Sample;
import org.lesionseg.unet.core.diffusion.NoiseSchedule;
import org.lesionseg.unet.core.model.DiffusionUNetBlock;
import org.lesionseg.unet.core.model.UNetConfig;
import org.lesionseg.unet.core.modelfile.DiffusionSettings;
import org.lesionseg.unet.core.modelfile.ModelInfo;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** Sampling on tiles with an untrained tiny denoiser: seeded, K samples fused, the uncertainty map. */
class DiffusionTileNetworkTest {

	private static final int SIZE = 16;

	private static DiffusionSettings sampling(int samples, long seed, double eta) {
		DiffusionSettings s = new DiffusionSettings();
		s.samplingSteps = 4;
		s.samples = samples;
		s.samplingSeed = seed;
		s.eta = eta;
		return s;
	}

	private static float[] run(DiffusionTileNetwork network, float[] tiles, int n) {
		ByteBuffer input = ByteBuffer.allocateDirect(tiles.length * 4).order(ByteOrder.nativeOrder());
		input.asFloatBuffer().put(tiles);
		float[] output = new float[n * 2 * SIZE * SIZE];
		network.run(input, n, 1, SIZE, SIZE, output);
		return output;
	}

	@Test
	void samplingIsSeededAndTheUncertaintyIsTheSpreadOfTheSamples() {
		try (NDManager manager = NDManager.newBaseManager()) {
			Engine.getInstance().setRandomSeed(11);
			DiffusionUNetBlock net = new DiffusionUNetBlock(new UNetConfig().depth(2).baseFeatures(4), SIZE);
			net.initialize(manager, DataType.FLOAT32, new Shape(1, 1, SIZE, SIZE), new Shape(1, 1, SIZE, SIZE), new Shape(1));
			NoiseSchedule schedule = new NoiseSchedule(NoiseSchedule.Kind.LINEAR, 1000);
			float[] tiles = new float[2 * SIZE * SIZE];
			Random random = new Random(1);
			for (int i = 0; i < tiles.length; i++)
				tiles[i] = random.nextFloat();
			int plane = SIZE * SIZE;

			float[] five = run(new DiffusionTileNetwork(net, manager, schedule, sampling(5, 42, 0.5)), tiles, 2);
			assertArrayEquals(five, run(new DiffusionTileNetwork(net, manager, schedule, sampling(5, 42, 0.5)), tiles, 2), "the same seed, the same maps");
			assertFalse(Arrays.equals(five, run(new DiffusionTileNetwork(net, manager, schedule, sampling(5, 43, 0.5)), tiles, 2)), "another seed, other maps");
			// a tile's maps do not depend on what else is in the batch
			float[] second = run(new DiffusionTileNetwork(net, manager, schedule, sampling(5, 42, 0.5)), Arrays.copyOfRange(tiles, plane, 2 * plane), 1);
			assertArrayEquals(Arrays.copyOfRange(five, 2 * plane, 4 * plane), second, 1e-6f);

			double spread = 0;
			for (int i = 0; i < 2; i++)
				for (int p = 0; p < plane; p++) {
					float probability = five[(2 * i) * plane + p], uncertainty = five[(2 * i + 1) * plane + p];
					assertTrue(probability >= 0 && probability <= 1, "probability " + probability);
					assertTrue(uncertainty >= 0 && uncertainty <= 0.5f + 1e-6f, "uncertainty " + uncertainty);
					spread += uncertainty;
				}
			assertTrue(spread / (2 * plane) > 1e-3, "5 samples from different noise differ: mean uncertainty " + spread / (2 * plane));

			float[] one = run(new DiffusionTileNetwork(net, manager, schedule, sampling(1, 42, 0.5)), tiles, 2);
			for (int i = 0; i < 2; i++)
				for (int p = 0; p < plane; p++)
					assertEquals(0f, one[(2 * i + 1) * plane + p], "one sample has no spread");

			// the sampler under the tiler: both maps at the image's size
			ModelInfo info = new ModelInfo();
			info.depth = 2;
			info.inputChannels = 1;
			info.trainingSize = SIZE;
			TiledPredictor predictor = new TiledPredictor(new DiffusionTileNetwork(net, manager, schedule, sampling(2, 42, 0)), info, new TiledPredictor.Options());
			float[] pixels = new float[40 * 24];
			for (int i = 0; i < pixels.length; i++)
				pixels[i] = random.nextFloat();
			float[][] maps = predictor.maps(Sample.of("x", pixels, 40, 24, 1, null));
			assertEquals(2, maps.length);
			assertEquals(40 * 24, maps[1].length);
		}
	}

	@Test
	void badSamplingSettingsGetOneClearLine() {
		try (NDManager manager = NDManager.newBaseManager()) {
			DiffusionUNetBlock net = new DiffusionUNetBlock(new UNetConfig().depth(1).baseFeatures(2), SIZE);
			NoiseSchedule schedule = new NoiseSchedule(NoiseSchedule.Kind.LINEAR, 100);
			DiffusionSettings tooMany = sampling(1, 1, 0);
			tooMany.samplingSteps = 101;
			assertEquals("sampling steps (101) cannot exceed the model's diffusion timesteps (100)",
				assertThrows(UnetException.class, () -> new DiffusionTileNetwork(net, manager, schedule, tooMany)).getMessage());
			assertEquals("samples per image must be between 1 and 100, got 0",
				assertThrows(UnetException.class, () -> new DiffusionTileNetwork(net, manager, schedule, sampling(0, 1, 0))).getMessage());
		}
	}
}
