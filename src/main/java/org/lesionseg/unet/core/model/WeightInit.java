package org.lesionseg.unet.core.model;

import java.util.Random;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

/**
 * Re-initialises a block's weights the way PyTorch's layers do by default: weights and biases of convolutions
 * uniform in ±1/sqrt(fan_in). DJL's own default (Kaiming normal, zero biases) is kept unless this is asked for.
 */
public final class WeightInit {

	private WeightInit() {
	}

	/** Applies PyTorch's default initialisation to every convolution of the block, seeded. */
	public static void pytorchDefault(Block block, long seed) {
		Random random = new Random(seed);
		for (Pair<String, Block> child : block.getChildren())
			pytorchDefault(child.getValue(), random.nextLong());
		Parameter weight = block.getDirectParameters().contains("weight") ? block.getDirectParameters().get("weight") : null;
		if (weight == null || weight.getArray() == null || weight.getArray().getShape().dimension() != 4)
			return; // BatchNorm's gamma/beta and running statistics keep their PyTorch-equal defaults
		Shape s = weight.getArray().getShape();
		// PyTorch's fan_in is size(1) * receptive field, for Conv2d (out, in, k, k) and ConvTranspose2d (in, out, k, k) alike.
		long fanIn = s.get(1) * s.get(2) * s.get(3);
		float bound = (float) (1.0 / Math.sqrt(fanIn));
		fillUniform(weight.getArray(), bound, random);
		if (block.getDirectParameters().contains("bias")) {
			Parameter bias = block.getDirectParameters().get("bias");
			if (bias.getArray() != null)
				fillUniform(bias.getArray(), bound, random);
		}
	}

	private static void fillUniform(NDArray array, float bound, Random random) {
		float[] values = new float[(int) array.size()];
		for (int i = 0; i < values.length; i++)
			values[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
		array.set(values);
	}
}
