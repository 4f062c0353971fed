package org.lesionseg.unet.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.core.data.ImageFiles;
import org.lesionseg.unet.core.data.LoadedImage;
import org.lesionseg.unet.core.engine.OneDnnSwitch;
import org.lesionseg.unet.core.interop.ExportModels;
import org.lesionseg.unet.core.model.UNetConfig;
import org.lesionseg.unet.core.predict.Segmenter;
import org.lesionseg.unet.workflow.options.Option;
import org.lesionseg.unet.workflow.options.SegmentOptions;

/**
 * runtime=onnx: the model converted to ONNX in memory and run by onnxruntime through the same tiling gives the
 * engine's probabilities within 1e-4 on real slices of several sizes (tiles, overlaps, borders and partial tiles).
 */
class OnnxRuntimeChoiceTest {

	@TempDir
	Path dir;

	@Test
	void onnxRuntimeGivesTheEnginesProbabilitiesOnRealSlices() {
		Path model = ExportModels.write(dir.resolve("m.zip"), new UNetConfig().depth(3).baseFeatures(6), 48, "minmax", 9);
		Path[] slices = { Paths.get("sample-data", "isles22-case0009", "images", "sub-strokecase0009_z040.png"),
			Paths.get("sample-data", "ich-ct-bhsd", "images").toFile().listFiles()[0].toPath() };
		try (Segmenter torch = segmenter(model, "torch", 1); Segmenter onnx = segmenter(model, "onnx", 4)) {
			double worst = 0;
			for (Path slice : slices) {
				LoadedImage image = ImageFiles.read(slice);
				// the whole slice, and an odd-sized crop of it (borders, partial tiles)
				int[][] sizes = { { image.width(), image.height() }, { 75, 50 } };
				for (int[] size : sizes) {
					float[] pixels = crop(image.plane(0), image.width(), size[0], size[1]);
					float[] expected;
					// the engine's reference with oneDNN off where its forward is wrong (see UNetOnnxTest)
					try (OneDnnSwitch.Scope exact = OneDnnSwitch.trainingStep()) {
						expected = torch.probability("t", pixels, size[0], size[1], 1, image.bitDepth());
					}
					float[] actual = onnx.probability("o", pixels, size[0], size[1], 1, image.bitDepth());
					assertEquals(expected.length, actual.length);
					double d = 0;
					for (int i = 0; i < expected.length; i++)
						d = Math.max(d, Math.abs(expected[i] - actual[i]));
					worst = Math.max(worst, d);
					assertTrue(d < 1e-4, slice.getFileName() + " " + size[0] + "x" + size[1] + ": onnx differs by " + d);
				}
			}
			System.out.println("onnx runtime vs engine on real slices: max |difference| " + worst);
		}
	}

	/** Through the request a macro makes: runtime=onnx reaches the segmenter. */
	private static Segmenter segmenter(Path model, String runtime, int tileBatch) {
		Map<String, String> values = new LinkedHashMap<>();
		values.put("model_file", model.toString());
		values.put("input_folder", Paths.get("sample-data", "isles22-case0009", "images").toString());
		values.put("output_folder", model.resolveSibling("out").toString());
		values.put("tile_batch", String.valueOf(tileBatch));
		values.put("runtime", runtime);
		SegmentRequest request = SegmentRequest.of(SegmentOptions.FILES.parse(values, Option.Where.FIJI), Spelling.MACRO);
		assertEquals(runtime, request.prediction().runtime());
		return request.prediction().segmenter();
	}

	private static float[] crop(float[] plane, int width, int w, int h) {
		float[] out = new float[w * h];
		for (int y = 0; y < h; y++)
			System.arraycopy(plane, y * width, out, y * w, w);
		return out;
	}
}
