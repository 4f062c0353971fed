package org.lesionseg.unet.core.interop;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.predict.TileNetwork;

import ai.djl.MalformedModelException;
import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

/**
 * A TorchScript module (saved in PyTorch with {@code torch.jit.trace} or {@code torch.jit.script}) run by DJL's PyTorch
 * engine as a {@link TileNetwork}: one NCHW float input, one output of the same height and width whose first channel
 * is the foreground, as logits (a sigmoid makes them probabilities) or as probabilities.
 */
public final class TorchScriptTileNetwork implements TileNetwork, AutoCloseable {

	private final Model model;
	private final boolean outputsLogits;

	/**
	 * @param module        the TorchScript file's bytes, read here
	 * @param name          the file's name, for messages
	 * @param outputsLogits true when the output needs a sigmoid
	 */
	public TorchScriptTileNetwork(InputStream module, String name, Device device, boolean outputsLogits) {
		this.outputsLogits = outputsLogits;
		this.model = Model.newInstance("imported", device, "PyTorch");
		try {
			model.load(module);
		} catch (IOException | MalformedModelException | EngineException e) {
			model.close();
			throw new UnetException(name + " is not a TorchScript module PyTorch can load (save it with torch.jit.trace or torch.jit.script, "
				+ "then torch.jit.save): " + firstLine(e.getMessage()), e);
		}
	}

	@Override
	public void run(ByteBuffer input, int n, int c, int h, int w, float[] output) {
		try (NDManager batchManager = model.getNDManager().newSubManager()) {
			NDArray batchInput = batchManager.create(input, new Shape(n, c, h, w), DataType.FLOAT32);
			NDList result = model.getBlock().forward(new ParameterStore(batchManager, false), new NDList(batchInput), false);
			if (result.isEmpty())
				throw new UnetException("the TorchScript module returned no tensor");
			NDArray out = result.get(0);
			Shape shape = out.getShape();
			if (shape.dimension() != 4 || shape.get(0) != n || shape.get(2) != h || shape.get(3) != w)
				throw new UnetException("the TorchScript module gave an output of shape " + shape + " for an input of " + Arrays.toString(new long[] { n, c, h, w })
					+ ": expected (N, channels, H, W) of the same size (a U-Net with padded convolutions)");
			NDArray foreground = out.get(":, 0, :, :").toType(DataType.FLOAT32, false);
			if (outputsLogits)
				foreground = foreground.getNDArrayInternal().sigmoid();
			foreground.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer().get(output, 0, n * h * w);
		} catch (EngineException e) {
			throw new UnetException("the TorchScript module failed on a batch of " + n + " tiles of " + w + "x" + h + " with " + c + " channel(s): "
				+ firstLine(e.getMessage()), e);
		}
	}

	static String firstLine(String message) {
		if (message == null)
			return "no reason given";
		String line = message.trim();
		int end = line.indexOf('\n');
		return end < 0 ? line : line.substring(0, end);
	}

	@Override
	public void close() {
		model.close();
	}
}
