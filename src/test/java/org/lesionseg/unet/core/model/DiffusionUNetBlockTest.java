package org.lesionseg.unet.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.lesionseg.unet.core.engine.OneDnnSwitch;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;

/** The conditional denoiser on tiny cases: its output, its parameter layout, and that the image and t reach it. */
class DiffusionUNetBlockTest {

	private static final UNetConfig TINY = new UNetConfig().depth(2).baseFeatures(4).inputChannels(3);

	private static NDArray forward(DiffusionUNetBlock net, NDManager manager, NDArray xt, NDArray image, float t) {
		NDArray steps = manager.full(new Shape(xt.getShape().get(0)), t);
		return net.forward(new ParameterStore(manager, false), new NDList(xt, image, steps), false).singletonOrThrow();
	}

	@Test
	void outputIsOneNoiseChannelOfTheMasksSizeAtAnySize() {
		try (NDManager manager = NDManager.newBaseManager()) {
			Engine.getInstance().setRandomSeed(3);
			DiffusionUNetBlock net = new DiffusionUNetBlock(TINY, 16);
			net.initialize(manager, DataType.FLOAT32, new Shape(2, 1, 16, 16), new Shape(2, 3, 16, 16), new Shape(2));
			NDArray y = forward(net, manager, manager.randomNormal(new Shape(2, 1, 16, 16)), manager.randomNormal(new Shape(2, 3, 16, 16)), 10);
			assertEquals(new Shape(2, 1, 16, 16), y.getShape());
			// a tile smaller and not square (the FF-Parser looks its weights up at the nearest training frequency)
			NDArray small = forward(net, manager, manager.randomNormal(new Shape(1, 1, 8, 12)), manager.randomNormal(new Shape(1, 3, 8, 12)), 10);
			assertEquals(new Shape(1, 1, 8, 12), small.getShape());
			assertTrue(small.isNaN().logicalNot().all().getBoolean());
		}
	}

	@Test
	void parameterShapesAreThoseDjlGivesTheParameters() {
		try (NDManager manager = NDManager.newBaseManager()) {
			DiffusionUNetBlock net = new DiffusionUNetBlock(TINY, 32);
			net.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 32, 32), new Shape(1, 3, 32, 32), new Shape(1));
			List<long[]> actual = new ArrayList<>();
			for (Parameter p : net.getParameters().values())
				actual.add(p.getArray().getShape().getShape());
			List<long[]> expected = DiffusionUNetBlock.parameterShapes(TINY, 32);
			assertEquals(expected.size(), actual.size());
			for (int i = 0; i < expected.size(); i++)
				assertArrayEquals(expected.get(i), actual.get(i), "parameter " + i);
		}
	}

	@Test
	void theFrequencyFilterStartsAsTheIdentity() {
		try (NDManager manager = NDManager.newBaseManager()) {
			FrequencyFilter filter = new FrequencyFilter(3, 8);
			filter.initialize(manager, DataType.FLOAT32, new Shape(2, 3, 8, 8));
			NDArray x = manager.randomNormal(new Shape(2, 3, 8, 8));
			NDArray y = filter.forward(new ParameterStore(manager, false), new NDList(x), false).singletonOrThrow();
			assertTrue(y.sub(x).abs().max().getFloat() < 1e-5f);
			// a real weight of atanh(0.5) multiplies every frequency, hence the features, by 1.5
			float[] half = new float[3 * 8 * 5];
			java.util.Arrays.fill(half, (float) (0.5 * Math.log(3))); // atanh(0.5)
			filter.getParameters().get("real").getArray().set(half);
			NDArray scaled = filter.forward(new ParameterStore(manager, false), new NDList(x), false).singletonOrThrow();
			assertTrue(scaled.sub(x.mul(1.5f)).abs().max().getFloat() < 1e-5f);
		}
	}

	@Test
	void theImageAndTheStepConditionTheOutputAndTheConditionEncoderLearns() {
		try (NDManager manager = NDManager.newBaseManager()) {
			Engine.getInstance().setRandomSeed(5);
			DiffusionUNetBlock net = new DiffusionUNetBlock(TINY, 16);
			net.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 16, 16), new Shape(1, 3, 16, 16), new Shape(1));
			NDArray xt = manager.randomNormal(new Shape(1, 1, 16, 16));
			NDArray image = manager.randomNormal(new Shape(1, 3, 16, 16));
			NDArray base = forward(net, manager, xt, image, 100);
			assertTrue(forward(net, manager, xt, image.mul(-1), 100).sub(base).abs().max().getFloat() > 1e-3f, "the image changes the output");
			assertTrue(forward(net, manager, xt, image, 900).sub(base).abs().max().getFloat() > 1e-3f, "t changes the output");
			assertTrue(forward(net, manager, xt, image, 100).sub(base).abs().max().getFloat() == 0f, "the same inputs give the same output");
			// a backward pass reaches the condition encoder's first convolution, the FF-Parser and the step's MLP
			try (OneDnnSwitch.Scope s = OneDnnSwitch.trainingStep(); GradientCollector collector = Engine.getInstance().newGradientCollector()) {
				for (Parameter p : net.getParameters().values())
					p.getArray().setRequiresGradient(p.requiresGradient());
				NDArray steps = manager.full(new Shape(1), 100f);
				NDArray y = net.forward(new ParameterStore(manager, false), new NDList(xt, image, steps), true).singletonOrThrow();
				collector.backward(y.square().mean());
			}
			for (String name : new String[] { "02condition0_01Conv2d_weight", "03ffparser0_imaginary", "time_w1" }) {
				Parameter p = net.getParameters().get(name);
				assertTrue(p.getArray().getGradient().abs().sum().getFloat() > 0f, name + " gets a gradient");
			}
		}
	}
}
