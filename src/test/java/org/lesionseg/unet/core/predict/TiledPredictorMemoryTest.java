package org.lesionseg.unet.core.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.data.Sample;
import org.lesionseg.unet.core.modelfile.ModelInfo;
import org.lesionseg.unet.core.model.UNetBlock;
import org.lesionseg.unet.core.model.UNetConfig;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * When the device runs out of memory during prediction, the predictor retries with fewer tiles per pass, then with
 * smaller tiles, and the map it returns is the one a run with those settings gives; only when one tile of the
 * smallest size fails does the user get an error, which says what to do. The failures are simulated with the
 * predictor's test hook, which throws the engine's own out-of-memory error.
 */
class TiledPredictorMemoryTest {

	@AfterEach
	void noMoreSimulatedFailures() {
		TiledPredictor.SIMULATED_OUT_OF_MEMORY.set(0);
	}

	private static ModelInfo info(UNetConfig config) {
		ModelInfo info = ModelInfo.of(config);
		info.normalization = "none";
		info.trainingSize = 32;
		info.inputMode = "resize";
		return info;
	}

	private static Sample image() {
		Random random = new Random(5);
		float[] pixels = new float[100 * 80];
		for (int i = 0; i < pixels.length; i++)
			pixels[i] = random.nextFloat();
		return Sample.of("noise", pixels, 100, 80, 1, null);
	}

	private static TiledPredictor.Options options(int tile, int overlap, int batch) {
		TiledPredictor.Options o = new TiledPredictor.Options();
		o.tile = tile;
		o.overlap = overlap;
		o.tileBatch = batch;
		return o;
	}

	@Test
	void outOfMemoryRetriesWithFewerThenSmallerTilesAndGivesTheSameMap() {
		UNetConfig config = new UNetConfig().depth(2).baseFeatures(2);
		Engine.getInstance().setRandomSeed(7);
		try (NDManager manager = NDManager.newBaseManager()) {
			UNetBlock block = new UNetBlock(config);
			block.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 32, 32));
			Sample image = image();
			float[] normal = new TiledPredictor(block, info(config), manager, options(64, 16, 4)).probability(image);

			// one failure: half as many tiles per pass, same tiles, same map
			TiledPredictor once = new TiledPredictor(block, info(config), manager, options(64, 16, 4));
			TiledPredictor.SIMULATED_OUT_OF_MEMORY.set(1);
			float[] afterOne = once.probability(image);
			assertEquals(0, TiledPredictor.SIMULATED_OUT_OF_MEMORY.get(), "the failure happened");
			assertEquals(2, once.tileBatch());
			assertEquals(64, once.tileSize());
			assertArrayEquals(normal, afterOne, 1e-5f);

			// three failures: 4 -> 2 -> 1 tile per pass, then tiles of 32 instead of 64 (overlap a quarter tile)
			TiledPredictor thrice = new TiledPredictor(block, info(config), manager, options(64, 16, 4));
			TiledPredictor.SIMULATED_OUT_OF_MEMORY.set(3);
			float[] afterThree = thrice.probability(image);
			assertEquals(1, thrice.tileBatch());
			assertEquals(32, thrice.tileSize());
			float[] smallTiles = new TiledPredictor(block, info(config), manager, options(32, 8, 1)).probability(image);
			assertArrayEquals(smallTiles, afterThree, 1e-5f);
			// the next image goes straight to the settings that worked
			assertArrayEquals(smallTiles, thrice.probability(image), 1e-5f);

			// failing whatever the size: one clear message
			TiledPredictor never = new TiledPredictor(block, info(config), manager, options(64, 16, 4));
			TiledPredictor.SIMULATED_OUT_OF_MEMORY.set(Integer.MAX_VALUE);
			UnetException e = assertThrows(UnetException.class, () -> never.probability(image));
			assertTrue(e.getMessage().startsWith("out of memory even with one tile of 32 pixels"), e.getMessage());
			assertTrue(e.getMessage().contains("use the CPU"), e.getMessage());
		}
	}
}
