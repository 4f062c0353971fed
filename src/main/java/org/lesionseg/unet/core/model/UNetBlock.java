package org.lesionseg.unet.core.model;

import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The classic U-Net (Ronneberger et al. 2015) as in the original PyTorch workflow: an encoder of double
 * convolutions with 2×2 max pooling, a bottleneck, a decoder of 2×2 transposed convolutions whose output is
 * concatenated with the encoder's skip connection (skip first), and a 1×1 convolution to logits.
 * <p>
 * Input (N, C, H, W) with H and W multiples of 2^depth; output (N, classes, H, W) logits. The training flag is
 * passed to every child, so BatchNorm and Dropout behave as in PyTorch's train() and eval().
 */
public final class UNetBlock extends AbstractBlock {

	private static final byte VERSION = 1;
	/** BatchNorm's epsilon, as PyTorch's (also what the ONNX export folds with). */
	public static final float BATCH_NORM_EPSILON = 1e-5f;
	private static final Shape POOL = new Shape(2, 2);

	private final UNetConfig config;
	private final List<Block> encoders = new ArrayList<>();
	private final Block bottleneck;
	private final List<Block> upsamplers = new ArrayList<>();
	private final List<Block> decoders = new ArrayList<>();
	private final Block head;

	public UNetBlock(UNetConfig config) {
		super(VERSION);
		// before any convolution of this network: oneDNN off where it gives NaN gradients (see OneDnnSwitch)
		org.lesionseg.unet.core.engine.OneDnnSwitch.apply();
		this.config = config.copy();
		for (int level = 0; level < config.depth(); level++)
			encoders.add(addChildBlock("down" + level, DoubleConvBlock.create(config.featuresAt(level), 0f)));
		bottleneck = addChildBlock("bottleneck", DoubleConvBlock.create(config.featuresAt(config.depth()), config.dropout()));
		for (int level = config.depth() - 1; level >= 0; level--) {
			upsamplers.add(addChildBlock("up" + level, new UpConv2x2Block(config.featuresAt(level))));
			decoders.add(addChildBlock("decode" + level, DoubleConvBlock.create(config.featuresAt(level), 0f)));
		}
		head = addChildBlock("head", Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(config.outputClasses()).build());
	}

	public UNetConfig config() {
		return config.copy();
	}

	@Override
	protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
		return ScratchForward.run(inputs, in -> forwardLayers(store, in, training, params));
	}

	private NDList forwardLayers(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
		NDArray x = inputs.singletonOrThrow();
		List<NDArray> skips = new ArrayList<>();
		for (Block encoder : encoders) {
			x = encoder.forward(store, new NDList(x), training, params).singletonOrThrow();
			skips.add(x);
			x = Pool.maxPool2d(x, POOL, POOL, new Shape(0, 0), false);
		}
		x = bottleneck.forward(store, new NDList(x), training, params).singletonOrThrow();
		for (int i = 0; i < decoders.size(); i++) {
			x = upsamplers.get(i).forward(store, new NDList(x), training, params).singletonOrThrow();
			NDArray skip = skips.get(skips.size() - 1 - i);
			x = NDArrays.concat(new NDList(skip, x), 1);
			x = decoders.get(i).forward(store, new NDList(x), training, params).singletonOrThrow();
		}
		return head.forward(store, new NDList(x), training, params);
	}

	@Override
	public Shape[] getOutputShapes(Shape[] inputShapes) {
		Shape s = inputShapes[0];
		return new Shape[] { new Shape(s.get(0), config.outputClasses(), s.get(2), s.get(3)) };
	}

	@Override
	protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
		Shape shape = inputShapes[0];
		List<Shape> skipShapes = new ArrayList<>();
		for (Block encoder : encoders) {
			encoder.initialize(manager, dataType, shape);
			shape = encoder.getOutputShapes(new Shape[] { shape })[0];
			skipShapes.add(shape);
			shape = new Shape(shape.get(0), shape.get(1), shape.get(2) / 2, shape.get(3) / 2);
		}
		initializeDecoder(manager, dataType, shape, bottleneck, upsamplers, decoders, skipShapes, head);
	}

	/**
	 * Initialises the bottleneck (input {@code shape}) and the decoder: each level's up-sampling, the skip's channels
	 * joined, its double convolution, then the head. Shared with {@link DiffusionUNetBlock}, whose decoder is this one.
	 */
	static void initializeDecoder(NDManager manager, DataType dataType, Shape shape, Block bottleneck, List<Block> upsamplers, List<Block> decoders,
		List<Shape> skipShapes, Block head) {
		bottleneck.initialize(manager, dataType, shape);
		shape = bottleneck.getOutputShapes(new Shape[] { shape })[0];
		for (int i = 0; i < decoders.size(); i++) {
			upsamplers.get(i).initialize(manager, dataType, shape);
			shape = upsamplers.get(i).getOutputShapes(new Shape[] { shape })[0];
			Shape skip = skipShapes.get(skipShapes.size() - 1 - i);
			shape = new Shape(shape.get(0), shape.get(1) + skip.get(1), shape.get(2), shape.get(3));
			decoders.get(i).initialize(manager, dataType, shape);
			shape = decoders.get(i).getOutputShapes(new Shape[] { shape })[0];
		}
		head.initialize(manager, dataType, shape);
	}

	/** Trainable parameters, counted like PyTorch does (BatchNorm running statistics excluded). */
	public long trainableParameterCount() {
		return trainableParameterCount(this);
	}

	/** Trainable parameters of any block (a U-Net, a diffusion denoiser), BatchNorm's running statistics excluded. */
	public static long trainableParameterCount(Block block) {
		long count = 0;
		for (Parameter p : block.getParameters().values())
			if (p.requiresGradient() && p.getArray() != null)
				count += p.getArray().size();
		return count;
	}
}
