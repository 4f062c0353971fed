package org.lesionseg.unet.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;

/**
 * The gradients of a small 3×3 convolution, as in the U-Net's bottleneck, are finite and the same every time on
 * every thread count. On a CPU that hides its cache sizes, libtorch's oneDNN kernel got this wrong with two threads
 * (NaN in the input gradient in most repetitions) until {@link OneDnnSwitch} limited oneDNN to its SSE4.1 kernels
 * (or turned it off).
 */
class ConvolutionBackwardTest {

	@Test
	void smallConvolutionGradientsAreFiniteAndRepeatable() {
		Devices.prepareThread();
		Random random = new Random(7);
		Shape xShape = new Shape(2, 4, 8, 8), wShape = new Shape(2, 4, 3, 3);
		float[] x0 = new float[(int) xShape.size()], w0 = new float[(int) wShape.size()];
		for (int i = 0; i < x0.length; i++)
			x0[i] = (float) random.nextGaussian();
		for (int i = 0; i < w0.length; i++)
			w0[i] = (float) random.nextGaussian() * 0.3f;
		float[] firstX = null, firstW = null;
		try (NDManager base = NDManager.newBaseManager(Device.cpu())) {
			for (int repeat = 0; repeat < 100; repeat++)
				try (OneDnnSwitch.Scope step = OneDnnSwitch.trainingStep(); NDManager m = base.newSubManager()) {
					NDArray x = m.create(x0, xShape), w = m.create(w0, wShape);
					x.setRequiresGradient(true);
					w.setRequiresGradient(true);
					try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
						NDArray y = Conv2d.conv2d(x, w, null, new Shape(1, 1), new Shape(1, 1), new Shape(1, 1), 1).singletonOrThrow();
						NDArray weights = m.arange((float) y.size()).reshape(y.getShape()).div(y.size()).sub(0.4f);
						collector.backward(y.mul(weights).sum());
					}
					float[] gx = x.getGradient().toFloatArray(), gw = w.getGradient().toFloatArray();
					for (float v : gx)
						assertTrue(Float.isFinite(v), "input gradient finite in repetition " + repeat + " (" + OneDnnSwitch.state() + ")");
					for (float v : gw)
						assertTrue(Float.isFinite(v), "weight gradient finite in repetition " + repeat + " (" + OneDnnSwitch.state() + ")");
					if (firstX == null) {
						firstX = gx;
						firstW = gw;
					} else {
						assertArrayEquals(firstX, gx, 1e-5f, "input gradient repeatable, repetition " + repeat + " (" + OneDnnSwitch.state() + ")");
						assertArrayEquals(firstW, gw, 1e-5f, "weight gradient repeatable, repetition " + repeat + " (" + OneDnnSwitch.state() + ")");
					}
				}
		}
	}

	@Test
	void oneDnnIsLimitedOrOffWhereTheCpuHidesItsCaches() {
		Devices.prepareThread();
		String choice = System.getProperty("unet.onednn", System.getenv().getOrDefault("UNET_ONEDNN", "auto"));
		if ("auto".equalsIgnoreCase(choice.trim()) || choice.trim().isEmpty())
			assertEquals(!OneDnnSwitch.cacheTopologyHidden(), OneDnnSwitch.state().equals("oneDNN on (libtorch default)"), OneDnnSwitch.state());
	}
}
