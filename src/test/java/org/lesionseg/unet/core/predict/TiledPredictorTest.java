package org.lesionseg.unet.core.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.data.Sample;
import org.lesionseg.unet.core.data.SyntheticSamples;
import org.lesionseg.unet.core.metrics.ConfusionCounts;
import org.lesionseg.unet.core.modelfile.ModelFile;
import org.lesionseg.unet.core.train.TrainingData;
import org.lesionseg.unet.core.modelfile.TrainingSettings;
import org.lesionseg.unet.core.train.UNetTrainer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

/** Tiled prediction with a small network trained on squares: sizes, blending, scale, channels. */
class TiledPredictorTest {

	@TempDir
	static Path dir;
	static Path model;

	@BeforeAll
	static void trainSquares() {
		TrainingSettings s = new TrainingSettings();
		s.epochs = 12;
		s.batchSize = 4;
		s.learningRate = 1e-2f;
		s.baseFeatures = 4;
		s.depth = 2;
		s.imageSize = 32;
		s.augment = "none";
		s.device = "cpu";
		s.loaderThreads = 1;
		List<Sample> all = SyntheticSamples.squares(20, 32, 11);
		model = dir.resolve("squares.zip");
		new UNetTrainer(s, null, null).train(new TrainingData(new ArrayList<>(all.subList(0, 16)), new ArrayList<>(all.subList(16, 20)),
			new ArrayList<>(), 8), model, null, false);
	}

	private static TiledPredictor.Options tiles(int tile, int overlap) {
		TiledPredictor.Options o = new TiledPredictor.Options();
		o.tile = tile;
		o.overlap = overlap;
		return o;
	}

	@Test
	void oneTileEqualsTheNetworkItself() {
		Sample s = SyntheticSamples.squares(1, 32, 99).get(0);
		try (NDManager m = NDManager.newBaseManager()) {
			ModelFile.Loaded loaded = ModelFile.load(model, m);
			float[] tiled = new TiledPredictor(loaded.block, loaded.info, m, tiles(32, 0)).probability(s);
			NDArray x = m.create(s.imageData(), new Shape(1, 1, 32, 32));
			float[] direct = loaded.block.forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow().getNDArrayInternal().sigmoid()
				.toFloatArray();
			assertArrayEquals(direct, tiled, 1e-6f);
		}
	}

	@Test
	void largeImagesAreTiledWithoutSeamsAndOddSizesWork() {
		// a 100 x 76 image with three squares, segmented with 32-pixel tiles and as one 112-pixel tile
		int w = 100, h = 76;
		float[] image = new float[w * h];
		byte[] truth = new byte[w * h];
		int[][] squares = { { 5, 5, 14 }, { 40, 30, 16 }, { 75, 50, 12 } };
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				boolean inside = false;
				for (int[] q : squares)
					inside |= x >= q[0] && x < q[0] + q[2] && y >= q[1] && y < q[1] + q[2];
				image[y * w + x] = inside ? 0.7f : 0.2f;
				truth[y * w + x] = (byte) (inside ? 1 : 0);
			}
		Sample s = Sample.of("three squares", image, w, h, 1, null);
		try (NDManager m = NDManager.newBaseManager()) {
			ModelFile.Loaded loaded = ModelFile.load(model, m);
			float[] tiled = new TiledPredictor(loaded.block, loaded.info, m, tiles(32, 8)).probability(s);
			float[] whole = new TiledPredictor(loaded.block, loaded.info, m, tiles(112, 0)).probability(s);
			assertEquals(w * h, tiled.length);
			for (float p : tiled)
				assertTrue(p >= 0 && p <= 1, "probability " + p);
			double tiledDice = ConfusionCounts.of(tiled, 0.5f, truth).dice(), wholeDice = ConfusionCounts.of(whole, 0.5f, truth).dice();
			assertTrue(tiledDice > 0.85, "tiled Dice " + tiledDice);
			assertTrue(wholeDice > 0.85, "whole-image Dice " + wholeDice);
			assertTrue(ConfusionCounts.of(tiled, 0.5f, threshold(whole)).dice() > 0.95, "tiled and whole-image masks agree");
		}
	}

	@Test
	void tinyImagesArePaddedAndCroppedBack() {
		Sample s = Sample.of("tiny", new float[] { 0.2f, 0.7f, 0.7f, 0.2f, 0.2f, 0.7f }, 3, 2, 1, null);
		try (NDManager m = NDManager.newBaseManager()) {
			ModelFile.Loaded loaded = ModelFile.load(model, m);
			assertEquals(6, new TiledPredictor(loaded.block, loaded.info, m, new TiledPredictor.Options()).probability(s).length);
			Sample onePixel = Sample.of("dot", new float[] { 0.7f }, 1, 1, 1, null);
			assertEquals(1, new TiledPredictor(loaded.block, loaded.info, m, new TiledPredictor.Options()).probability(onePixel).length);
		}
	}

	@Test
	void aModelTrainedOnScaledImagesPredictsAtTheImagesOwnSize() {
		try (NDManager m = NDManager.newBaseManager()) {
			ModelFile.Loaded loaded = ModelFile.load(model, m);
			loaded.info.inputScale = 0.5; // as if trained on 64-pixel images resized to 32
			Sample big = Resized.upscale(SyntheticSamples.squares(1, 32, 5).get(0));
			float[] p = new TiledPredictor(loaded.block, loaded.info, m, new TiledPredictor.Options()).probability(big);
			assertEquals(64 * 64, p.length);
			assertTrue(ConfusionCounts.of(p, 0.5f, big.maskData()).dice() > 0.8);
		}
	}

	@Test
	void wrongChannelCountIsExplained() {
		float[] rgb = new float[3 * 8 * 8];
		try (NDManager m = NDManager.newBaseManager()) {
			ModelFile.Loaded loaded = ModelFile.load(model, m);
			UnetException e = assertThrows(UnetException.class,
				() -> new TiledPredictor(loaded.block, loaded.info, m, new TiledPredictor.Options()).probability(Sample.of("rgb", rgb, 8, 8, 3, null)));
			assertTrue(e.getMessage().contains("3 channel(s) but the model was trained on 1"), e.getMessage());
		}
	}

	private static byte[] threshold(float[] p) {
		byte[] m = new byte[p.length];
		for (int i = 0; i < p.length; i++)
			m[i] = (byte) (p[i] >= 0.5f ? 1 : 0);
		return m;
	}

	/** Nearest-neighbour 2x enlargement of a sample and its mask. */
	private static final class Resized {
		static Sample upscale(Sample s) {
			int w = s.width() * 2, h = s.height() * 2;
			float[] image = new float[w * h];
			byte[] mask = new byte[w * h];
			for (int y = 0; y < h; y++)
				for (int x = 0; x < w; x++) {
					image[y * w + x] = s.imageData()[(y / 2) * s.width() + x / 2];
					mask[y * w + x] = s.maskData()[(y / 2) * s.width() + x / 2];
				}
			return Sample.of(s.name(), image, w, h, 1, mask);
		}
	}
}
