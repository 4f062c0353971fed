package org.lesionseg.unet.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.lesionseg.unet.core.UnetException;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

class UNetBlockTest {

	@Test
	void classicUNetHasPyTorchsParameterCount() {
		try (NDManager manager = NDManager.newBaseManager()) {
			UNetBlock rgb = new UNetBlock(new UNetConfig().inputChannels(3));
			rgb.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 16, 16));
			assertEquals(31_037_633L, rgb.trainableParameterCount());
			UNetBlock grey = new UNetBlock(new UNetConfig().inputChannels(1));
			grey.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 16, 16));
			assertEquals(31_036_481L, grey.trainableParameterCount());
		}
	}

	@Test
	void outputHasInputSizeAndOneLogitChannel() {
		try (NDManager manager = NDManager.newBaseManager()) {
			UNetBlock net = new UNetBlock(new UNetConfig().baseFeatures(4).depth(3).inputChannels(2).dropout(0.1f));
			net.initialize(manager, DataType.FLOAT32, new Shape(2, 2, 24, 40));
			NDArray x = manager.randomNormal(new Shape(2, 2, 24, 40));
			NDArray y = net.forward(new ParameterStore(manager, false), new NDList(x), false).singletonOrThrow();
			assertEquals(new Shape(2, 1, 24, 40), y.getShape());
			assertTrue(y.isInfinite().logicalNot().all().getBoolean());
		}
	}

	@Test
	void upConvEqualsATransposedConvolutionComputedByHand() {
		try (NDManager manager = NDManager.newBaseManager()) {
			UpConv2x2Block up = new UpConv2x2Block(2);
			up.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 2, 2));
			float[] w = new float[3 * 2 * 2 * 2];
			for (int i = 0; i < w.length; i++)
				w[i] = (i % 7) - 3;
			up.getParameters().get("weight").getArray().set(w);
			up.getParameters().get("bias").getArray().set(new float[] { 0.5f, -1f });
			float[] x = new float[3 * 2 * 2];
			for (int i = 0; i < x.length; i++)
				x[i] = i * 0.25f - 1;
			NDArray out = up.forward(new ParameterStore(manager, false), new NDList(manager.create(x, new Shape(1, 3, 2, 2))), false).singletonOrThrow();
			float[] expected = new float[2 * 4 * 4];
			// out[o, 2i+a, 2j+b] = bias[o] + sum_c x[c,i,j] * w[c,o,a,b]
			float[] bias = { 0.5f, -1f };
			for (int o = 0; o < 2; o++)
				for (int i = 0; i < 2; i++)
					for (int j = 0; j < 2; j++)
						for (int a = 0; a < 2; a++)
							for (int b = 0; b < 2; b++) {
								float sum = bias[o];
								for (int c = 0; c < 3; c++)
									sum += x[c * 4 + i * 2 + j] * w[((c * 2 + o) * 2 + a) * 2 + b];
								expected[o * 16 + (2 * i + a) * 4 + (2 * j + b)] = sum;
							}
			assertArrayEquals(expected, out.toFloatArray(), 1e-5f);
		}
	}

	@Test
	void pytorchInitialisationIsBoundedAndSeeded() {
		try (NDManager manager = NDManager.newBaseManager()) {
			UNetBlock a = new UNetBlock(new UNetConfig().baseFeatures(4).depth(2));
			UNetBlock b = new UNetBlock(new UNetConfig().baseFeatures(4).depth(2));
			a.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 8, 8));
			b.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 8, 8));
			WeightInit.pytorchDefault(a, 7);
			WeightInit.pytorchDefault(b, 7);
			float[] first = firstConvWeight(a);
			assertArrayEquals(first, firstConvWeight(b));
			float bound = (float) (1 / Math.sqrt(9)); // fan_in = 1 channel * 3 * 3
			for (float v : first)
				assertTrue(Math.abs(v) <= bound);
		}
	}

	private static float[] firstConvWeight(UNetBlock net) {
		for (ai.djl.util.Pair<String, ai.djl.nn.Parameter> p : net.getParameters())
			if (p.getKey().contains("down0") && p.getKey().endsWith("weight") && p.getValue().getArray().getShape().dimension() == 4)
				return p.getValue().getArray().toFloatArray();
		throw new AssertionError("no convolution weight in down0");
	}

	@Test
	void trainingSizeMustFitTheDepth() {
		UNetConfig c = new UNetConfig();
		c.checkTrainingSize(256);
		UnetException e = assertThrows(UnetException.class, () -> c.checkTrainingSize(100));
		assertTrue(e.getMessage().contains("multiple of 16"), e.getMessage());
		assertThrows(UnetException.class, () -> new UNetConfig().depth(0));
	}
}
