package org.lesionseg.unet.core.interop;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

import org.lesionseg.unet.core.model.UNetBlock;
import org.lesionseg.unet.core.model.UNetConfig;
import org.lesionseg.unet.core.model.UpConv2x2Block;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;

/**
 * The engine's U-Net as an ONNX graph (opset {@value OnnxGraph#OPSET}): Conv with the BatchNorm folded into its
 * weights and bias, Relu, MaxPool 2×2, ConvTranspose 2×2 stride 2 (the up-convolution's weights are already in
 * PyTorch's and ONNX's (C_in, C_out, 2, 2) layout), Concat (skip first), the 1×1 head and a Sigmoid: the output is
 * the foreground probability. Input "input" (batch, channel, y, x) with dynamic batch, y and x; y and x must be
 * multiples of 2^depth; output "output" (batch, 1, y, x). Dropout is left out (inference).
 */
public final class UNetOnnx {

	public static final String INPUT = "input";
	public static final String OUTPUT = "output";
	static final String[] DIMENSIONS = { "batch", "channel", "y", "x" };

	private UNetOnnx() {
	}

	/**
	 * The ONNX file of an initialised U-Net block.
	 *
	 * @throws org.lesionseg.unet.core.UnetException for another kind of network (a diffusion model's sampler has no single graph)
	 */
	public static byte[] export(Block network, String name, String doc) {
		if (!(network instanceof UNetBlock))
			throw new org.lesionseg.unet.core.UnetException("only U-Nets convert to ONNX; this is a " + network.getClass().getSimpleName());
		UNetBlock block = (UNetBlock) network;
		UNetConfig config = block.config();
		OnnxGraph g = new OnnxGraph();
		Iterator<Block> children = block.getChildren().values().iterator();
		String x = INPUT;
		List<String> skips = new ArrayList<>();
		for (int level = 0; level < config.depth(); level++) {
			x = doubleConv(g, children.next(), x, "down" + level);
			skips.add(x);
			x = g.node("MaxPool", List.of(x), OnnxGraph.Attribute.ints("kernel_shape", 2, 2), OnnxGraph.Attribute.ints("strides", 2, 2));
		}
		x = doubleConv(g, children.next(), x, "bottleneck");
		for (int i = 0; i < config.depth(); i++) {
			int level = config.depth() - 1 - i;
			Block up = children.next();
			if (!(up instanceof UpConv2x2Block))
				throw new IllegalStateException("expected the up-convolution of level " + level + ", found " + up.getClass().getSimpleName());
			String w = constant(g, "up" + level + ".weight", up.getParameters().get("weight"));
			String b = constant(g, "up" + level + ".bias", up.getParameters().get("bias"));
			x = g.node("ConvTranspose", List.of(x, w, b), OnnxGraph.Attribute.ints("kernel_shape", 2, 2), OnnxGraph.Attribute.ints("strides", 2, 2));
			x = g.node("Concat", List.of(skips.get(level), x), OnnxGraph.Attribute.integer("axis", 1));
			x = doubleConv(g, children.next(), x, "decode" + level);
		}
		Block head = children.next();
		String hw = constant(g, "head.weight", head.getParameters().get("weight"));
		String hb = constant(g, "head.bias", head.getParameters().get("bias"));
		x = g.node("Conv", List.of(x, hw, hb), OnnxGraph.Attribute.ints("kernel_shape", 1, 1));
		// a multi-class network's probabilities: softmax over its K+1 channels (opset 13: per pixel)
		x = config.outputClasses() > 1 ? g.node("Softmax", OUTPUT, List.of(x), OnnxGraph.Attribute.integer("axis", 1)) : g.node("Sigmoid", OUTPUT, List.of(x));
		g.metadata("size_multiple", String.valueOf(config.sizeMultiple()));
		g.metadata("output", "probability");
		return g.model(name, INPUT, new long[] { -1, config.inputChannels(), -1, -1 }, x, new long[] { -1, config.outputClasses(), -1, -1 }, DIMENSIONS,
			"unet-segmentation", version(), doc);
	}

	/** The plugin's version, as the ONNX producer's. */
	private static String version() {
		String v = UNetOnnx.class.getPackage().getImplementationVersion();
		return v == null ? "dev" : v;
	}

	/** Conv (BatchNorm folded in) and Relu, twice; Dropout skipped. */
	private static String doubleConv(OnnxGraph g, Block block, String x, String name) {
		if (!(block instanceof SequentialBlock))
			throw new IllegalStateException(name + " is not a double convolution: " + block.getClass().getSimpleName());
		Conv2d conv = null;
		int index = 0;
		for (Block child : block.getChildren().values()) {
			if (child instanceof Conv2d) {
				conv = (Conv2d) child;
			} else if (child instanceof BatchNorm) {
				if (conv == null)
					throw new IllegalStateException(name + ": BatchNorm without a convolution before it");
				float[][] folded = fold(conv, (BatchNorm) child);
				long[] shape = conv.getParameters().get("weight").getArray().getShape().getShape();
				String prefix = name + ".conv" + index++;
				String w = g.constant(prefix + ".weight", folded[0], shape);
				String b = g.constant(prefix + ".bias", folded[1], shape[0]);
				long kh = shape[2], kw = shape[3];
				x = g.node("Conv", List.of(x, w, b), OnnxGraph.Attribute.ints("kernel_shape", kh, kw),
					OnnxGraph.Attribute.ints("pads", kh / 2, kw / 2, kh / 2, kw / 2));
				x = g.node("Relu", List.of(x));
				conv = null;
			} else if (!(child instanceof Dropout) && !isRelu(child)) {
				throw new IllegalStateException(name + ": unexpected layer " + child.getClass().getSimpleName());
			}
		}
		return x;
	}

	private static boolean isRelu(Block block) {
		return block instanceof ai.djl.nn.LambdaBlock;
	}

	/** Weights and bias of conv followed by BatchNorm at inference: w·γ/√(σ²+ε), β − μ·γ/√(σ²+ε) (+ the conv's bias). */
	static float[][] fold(Conv2d conv, BatchNorm norm) {
		float[] w = conv.getParameters().get("weight").getArray().toFloatArray();
		Parameter convBias = conv.getParameters().contains("bias") ? conv.getParameters().get("bias") : null;
		float[] gamma = norm.getParameters().get("gamma").getArray().toFloatArray();
		float[] beta = norm.getParameters().get("beta").getArray().toFloatArray();
		float[] mean = norm.getParameters().get("runningMean").getArray().toFloatArray();
		float[] var = norm.getParameters().get("runningVar").getArray().toFloatArray();
		int out = gamma.length, per = w.length / out;
		float[] fw = new float[w.length];
		float[] fb = new float[out];
		float[] b0 = convBias == null || convBias.getArray() == null ? new float[out] : convBias.getArray().toFloatArray();
		for (int o = 0; o < out; o++) {
			double scale = gamma[o] / Math.sqrt((double) var[o] + UNetBlock.BATCH_NORM_EPSILON);
			for (int i = 0; i < per; i++)
				fw[o * per + i] = (float) (w[o * per + i] * scale);
			fb[o] = (float) (beta[o] + (b0[o] - mean[o]) * scale);
		}
		return new float[][] { fw, fb };
	}

	private static String constant(OnnxGraph g, String name, Parameter p) {
		if (p == null || p.getArray() == null)
			throw new IllegalStateException(name + " has no values: initialise the network first");
		long[] shape = p.getArray().getShape().getShape();
		return g.constant(name, p.getArray().toFloatArray(), Arrays.copyOf(shape, shape.length));
	}
}
