package org.lesionseg.unet.core.model;

import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.ndarray.types.Shape;

/** Two 3×3 convolutions (no bias) each followed by BatchNorm and ReLU: the U-Net's basic unit. */
final class DoubleConvBlock {

	private DoubleConvBlock() {
	}

	static SequentialBlock create(int outChannels, float dropout) {
		SequentialBlock block = new SequentialBlock();
		for (int i = 0; i < 2; i++) {
			block.add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).optBias(false).setFilters(outChannels).build());
			// BatchNorm as in PyTorch: eps 1e-5, running stats updated with factor 0.1 (DJL's momentum 0.9).
			block.add(BatchNorm.builder().optEpsilon(UNetBlock.BATCH_NORM_EPSILON).optMomentum(0.9f).build());
			block.add(Activation.reluBlock());
		}
		if (dropout > 0f)
			block.add(Dropout.builder().optRate(dropout).build());
		return block;
	}

	/** Its weights' shapes in DJL's order: per convolution a 3×3 kernel, then BatchNorm's gamma, beta, running mean and variance. */
	static void addShapes(java.util.List<long[]> shapes, long in, long out) {
		for (int conv = 0; conv < 2; conv++) {
			shapes.add(new long[] { out, conv == 0 ? in : out, 3, 3 });
			for (int stat = 0; stat < 4; stat++)
				shapes.add(new long[] { out });
		}
	}
}
