package org.lesionseg.unet.core.interop;

import java.nio.file.Path;
import java.util.Random;

import org.lesionseg.unet.core.engine.OneDnnSwitch;
import org.lesionseg.unet.core.model.UNetBlock;
import org.lesionseg.unet.core.model.UNetConfig;
import org.lesionseg.unet.core.model.WeightInit;
import org.lesionseg.unet.core.modelfile.ModelFile;
import org.lesionseg.unet.core.modelfile.ModelInfo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

/**
 * Model files for export tests: PyTorch-style weights and, unlike a fresh network, BatchNorm running statistics of
 * real activations and affine parameters away from 1 and 0 (as after training), so that folding them into the convolutions is really tested.
 */
public final class ExportModels {

	private ExportModels() {
	}

	public static Path write(Path file, UNetConfig config, int trainingSize, String normalization, long seed) {
		try (NDManager manager = NDManager.newBaseManager()) {
			UNetBlock block = new UNetBlock(config);
			block.initialize(manager, DataType.FLOAT32, new Shape(1, config.inputChannels(), trainingSize, trainingSize));
			WeightInit.pytorchDefault(block, seed);
			Random random = new Random(seed + 1);
			// running statistics of real activations, as training leaves them (forward passes in training mode update them)
			// with oneDNN off where its kernels are not exact (OneDnnSwitch): NaN or drifting statistics otherwise
			for (int step = 0; step < 30; step++)
				try (NDManager batch = manager.newSubManager(); OneDnnSwitch.Scope exact = OneDnnSwitch.trainingStep()) {
					NDArray x = batch.randomNormal(new Shape(2, config.inputChannels(), trainingSize, trainingSize)).mul(2).add(0.5);
					block.forward(new ParameterStore(batch, false), new NDList(x), true);
				}
			for (Pair<String, Parameter> p : block.getParameters()) {
				String name = p.getKey();
				Parameter parameter = p.getValue();
				float[] values = new float[(int) parameter.getArray().size()];
				if (name.endsWith("gamma"))
					fill(values, random, 0.5, 1.5);
				else if (name.endsWith("beta"))
					fill(values, random, -0.3, 0.3);
				else if (name.contains("head")) {
					// a steeper head: probabilities spread over (0, 1) instead of all near 0.5
					values = parameter.getArray().mul(8).toFloatArray();
				} else
					continue;
				parameter.getArray().set(values);
			}
			ModelInfo info = ModelInfo.of(config);
			info.normalization = normalization;
			info.trainingSize = trainingSize;
			info.inputMode = "resize";
			info.inputScale = 1;
			info.epochsDone = 3;
			info.bestEpoch = 2;
			info.bestValDice = 0.5;
			info.metrics.put("test_pooled_dice", 0.42);
			ModelFile.save(file, block, info, null, null);
		}
		return file;
	}

	private static void fill(float[] values, Random random, double low, double high) {
		for (int i = 0; i < values.length; i++)
			values[i] = (float) (low + random.nextDouble() * (high - low));
	}
}
