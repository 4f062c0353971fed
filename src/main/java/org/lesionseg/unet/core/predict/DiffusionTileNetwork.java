package org.lesionseg.unet.core.predict;

import java.nio.ByteBuffer;
import java.util.Random;

import org.lesionseg.unet.core.diffusion.NoiseSchedule;
import org.lesionseg.unet.core.modelfile.DiffusionSettings;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

/**
 * A diffusion segmenter on tiles: K masks are sampled per tile by DDIM from pure noise, conditioned on the tile;
 * map 0 is their mean (the probability), map 1 their standard deviation (the uncertainty), both on the [0, 1]
 * scale of a mask (samples live in [-1, 1] and are mapped by (x + 1) / 2).
 * <p>
 * The noise comes from Java's generator seeded by the sampling seed, the tile's content and the sample's number:
 * the same image gives the same maps whatever was segmented before and however the tiles are batched.
 */
public final class DiffusionTileNetwork implements TileNetwork {

	private final Block block;
	private final NDManager manager;
	private final NoiseSchedule schedule;
	private final DiffusionSettings sampling;
	private final int[] times;

	/**
	 * @param manager  the manager (and device) that holds the block's weights
	 * @param sampling steps, eta, samples and seed (checked)
	 */
	public DiffusionTileNetwork(Block block, NDManager manager, NoiseSchedule schedule, DiffusionSettings sampling) {
		this.block = block;
		this.manager = manager;
		this.schedule = schedule;
		this.sampling = sampling.copy().check();
		this.times = schedule.samplingTimes(this.sampling.samplingSteps);
	}

	@Override
	public int outputMaps() {
		return 2;
	}

	@Override
	public void run(ByteBuffer input, int n, int c, int h, int w, float[] output) {
		float[] tiles = TileNetwork.copyOf(input, n, c, h, w);
		float[][] samples = sample(tiles, n, c, h, w);
		int plane = h * w, k = sampling.samples;
		for (int i = 0; i < n; i++)
			for (int p = 0; p < plane; p++) {
				double sum = 0, squares = 0;
				for (int s = 0; s < k; s++) {
					double v = samples[i * k + s][p];
					sum += v;
					squares += v * v;
				}
				double mean = sum / k;
				output[(i * 2) * plane + p] = (float) mean;
				output[(i * 2 + 1) * plane + p] = (float) Math.sqrt(Math.max(0, squares / k - mean * mean));
			}
	}

	/** The K masks of each of the n tiles (tile-major: tile i's sample s at i·K + s), each H·W in [0, 1]. */
	float[][] sample(float[] tiles, int n, int c, int h, int w) {
		int k = sampling.samples, plane = h * w, tileSize = c * plane, batch = n * k;
		float[] images = new float[batch * tileSize];
		float[] x = new float[batch * plane];
		Random[] randoms = new Random[batch];
		for (int i = 0; i < n; i++) {
			int hash = 1;
			for (int j = 0; j < tileSize; j++)
				hash = 31 * hash + Float.floatToIntBits(tiles[i * tileSize + j]);
			for (int s = 0; s < k; s++) {
				int b = i * k + s;
				System.arraycopy(tiles, i * tileSize, images, b * tileSize, tileSize);
				randoms[b] = new Random(sampling.samplingSeed * 0x9E3779B97F4A7C15L + hash * 1_000_003L + s);
				for (int p = 0; p < plane; p++)
					x[b * plane + p] = (float) randoms[b].nextGaussian();
			}
		}
		float[] z = sampling.eta > 0 ? new float[x.length] : null;
		try (NDManager runManager = manager.newSubManager()) {
			NDArray image = runManager.create(images, new Shape(batch, c, h, w));
			for (int step = times.length - 1; step >= 0; step--) {
				int t = times[step], tPrev = step > 0 ? times[step - 1] : -1;
				float[] noise;
				try (NDManager stepManager = runManager.newSubManager()) {
					NDArray xt = stepManager.create(x, new Shape(batch, 1, h, w));
					float[] steps = new float[batch];
					java.util.Arrays.fill(steps, t);
					NDArray tArray = stepManager.create(steps);
					NDArray predicted = block.forward(new ParameterStore(stepManager, false), new NDList(xt, image, tArray), false).singletonOrThrow();
					noise = predicted.toType(DataType.FLOAT32, false).toFloatArray();
				}
				if (z != null && schedule.sigma(t, tPrev, sampling.eta) > 0)
					for (int b = 0; b < batch; b++)
						for (int p = 0; p < plane; p++)
							z[b * plane + p] = (float) randoms[b].nextGaussian();
				if ("x0".equals(sampling.prediction))
					schedule.noiseFromX0(x, noise, t);
				schedule.ddimStep(x, noise, t, tPrev, sampling.eta, z);
			}
		}
		float[][] masks = new float[batch][plane];
		for (int b = 0; b < batch; b++)
			for (int p = 0; p < plane; p++)
				masks[b][p] = Math.max(0f, Math.min(1f, (x[b * plane + p] + 1f) / 2f));
		return masks;
	}
}
