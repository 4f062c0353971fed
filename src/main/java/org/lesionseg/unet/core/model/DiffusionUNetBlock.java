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
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The denoising network of a MedSegDiff-style segmenter (Wu et al., MIDL 2023): ε_θ(x_t, I, t) predicts the noise in
 * a noisy mask x_t, given the image I and the diffusion step t.
 * <p>
 * Two encoders of the U-Net's double convolutions run side by side, one on the noisy mask and one on the image
 * (the condition encoder). At every level the mask features get the step's embedding (sinusoidal, through a
 * two-layer MLP and a projection per level), pass the FF-Parser ({@link FrequencyFilter}), and are fused with the
 * condition features by dynamic conditional encoding: the layer-normalised mask and condition features multiplied
 * give an affine map that weights the condition features, which are added to the mask features
 * (m + σ(LN(m)·LN(c))·c; the sigmoid bounds the map: unbounded, the product of three feature maps compounded over the
 * levels and training went to NaN within 9 epochs at 128 pixels). The bottleneck takes both paths; the decoder is the U-Net's (2×2 up-convolution, skip,
 * double convolution) with the step's embedding added at every level; a 1×1 convolution gives the noise.
 * <p>
 * Inputs: x_t (N, 1, H, W), the image (N, C, H, W), t as floats (N). Output: the predicted noise (N, 1, H, W).
 * The training flag reaches every child (BatchNorm, Dropout) as in the U-Net.
 */
public final class DiffusionUNetBlock extends AbstractBlock {

	private static final byte VERSION = 1;
	private static final Shape POOL = new Shape(2, 2);

	private final UNetConfig config;
	private final int trainingSize;
	private final int embeddingSize;
	private final List<Block> maskEncoders = new ArrayList<>();
	private final List<Block> conditionEncoders = new ArrayList<>();
	private final List<Block> filters = new ArrayList<>();
	private final Block bottleneck;
	private final List<Block> upsamplers = new ArrayList<>();
	private final List<Block> decoders = new ArrayList<>();
	private final Block head;
	/** The MLP of the step embedding: two layers of embeddingSize. */
	private final Parameter[] mlp = new Parameter[4];
	/** Per level a projection of the embedding to the level's features: encoders 0..depth-1, bottleneck, decoders depth-1..0. */
	private final List<Parameter[]> projections = new ArrayList<>();

	/**
	 * @param config       depth, base features, image channels, dropout (one output: the noise of the binary mask)
	 * @param trainingSize side of the training tiles, which sizes the FF-Parser's weight maps
	 */
	public DiffusionUNetBlock(UNetConfig config, int trainingSize) {
		super(VERSION);
		org.lesionseg.unet.core.engine.OneDnnSwitch.apply();
		this.config = config.copy();
		this.trainingSize = trainingSize;
		this.embeddingSize = 4 * config.baseFeatures();
		mlp[0] = weight("time_w1", embeddingSize, embeddingSize);
		mlp[1] = bias("time_b1", embeddingSize);
		mlp[2] = weight("time_w2", embeddingSize, embeddingSize);
		mlp[3] = bias("time_b2", embeddingSize);
		int depth = config.depth();
		for (int level = 0; level < depth; level++) {
			int features = config.featuresAt(level);
			maskEncoders.add(addChildBlock("mask" + level, DoubleConvBlock.create(features, 0f)));
			conditionEncoders.add(addChildBlock("condition" + level, DoubleConvBlock.create(features, 0f)));
			filters.add(addChildBlock("ffparser" + level, new FrequencyFilter(features, trainingSize >> level)));
			projections.add(projection("time_down" + level, features));
		}
		bottleneck = addChildBlock("bottleneck", DoubleConvBlock.create(config.featuresAt(depth), config.dropout()));
		projections.add(projection("time_bottleneck", config.featuresAt(depth)));
		for (int level = depth - 1; level >= 0; level--) {
			upsamplers.add(addChildBlock("up" + level, new UpConv2x2Block(config.featuresAt(level))));
			decoders.add(addChildBlock("decode" + level, DoubleConvBlock.create(config.featuresAt(level), 0f)));
			projections.add(projection("time_up" + level, config.featuresAt(level)));
		}
		head = addChildBlock("head", Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(1).build());
	}

