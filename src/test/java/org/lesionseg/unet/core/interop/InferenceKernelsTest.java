package org.lesionseg.unet.core.interop;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.core.engine.OneDnnSwitch;
import org.lesionseg.unet.core.model.UNetConfig;
import org.lesionseg.unet.core.modelfile.ModelFile;
import org.lesionseg.unet.core.predict.UNetTileNetwork;

import ai.djl.ndarray.NDManager;

/**
 * The engine's inference, as prediction and validation run it (oneDNN as {@link OneDnnSwitch} leaves it), against
 * onnxruntime on the same weights: on CPUs where oneDNN's kernels go wrong, this is where it shows.
 */
class InferenceKernelsTest {

	@TempDir
	Path dir;

	@Test
	void theEngineAgreesWithOnnxruntimeOnBatchesAndSingleTilesRunAfterRun() {
		OneDnnSwitch.apply();
		check(new UNetConfig().depth(3).baseFeatures(6).inputChannels(2), 32);
		check(new UNetConfig().depth(3).baseFeatures(8).inputChannels(1), 64);
		check(new UNetConfig().depth(4).baseFeatures(16).inputChannels(1), 64);
	}

	private void check(UNetConfig config, int size) {
		int c = config.inputChannels();
		Path file = ExportModels.write(dir.resolve("m" + config.baseFeatures() + ".zip"), config, size, "zscore", 11);
		try (NDManager manager = NDManager.newBaseManager()) {
			ModelFile.Loaded model = ModelFile.load(file, manager);
			UNetTileNetwork engine = new UNetTileNetwork(model.block, manager);
			try (OnnxTileNetwork reference = new OnnxTileNetwork(UNetOnnx.export(model.block, "unet", "test"), false, 1)) {
				double worst = 0;
				for (int repetition = 0; repetition < 6; repetition++)
					for (int n : new int[] { 1, 4 }) {
						int h = repetition % 2 == 0 ? size : 112, w = h, values = n * h * w;
						ByteBuffer input = UNetOnnxTest.noise(values * c, 100 + repetition);
						float[] e = new float[values], o = new float[values];
						engine.run(input, n, c, h, w, e);
						reference.run(input, n, c, h, w, o);
						for (int i = 0; i < values; i++)
							worst = Math.max(worst, Float.isNaN(e[i]) ? Double.POSITIVE_INFINITY : Math.abs(e[i] - o[i]));
					}
				System.out.println("base " + config.baseFeatures() + ": engine vs onnxruntime " + worst + " (" + OneDnnSwitch.state() + ")");
				assertTrue(worst < 1e-4, "base " + config.baseFeatures() + ": engine and onnxruntime differ by " + worst + " (" + OneDnnSwitch.state() + ")");
			}
		}
	}
}
