package org.lesionseg.unet.bench;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.lesionseg.unet.core.engine.OneDnnSwitch;
import org.lesionseg.unet.core.interop.OnnxTileNetwork;
import org.lesionseg.unet.core.interop.UNetOnnx;
import org.lesionseg.unet.core.model.UNetBlock;
import org.lesionseg.unet.core.model.UNetConfig;
import org.lesionseg.unet.core.model.WeightInit;
import org.lesionseg.unet.core.predict.TileNetwork;
import org.lesionseg.unet.core.predict.UNetTileNetwork;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The two inference runtimes side by side: one U-Net (depth 4, --base, --channels), the same random batches of tiles
 * (--batch × --size²), run by libtorch (the engine's block) and by onnxruntime (the block exported to ONNX in memory,
 * as runtime=onnx does). Median images/s over --infer-steps batches after --warmup, and how far the outputs are apart.
 * libtorch runs with oneDNN as {@link OneDnnSwitch} leaves it (limited to SSE4.1 or off on CPUs that hide their cache
 * sizes), as prediction would.
 */
public final class RuntimeBench {

	private RuntimeBench() {
	}

	public static void run(BenchOptions o, Device device, PrintStream out) {
		UNetConfig config = new UNetConfig().depth(4).baseFeatures(o.base).inputChannels(o.channels);
		int n = o.batch, c = o.channels, s = o.size;
		try (NDManager manager = NDManager.newBaseManager(device)) {
			UNetBlock block = new UNetBlock(config);
			block.initialize(manager, DataType.FLOAT32, new Shape(1, c, s, s));
			WeightInit.pytorchDefault(block, o.seed);
			ByteBuffer tiles = ByteBuffer.allocateDirect(n * c * s * s * 4).order(ByteOrder.nativeOrder());
			Random random = new Random(o.seed);
			for (int i = 0; i < n * c * s * s; i++)
				tiles.putFloat(i * 4, (float) random.nextGaussian());
			long t0 = System.nanoTime();
			byte[] onnx = UNetOnnx.export(block, "unet", "bench");
			double exportSeconds = (System.nanoTime() - t0) / 1e9;
			CpuMeter cpu = CpuMeter.start();
			float[] torchOut = new float[n * s * s], onnxOut = new float[n * s * s];
			UNetTileNetwork torch = new UNetTileNetwork(block, manager);
			double torchRate = rate(torch, tiles, o, torchOut);
			double onnxRate;
			try (OnnxTileNetwork runtime = new OnnxTileNetwork(onnx, false, Math.max(0, o.threads))) {
				onnxRate = rate(runtime, tiles, o, onnxOut);
			}
			out.printf(Locale.ROOT, "model: U-Net depth 4, base %d, %d channel(s), %,d parameters; ONNX %.1f MB written in %.2f s; tiles: batch %d of %dx%d%n", o.base, c,
				block.trainableParameterCount(), onnx.length / 1e6, exportSeconds, n, s, s);
			out.println("libtorch's CPU kernels: " + OneDnnSwitch.state());
			out.println("| runtime | inference images/s | vs libtorch | max abs difference from libtorch |");
			out.println("|---|---|---|---|");
			out.printf(Locale.ROOT, "| libtorch | %.2f | 1.00 | 0 |%n", torchRate);
			out.printf(Locale.ROOT, "| onnxruntime %s (CPU) | %.2f | %.2f | %.2g |%n", ai.onnxruntime.OrtEnvironment.getEnvironment().getVersion(), onnxRate,
				onnxRate / torchRate, difference(onnxOut, torchOut));
			out.println(CpuMeter.note(cpu.otherCores()));
		}
	}

	/** Median images/s over the timed batches; the last batch's output is left in {@code output}. */
	private static double rate(TileNetwork network, ByteBuffer tiles, BenchOptions o, float[] output) {
		int n = o.batch, c = o.channels, s = o.size;
		for (int i = 0; i < o.warmup; i++)
			network.run(tiles, n, c, s, s, output);
		List<Double> rates = new ArrayList<>();
		for (int i = 0; i < Math.max(1, o.inferSteps()); i++) {
			long t = System.nanoTime();
			network.run(tiles, n, c, s, s, output);
			rates.add(n / ((System.nanoTime() - t) / 1e9));
		}
		return Stats.median(rates);
	}

	private static double difference(float[] a, float[] b) {
		double d = 0;
		for (int i = 0; i < a.length; i++)
			d = Math.max(d, Math.abs(a[i] - b[i]));
		return d;
	}
}
