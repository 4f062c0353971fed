package org.lesionseg.unet.core.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.core.engine.OneDnnSwitch;
import org.lesionseg.unet.core.model.UNetConfig;
import org.lesionseg.unet.core.modelfile.ModelFile;
import org.lesionseg.unet.core.predict.UNetTileNetwork;

import ai.djl.ndarray.NDManager;

/** The ONNX graph written from a U-Net computes what the engine computes, on tiles of any allowed size and batch. */
class UNetOnnxTest {

	@TempDir
	Path dir;

	@Test
	void onnxruntimeReproducesTheEngineOnBatchesOfSeveralSizes() {
		// two input channels, depth 3: pooling, three up-convolutions, skips and folded BatchNorm all in play
		Path file = ExportModels.write(dir.resolve("m.zip"), new UNetConfig().depth(3).baseFeatures(6).inputChannels(2), 32, "zscore", 11);
		try (NDManager manager = NDManager.newBaseManager()) {
			ModelFile.Loaded model = ModelFile.load(file, manager);
			byte[] onnx = UNetOnnx.export(model.block, "unet", "test");
			UNetTileNetwork engine = new UNetTileNetwork(model.block, manager);
			try (OnnxTileNetwork runtime = new OnnxTileNetwork(onnx, false, 1)) {
				assertEquals(Arrays.toString(new long[] { -1, 2, -1, -1 }), Arrays.toString(runtime.inputShape()), "dynamic batch, y and x");
				assertEquals(java.util.Set.of(UNetOnnx.OUTPUT), runtime.outputs().keySet());
				double worst = 0;
				int[][] sizes = { { 1, 32, 32 }, { 3, 16, 40 }, { 2, 64, 24 } };
				for (int[] s : sizes) {
					int n = s[0], h = s[1], w = s[2];
					ByteBuffer input = noise(n * 2 * h * w, h * 31 + w);
					float[] expected = engineOneByOne(engine, input, n, 2, h, w), actual = new float[n * h * w];
					runtime.run(input, n, 2, h, w, actual);
					double difference = maxDifference(expected, actual);
					worst = Math.max(worst, difference);
					assertTrue(difference < 1e-4, n + "x" + h + "x" + w + ": ONNX differs from the engine by " + difference);
					assertTrue(spread(expected) > 0.05, "the network's output varies (not a constant that anything would match)");
				}
				System.out.println("ONNX vs engine, random tiles: max |difference| " + worst);
			}
		}
	}

	/**
	 * The engine's output as a reference that is right: on this VM libtorch's oneDNN forward gives wrong values (up to
	 * 0.1 in probability, varying from run to run) for batches of more than one tile and for larger tiles; with oneDNN
	 * off (the scope training steps use) it is exact. Tile by tile as well, to test ONNX's dynamic batch against it.
	 */
	static float[] engineOneByOne(UNetTileNetwork engine, ByteBuffer input, int n, int c, int h, int w) {
		float[] all = new float[n * h * w], one = new float[h * w];
		int size = c * h * w;
		for (int t = 0; t < n; t++) {
			ByteBuffer single = ByteBuffer.allocateDirect(size * 4).order(ByteOrder.nativeOrder());
			for (int i = 0; i < size; i++)
				single.putFloat(i * 4, input.getFloat((t * size + i) * 4));
			try (OneDnnSwitch.Scope exact = OneDnnSwitch.trainingStep()) {
				engine.run(single, 1, c, h, w, one);
			}
			System.arraycopy(one, 0, all, t * h * w, h * w);
		}
		return all;
	}

	static ByteBuffer noise(int count, long seed) {
		Random random = new Random(seed);
		ByteBuffer buffer = ByteBuffer.allocateDirect(count * 4).order(ByteOrder.nativeOrder());
		for (int i = 0; i < count; i++)
			buffer.putFloat(i * 4, (float) random.nextGaussian());
		return buffer;
	}

	static double maxDifference(float[] a, float[] b) {
		double d = 0;
		for (int i = 0; i < a.length; i++)
			d = Math.max(d, Math.abs(a[i] - b[i]));
		return d;
	}

	static double spread(float[] values) {
		double min = Double.MAX_VALUE, max = -Double.MAX_VALUE;
		for (float v : values) {
			min = Math.min(min, v);
			max = Math.max(max, v);
		}
		return max - min;
	}
}
