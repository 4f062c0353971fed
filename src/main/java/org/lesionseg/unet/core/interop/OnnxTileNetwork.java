package org.lesionseg.unet.core.interop;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Collections;
import java.util.Map;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.predict.TileNetwork;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;

/**
 * An ONNX network run by onnxruntime on the CPU, as a {@link TileNetwork}: one NCHW float input, one output whose
 * first channel is the foreground (logits, passed through a sigmoid, or probabilities, taken as they are).
 * Used for exported models (the "onnx" runtime) and imported bioimage.io packages with ONNX weights.
 */
public final class OnnxTileNetwork implements TileNetwork, AutoCloseable {

	private final OrtEnvironment environment;
	private final OrtSession session;
	private final String inputName;
	private final boolean outputsLogits;
	/** A multi-class network's softmax channels (K+1), given as ClassMaps lays them out; 0 for one foreground map. */
	private int softmaxOutputs;

	/**
	 * @param model         the ONNX file's bytes
	 * @param outputsLogits true when the output needs a sigmoid to become a probability
	 * @param threads       intra-op threads (0: onnxruntime's choice)
	 */
	public OnnxTileNetwork(byte[] model, boolean outputsLogits, int threads) {
		this(model, outputsLogits, threads, true);
	}

	/**
	 * @param pooledMemory false for a short-lived session beside a training (one validation pass): without
	 *                     onnxruntime's memory arena and its per-shape memory plans, it allocates as it goes and gives
	 *                     the memory back at once; in the end-to-end bench validation took 0.26 instead of 0.51 s
	 *                     (15 images, 2 runs each), peak memory unchanged
	 */
	public OnnxTileNetwork(byte[] model, boolean outputsLogits, int threads, boolean pooledMemory) {
		this.environment = OrtEnvironment.getEnvironment();
		this.outputsLogits = outputsLogits;
		try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
			if (threads > 0)
				options.setIntraOpNumThreads(threads);
			if (!pooledMemory) {
				options.setCPUArenaAllocator(false);
				options.setMemoryPatternOptimization(false);
			}
			this.session = environment.createSession(model, options);
		} catch (OrtException e) {
			throw new UnetException("onnxruntime cannot read this ONNX network: " + e.getMessage(), e);
		}
		if (session.getNumInputs() != 1 || session.getNumOutputs() < 1) {
			closeQuietly();
			throw new UnetException("the ONNX network has " + session.getNumInputs() + " inputs and " + session.getNumOutputs()
				+ " outputs: only networks with one image input are supported");
		}
		this.inputName = session.getInputNames().iterator().next();
	}

	/**
	 * Reads the output as a softmax over background and K classes: the maps are then the foreground (1 - background)
	 * and each class's probability ({@code org.lesionseg.unet.core.predict.ClassMaps}).
	 */
	public OnnxTileNetwork softmaxMaps(int outputs) {
		this.softmaxOutputs = outputs;
		return this;
	}

	@Override
	public int outputMaps() {
		return softmaxOutputs > 0 ? softmaxOutputs : 1;
	}

	/** The input's declared shape (−1 for free sizes), e.g. [-1, 1, -1, -1]. */
	public long[] inputShape() {
		try {
			NodeInfo input = session.getInputInfo().get(inputName);
			return ((TensorInfo) input.getInfo()).getShape();
		} catch (OrtException | ClassCastException e) {
			throw new UnetException("cannot read the ONNX network's input shape: " + e.getMessage(), e);
		}
	}

	@Override
	public void run(ByteBuffer input, int n, int c, int h, int w, float[] output) {
		FloatBuffer values = input.asFloatBuffer();
		values.limit(n * c * h * w);
		try (OnnxTensor tensor = OnnxTensor.createTensor(environment, values, new long[] { n, c, h, w });
			OrtSession.Result result = session.run(Collections.singletonMap(inputName, tensor))) {
			OnnxTensor out = (OnnxTensor) result.get(0);
			long[] shape = out.getInfo().getShape();
			long plane = (long) h * w;
			if (shape.length != 4 || shape[0] != n || shape[2] != h || shape[3] != w)
				throw new UnetException("the ONNX network gave an output of shape " + java.util.Arrays.toString(shape) + " for an input of "
					+ java.util.Arrays.toString(new long[] { n, c, h, w }) + ": expected (N, channels, H, W) of the same size");
			FloatBuffer probabilities = out.getFloatBuffer();
			long channels = shape[1];
			if (softmaxOutputs > 0) {
				if (channels != softmaxOutputs)
					throw new UnetException("the ONNX network gave " + channels + " channels where " + softmaxOutputs + " classes were expected");
				for (int t = 0; t < n; t++)
					for (int k = 0; k < channels; k++)
						for (int i = 0; i < plane; i++) {
							float p = probabilities.get((int) ((t * channels + k) * plane + i));
							output[(int) ((t * channels + k) * plane + i)] = k == 0 ? 1 - p : p;
						}
				return;
			}
			for (int t = 0; t < n; t++)
				for (int i = 0; i < plane; i++) {
					float v = probabilities.get((int) (t * channels * plane + i));
					output[(int) (t * plane + i)] = outputsLogits ? (float) (1 / (1 + Math.exp(-v))) : v;
				}
		} catch (OrtException e) {
			throw new UnetException("onnxruntime failed: " + e.getMessage(), e);
		}
	}

	/** The input name and outputs as onnxruntime sees them (for messages and info). */
	public Map<String, NodeInfo> outputs() {
		try {
			return session.getOutputInfo();
		} catch (OrtException e) {
			throw new UnetException("cannot read the ONNX network's outputs: " + e.getMessage(), e);
		}
	}

	private void closeQuietly() {
		try {
			session.close();
		} catch (OrtException ignored) {
			// nothing left to free
		}
	}

	@Override
	public void close() {
		closeQuietly();
	}
}
