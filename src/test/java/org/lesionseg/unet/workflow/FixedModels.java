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
		return write(file, seed, new UNetConfig().depth(2).baseFeatures(4).inputChannels(1), null);
	}

	/** As {@link #grey}, with a softmax head over background and the named classes. */
	public static Path classes(Path file, long seed, java.util.List<String> names) {
		java.util.List<String> all = new java.util.ArrayList<>();
		all.add("background");
		all.addAll(names);
		return write(file, seed, new UNetConfig().depth(2).baseFeatures(4).inputChannels(1).outputClasses(names.size() + 1), all);
	}

	private static Path write(Path file, long seed, UNetConfig config, java.util.List<String> classNames) {
		try (NDManager manager = NDManager.newBaseManager()) {
			UNetBlock block = new UNetBlock(config);
			block.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 32, 32));
			WeightInit.pytorchDefault(block, seed);
			ModelInfo info = ModelInfo.of(config);
			info.normalization = "scale01";
			info.trainingSize = 32;
			info.inputMode = "resize";
			info.inputScale = 1;
			if (classNames != null)
				info.classNames = classNames;
			ModelFile.save(file, block, info, null, null);
		}
		return file;
	}
}
