package org.lesionseg.unet.core.engine;

import java.util.Locale;
import java.util.Random;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;

/**
 * Compares oneDNN's convolution kernels with libtorch's own on this CPU: the U-Net's 3×3 convolution, forward and
 * backward, on the small layer sizes where oneDNN's wider kernels went wrong on
 * CPUs that hide their cache sizes (NaN or run-to-run different input gradients, see {@link OneDnnSwitch}). Adds
 * about 0.3 s to the engine's start on such CPUs (only there: elsewhere oneDNN is left as libtorch sets it).
 */
final class KernelCheck {

	/** Switches oneDNN on or off (libtorch's global flag). */
	interface Toggle {
		void set(boolean enabled);
	}

	/** Input shape (batch, channels, height, width) and output channels of each convolution checked: backward went wrong
	 * on the first three, forward on the last (12 input channels, with oneDNN limited to AVX). */
	private static final int[][] LAYERS = { { 4, 2, 32, 32, 6 }, { 16, 6, 32, 32, 6 }, { 4, 1, 64, 64, 8 }, { 2, 12, 16, 16, 6 } };
	private static final String[] PARTS = { "output", "input gradient", "weight gradient" };
	/** The wrong kernels failed in most but not all repetitions. */
	private static final int REPETITIONS = 3;
	/** Largest accepted difference, relative to the magnitude of the reference's values (float rounding is ~1e-6). */
	private static final double TOLERANCE = 1e-3;

	private KernelCheck() {
	}

	/** Null when oneDNN and libtorch's kernels agree; otherwise where they first differ. Leaves oneDNN off. */
	static String disagreement(Toggle oneDnn) {
		Random random = new Random(11);
		try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
			for (int[] layer : LAYERS)
				for (int repetition = 0; repetition < REPETITIONS; repetition++) {
					float[] x = gaussian(random, layer[0] * layer[1] * layer[2] * layer[3], 1);
					float[] w = gaussian(random, layer[1] * layer[4] * 9, 0.3f);
					oneDnn.set(true);
					float[][] withOneDnn = run(manager, layer, x, w);
					oneDnn.set(false);
					float[][] reference = run(manager, layer, x, w);
					for (int p = 0; p < PARTS.length; p++) {
						double difference = relativeDifference(withOneDnn[p], reference[p]);
						if (!(difference <= TOLERANCE))
							return String.format(Locale.ROOT, "3x3 convolution %s of a %s layer: relative difference %s", PARTS[p],
								new Shape(layer[0], layer[1], layer[2], layer[3]) + "->" + layer[4],
								Double.isNaN(difference) ? "NaN" : String.format(Locale.ROOT, "%.2g", difference));
					}
				}
		}
		return null;
	}

	/** Output, input gradient and weight gradient of one layer, the loss weighting each output differently. */
	private static float[][] run(NDManager base, int[] layer, float[] x0, float[] w0) {
		try (NDManager m = base.newSubManager()) {
			NDArray x = m.create(x0, new Shape(layer[0], layer[1], layer[2], layer[3]));
			NDArray w = m.create(w0, new Shape(layer[4], layer[1], 3, 3));
			x.setRequiresGradient(true);
			w.setRequiresGradient(true);
			float[] out;
			try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
				NDArray output = Conv2d.conv2d(x, w, null, new Shape(1, 1), new Shape(1, 1), new Shape(1, 1), 1).singletonOrThrow();
				out = output.toFloatArray();
				NDArray weights = m.arange((float) output.size()).reshape(output.getShape()).div(output.size()).sub(0.4f);
				collector.backward(output.mul(weights).sum());
			}
			return new float[][] { out, x.getGradient().toFloatArray(), w.getGradient().toFloatArray() };
		}
	}

	/** Largest |a - b| over the largest |b| (at least 1); NaN where a has a NaN or infinity. */
	static double relativeDifference(float[] a, float[] b) {
		double worst = 0, scale = 1;
		for (float v : b)
			scale = Math.max(scale, Math.abs(v));
		for (int i = 0; i < a.length; i++) {
			if (!Float.isFinite(a[i]))
				return Double.NaN;
			worst = Math.max(worst, Math.abs(a[i] - b[i]));
		}
		return worst / scale;
	}

	private static float[] gaussian(Random random, int n, float scale) {
		float[] values = new float[n];
		for (int i = 0; i < n; i++)
			values[i] = (float) random.nextGaussian() * scale;
		return values;
	}
}
