package org.lesionseg.unet.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A 2×2, stride-2 transposed convolution (PyTorch's {@code ConvTranspose2d(cin, cout, 2, 2)}).
 * <p>
 * DJL's {@code Conv2dTranspose} is not implemented on the PyTorch engine, so this block computes the same thing
 * as a 1×1 convolution to 4·cout channels followed by a pixel shuffle. Its weight has PyTorch's layout
 * (cin, cout, 2, 2) plus a bias of cout, so the parameter count matches PyTorch exactly.
 */
public final class UpConv2x2Block extends AbstractBlock {

	private static final byte VERSION = 1;

	private final int outChannels;
	private final Parameter weight;
	private final Parameter bias;

	public UpConv2x2Block(int outChannels) {
		super(VERSION);
		this.outChannels = outChannels;
		weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT).build());
		bias = addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS).build());
	}

	@Override
	protected void prepare(Shape[] inputShapes) {
		long inChannels = inputShapes[0].get(1);
		weight.setShape(new Shape(inChannels, outChannels, 2, 2));
		bias.setShape(new Shape(outChannels));
	}

	@Override
	protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
		NDArray x = inputs.singletonOrThrow();
		NDArray w = store.getValue(weight, x.getDevice(), training);
		NDArray b = store.getValue(bias, x.getDevice(), training);
		Shape s = x.getShape();
		long n = s.get(0), cin = s.get(1), h = s.get(2), wd = s.get(3);
		// (cin, cout, 2, 2) -> (cout, 2, 2, cin) -> (cout*4, cin, 1, 1): output channel o*4 + a*2 + c.
		NDArray kernel = w.transpose(1, 2, 3, 0).reshape(outChannels * 4L, cin, 1, 1);
		NDArray y = Conv2d.conv2d(x, kernel).singletonOrThrow();
		// (n, cout, 2, 2, h, w) -> (n, cout, h, 2, w, 2) -> (n, cout, 2h, 2w)
		NDArray up = y.reshape(n, outChannels, 2, 2, h, wd).transpose(0, 1, 4, 2, 5, 3).reshape(n, outChannels, 2 * h, 2 * wd);
		return new NDList(up.add(b.reshape(1, outChannels, 1, 1)));
	}

	@Override
	public Shape[] getOutputShapes(Shape[] inputShapes) {
		Shape s = inputShapes[0];
		return new Shape[] { new Shape(s.get(0), outChannels, s.get(2) * 2, s.get(3) * 2) };
	}

	@Override
	protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
		// no children
	}
}
