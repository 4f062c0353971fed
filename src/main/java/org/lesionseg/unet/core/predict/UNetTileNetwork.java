package org.lesionseg.unet.core.predict;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

/** The engine's own network (a DJL block with one logit channel) as a {@link TileNetwork}: sigmoid of its output. */
public final class UNetTileNetwork implements TileNetwork {

	private final Block block;
	private final NDManager manager;
	private final int outputs;

	/** @param manager the manager (and device) that holds the block's weights */
	public UNetTileNetwork(Block block, NDManager manager) {
		this.block = block;
		this.manager = manager;
		this.outputs = block instanceof org.lesionseg.unet.core.model.UNetBlock ? ((org.lesionseg.unet.core.model.UNetBlock) block).config().outputClasses() : 1;
	}

	/** 1 for a binary network; K+1 for a multi-class one (the foreground, then each class: {@link ClassMaps}). */
	@Override
	public int outputMaps() {
		return outputs;
	}

	@Override
	public void run(ByteBuffer input, int n, int c, int h, int w, float[] output) {
		try (NDManager batchManager = manager.newSubManager()) {
			// the tensor reads the caller's buffer itself; it is closed with batchManager before the buffer is refilled
			NDArray batchInput = batchManager.create(input, new Shape(n, c, h, w), DataType.FLOAT32);
			NDArray logits = block.forward(new ParameterStore(batchManager, false), new NDList(batchInput), false).singletonOrThrow();
			NDArray p = outputs > 1 ? ClassMaps.fromLogits(logits) : logits.getNDArrayInternal().sigmoid();
			// on the CPU a view of the tensor's memory, elsewhere a copy to the host
			p.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer().get(output, 0, n * outputs * h * w);
		}
	}
}
