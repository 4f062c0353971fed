package org.lesionseg.unet.core.interop;

import org.lesionseg.unet.core.modelfile.ModelFile;
import org.lesionseg.unet.core.predict.Segmenter;
import org.lesionseg.unet.core.predict.TileNetwork;

import ai.djl.ndarray.NDManager;

/**
 * The "onnx" prediction runtime: the model file's U-Net is converted to ONNX in memory ({@link UNetOnnx}) and its
 * tiles run in onnxruntime on the CPU instead of libtorch, through the same tiling and blending.
 */
public final class OnnxRuntime implements Segmenter.Runtime {

	private final int threads;

	/** @param threads onnxruntime's intra-op threads; 0 for its own choice (one per core) */
	public OnnxRuntime(int threads) {
		this.threads = threads;
	}

	@Override
	public String describe() {
		return "onnxruntime (the model converted to ONNX in memory)";
	}

	@Override
	public TileNetwork network(ModelFile.Loaded model, NDManager manager) {
		byte[] onnx = UNetOnnx.export(model.block, "unet", "converted in memory for prediction");
		OnnxTileNetwork network = new OnnxTileNetwork(onnx, false, threads);
		return model.info.isMultiClass() ? network.softmaxMaps(model.info.outputClasses) : network;
	}
}
