package org.lesionseg.unet.workflow;

import java.nio.file.Path;

import org.lesionseg.unet.core.model.UNetBlock;
import org.lesionseg.unet.core.model.UNetConfig;
import org.lesionseg.unet.core.model.WeightInit;
import org.lesionseg.unet.core.modelfile.ModelFile;
import org.lesionseg.unet.core.modelfile.ModelInfo;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** Model files written directly with fixed weights: for tests of what happens around a network, not of learning. */
public final class FixedModels {

	private FixedModels() {
	}

	/** A grey U-Net of depth 2, base 4, training size 32, PyTorch-style weights from this seed. */
	public static Path grey(Path file, long seed) {
		UNetConfig config = new UNetConfig().depth(2).baseFeatures(4).inputChannels(1);
		try (NDManager manager = NDManager.newBaseManager()) {
			UNetBlock block = new UNetBlock(config);
			block.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 32, 32));
			WeightInit.pytorchDefault(block, seed);
			ModelInfo info = ModelInfo.of(config);
			info.normalization = "scale01";
			info.trainingSize = 32;
			info.inputMode = "resize";
			info.inputScale = 1;
			ModelFile.save(file, block, info, null, null);
		}
		return file;
	}
}
