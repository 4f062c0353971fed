package org.lesionseg.unet.core.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;

import org.junit.jupiter.api.Test;
import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.data.Normalization;
import org.lesionseg.unet.core.engine.DeviceChoice;
import org.lesionseg.unet.core.predict.Segmenter;
import org.lesionseg.unet.core.predict.TiledPredictor;

/**
 * Networks trained in PyTorch run here as PyTorch runs them: a TorchScript U-Net and bioimage.io packages with
 * TorchScript (format 0.5) and ONNX (format 0.4) weights, each checked against outputs PyTorch itself computed.
 */
class ImportedModelsTest {

	private static final ImportedModels.Description TINY = new ImportedModels.Description().channels(1).sizeMultiple(4)
		.normalization(Normalization.SCALE_01).outputsLogits(true);

	private static Segmenter open(java.nio.file.Path file, ModelFormat format, int tile) {
		TiledPredictor.Options tiling = new TiledPredictor.Options();
		tiling.tile = tile;
		return ImportedModels.open(file, format, TINY, DeviceChoice.parse("cpu"), tiling);
	}

	private static double maxDifference(float[] a, float[] b) {
		assertEquals(a.length, b.length);
		double max = 0;
		for (int i = 0; i < a.length; i++)
			max = Math.max(max, Math.abs(a[i] - b[i]));
		return max;
	}

	@Test
	void tiledPredictionOfTheTorchScriptUNetEqualsPyTorchsOwnOnARealSlice() throws IOException {
		Npy expected = ImportFixtures.npy(ImportFixtures.CROP_PROBABILITY);
		assertArrayEquals(new long[] { 128, 128 }, expected.shape);
		try (Segmenter segmenter = open(ImportFixtures.TORCHSCRIPT, ModelFormat.AUTO, 0)) {
			assertTrue(segmenter.isImported());
			assertEquals(256, segmenter.tileSize(), "imported networks carry no training size: 256-px tiles by default");
			float[] p = segmenter.probability("crop", ImportFixtures.cropPixels(), 128, 128, 1, 8);
			double max = maxDifference(p, expected.values);
			System.out.println("TorchScript via DJL vs PyTorch 1.13, 128x128 CT crop: max |difference| " + max);
			assertTrue(max < 1e-4, "max difference " + max);
		}
	}

	@Test
	void smallerTilesBlendToNearlyTheSameMap() throws IOException {
		try (Segmenter whole = open(ImportFixtures.TORCHSCRIPT, ModelFormat.TORCHSCRIPT, 128);
			Segmenter tiled = open(ImportFixtures.TORCHSCRIPT, ModelFormat.TORCHSCRIPT, 64)) {
			float[] a = whole.probability("crop", ImportFixtures.cropPixels(), 128, 128, 1, 8);
			float[] b = tiled.probability("crop", ImportFixtures.cropPixels(), 128, 128, 1, 8);
			int disagree = 0;
			for (int i = 0; i < a.length; i++)
				if ((a[i] > 0.5f) != (b[i] > 0.5f))
					disagree++;
			assertTrue(disagree < a.length / 50, disagree + " of " + a.length + " pixels change side with 64-px tiles");
		}
	}

	@Test
	void bioImageIo05PackageWithTorchScriptWeightsReproducesItsTestTensor() {
		BioImageIoPackage p = BioImageIoPackage.read(ImportFixtures.PACKAGE_TS_05);
		assertEquals("torchscript", p.weightsFormat);
		assertEquals(4, p.sizeStep);
		assertTrue(p.outputsLogits);
		assertEquals(0.5, p.binarizeThreshold, 0);
		Npy in = p.testInput(), out = p.testOutput();
		int h = (int) in.shape[2], w = (int) in.shape[3];
		try (Segmenter s = ImportedModels.open(ImportFixtures.PACKAGE_TS_05, ModelFormat.AUTO, null, DeviceChoice.parse("cpu"), new TiledPredictor.Options())) {
			assertTrue(s.source().contains("bioimage.io package"), s.source());
			float[] prob = s.probability("test_input", in.values, w, h, 1, 32);
			int wrong = 0;
			for (int i = 0; i < prob.length; i++)
				if (Math.abs(prob[i] - p.binarizeThreshold) > 1e-4 && (prob[i] > p.binarizeThreshold ? 1f : 0f) != out.values[i])
					wrong++;
			assertEquals(0, wrong, "pixels on the other side of the package's binarize threshold");
		}
	}

	@Test
	void bioImageIo04PackageWithOnnxWeightsAndPercentileScalingReproducesItsTestTensor() {
		BioImageIoPackage p = BioImageIoPackage.read(ImportFixtures.PACKAGE_ONNX_04);
		assertEquals("onnx", p.weightsFormat);
		assertEquals(java.util.List.of("scale_range"), p.preprocessingSteps());
		Npy in = p.testInput(), out = p.testOutput();
		int h = (int) in.shape[2], w = (int) in.shape[3];
		try (Segmenter s = ImportedModels.open(ImportFixtures.PACKAGE_ONNX_04, ModelFormat.BIOIMAGEIO, null, DeviceChoice.parse("cpu"),
			new TiledPredictor.Options())) {
			float[] prob = s.probability("test_input", in.values, w, h, 1, 32);
			double max = maxDifference(prob, out.values);
			System.out.println("bioimage.io 0.4 ONNX package (onnxruntime, scale_range) vs PyTorch: max |difference| " + max);
			assertTrue(max < 1e-4, "max difference " + max);
		}
	}

	@Test
	void aTorchScriptFileThatIsNotOneSaysSoInOneLine() throws IOException {
		java.nio.file.Path bad = java.nio.file.Files.createTempFile("not-torchscript", ".pt");
		try {
			java.nio.file.Files.write(bad, "just text".getBytes());
			UnetException e = assertThrows(UnetException.class, () -> open(bad, ModelFormat.AUTO, 0).close());
			assertTrue(e.getMessage().contains("is not a TorchScript module"), e.getMessage());
			assertFalse(e.getMessage().contains("\n"), e.getMessage());
		} finally {
			java.nio.file.Files.delete(bad);
		}
	}
}