	private Parameter weight(String name, int out, int in) {
		return addParameter(Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).optShape(new Shape(out, in)).build());
	}

	private Parameter bias(String name, int size) {
		return addParameter(Parameter.builder().setName(name).setType(Parameter.Type.BIAS).optShape(new Shape(size)).build());
	}

	private Parameter[] projection(String name, int features) {
		return new Parameter[] { weight(name + "_w", features, embeddingSize), bias(name + "_b", features) };
	}

	public UNetConfig config() {
		return config.copy();
	}

	public int trainingSize() {
		return trainingSize;
	}

	/**
	 * The shapes of the weights in the order DJL stores them (this block's own parameters, then its children's), as
	 * the model file's check needs them before any weight is read.
	 */
	public static List<long[]> parameterShapes(UNetConfig config, int trainingSize) {
		List<long[]> shapes = new ArrayList<>();
		long e = 4L * config.baseFeatures();
		shapes.add(new long[] { e, e });
		shapes.add(new long[] { e });
		shapes.add(new long[] { e, e });
		shapes.add(new long[] { e });
		int depth = config.depth();
		for (int level = 0; level < depth; level++) {
			shapes.add(new long[] { config.featuresAt(level), e });
			shapes.add(new long[] { config.featuresAt(level) });
		}
		shapes.add(new long[] { config.featuresAt(depth), e });
		shapes.add(new long[] { config.featuresAt(depth) });
		for (int level = depth - 1; level >= 0; level--) {
			shapes.add(new long[] { config.featuresAt(level), e });
			shapes.add(new long[] { config.featuresAt(level) });
		}
		long mask = 1, image = config.inputChannels();
		for (int level = 0; level < depth; level++) {
			long f = config.featuresAt(level);
			DoubleConvBlock.addShapes(shapes, mask, f);
			DoubleConvBlock.addShapes(shapes, image, f);
			long[] map = FrequencyFilter.mapShape((int) f, trainingSize >> level).getShape();
			shapes.add(map);
			shapes.add(map.clone());
			mask = image = f;
		}
		DoubleConvBlock.addShapes(shapes, 2 * mask, config.featuresAt(depth));
		for (int level = depth - 1; level >= 0; level--) {
			long out = config.featuresAt(level);
			shapes.add(new long[] { config.featuresAt(level + 1), out, 2, 2 });
			shapes.add(new long[] { out });
			DoubleConvBlock.addShapes(shapes, 2 * out, out);
		}
		shapes.add(new long[] { 1, config.featuresAt(0), 1, 1 });
		shapes.add(new long[] { 1 });
		return shapes;
	}

	@Override
	protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
		return ScratchForward.run(inputs, in -> forwardLayers(store, in, training, params));
	}

	private NDList forwardLayers(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
		NDArray m = inputs.get(0), c = inputs.get(1), t = inputs.get(2);
		NDArray embedding = timeEmbedding(store, t, training);
		int projection = 0;
		List<NDArray> skips = new ArrayList<>();
		for (int level = 0; level < maskEncoders.size(); level++) {
			m = maskEncoders.get(level).forward(store, new NDList(m), training, params).singletonOrThrow();
			m = m.add(project(store, embedding, projections.get(projection++), training));
			c = conditionEncoders.get(level).forward(store, new NDList(c), training, params).singletonOrThrow();
			m = filters.get(level).forward(store, new NDList(m), training, params).singletonOrThrow();
			m = m.add(layerNorm(m).mul(layerNorm(c)).getNDArrayInternal().sigmoid().mul(c)); // dynamic conditional encoding
			skips.add(m);
			m = Pool.maxPool2d(m, POOL, POOL, new Shape(0, 0), false);
			c = Pool.maxPool2d(c, POOL, POOL, new Shape(0, 0), false);
		}
		NDArray x = bottleneck.forward(store, new NDList(NDArrays.concat(new NDList(m, c), 1)), training, params).singletonOrThrow();
		x = x.add(project(store, embedding, projections.get(projection++), training));
		for (int i = 0; i < decoders.size(); i++) {
			x = upsamplers.get(i).forward(store, new NDList(x), training, params).singletonOrThrow();
			x = NDArrays.concat(new NDList(skips.get(skips.size() - 1 - i), x), 1);
			x = decoders.get(i).forward(store, new NDList(x), training, params).singletonOrThrow();
			x = x.add(project(store, embedding, projections.get(projection++), training));
		}
		return head.forward(store, new NDList(x), training, params);
	}

	/** Sinusoidal embedding of t (as in the Transformer and DDPM), then Linear, SiLU, Linear, SiLU: (N, embeddingSize). */
	private NDArray timeEmbedding(ParameterStore store, NDArray t, boolean training) {
		int half = embeddingSize / 2;
		float[] frequencies = new float[half];
		for (int i = 0; i < half; i++)
			frequencies[i] = (float) Math.exp(-Math.log(10000) * i / half);
		NDArray arguments = t.reshape(-1, 1).mul(t.getManager().create(frequencies).reshape(1, half));
		NDArray e = NDArrays.concat(new NDList(arguments.sin(), arguments.cos()), 1);
		e = Activation.swish(linear(store, e, mlp[0], mlp[1], training), 1f);
		return Activation.swish(linear(store, e, mlp[2], mlp[3], training), 1f);
	}

	private static NDArray linear(ParameterStore store, NDArray x, Parameter w, Parameter b, boolean training) {
		return Linear.linear(x, store.getValue(w, x.getDevice(), training), store.getValue(b, x.getDevice(), training)).singletonOrThrow();
	}

	/** The embedding projected to a level's features, shaped (N, F, 1, 1) to add to its feature maps. */
	private static NDArray project(ParameterStore store, NDArray embedding, Parameter[] projection, boolean training) {
		NDArray p = linear(store, embedding, projection[0], projection[1], training);
		return p.reshape(p.getShape().get(0), p.getShape().get(1), 1, 1);
	}

	/** Layer normalisation over channels and pixels of each sample, without learned scale (the fusion weights it). */
	static NDArray layerNorm(NDArray x) {
		Shape shape = x.getShape();
		NDArray flat = x.reshape(shape.get(0), -1); // the engine's mean takes one axis at a time
		NDArray centred = flat.sub(flat.mean(new int[] { 1 }, true));
		return centred.div(centred.square().mean(new int[] { 1 }, true).add(1e-5f).sqrt()).reshape(shape);
	}

	@Override
	public Shape[] getOutputShapes(Shape[] inputShapes) {
		Shape s = inputShapes[0];
		return new Shape[] { new Shape(s.get(0), 1, s.get(2), s.get(3)) };
	}

	@Override
	protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
		Shape mask = inputShapes[0], image = inputShapes[1];
		List<Shape> skipShapes = new ArrayList<>();
		for (int level = 0; level < maskEncoders.size(); level++) {
			maskEncoders.get(level).initialize(manager, dataType, mask);
			conditionEncoders.get(level).initialize(manager, dataType, image);
			mask = maskEncoders.get(level).getOutputShapes(new Shape[] { mask })[0];
			image = conditionEncoders.get(level).getOutputShapes(new Shape[] { image })[0];
			filters.get(level).initialize(manager, dataType, mask);
			skipShapes.add(mask);
			mask = new Shape(mask.get(0), mask.get(1), mask.get(2) / 2, mask.get(3) / 2);
			image = new Shape(image.get(0), image.get(1), image.get(2) / 2, image.get(3) / 2);
		}
		Shape shape = new Shape(mask.get(0), mask.get(1) + image.get(1), mask.get(2), mask.get(3));
		UNetBlock.initializeDecoder(manager, dataType, shape, bottleneck, upsamplers, decoders, skipShapes, head);
	}
}
