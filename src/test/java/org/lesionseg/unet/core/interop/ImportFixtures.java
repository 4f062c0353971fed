package org.lesionseg.unet.core.interop;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import javax.imageio.ImageIO;

/** The files src/test/python/make_fixtures.py wrote into src/test/resources/interop (committed: no Python needed). */
public final class ImportFixtures {

	private ImportFixtures() {
	}

	public static final Path FOLDER = Paths.get("src/test/resources/interop");
	/** A tiny U-Net (depth 2: sizes multiple of 4, 1 channel, pixel/255, logits) traced with torch.jit.trace. */
	public static final Path TORCHSCRIPT = FOLDER.resolve("tiny_unet.pt");
	/** A real 128x128 crop of a BHSD CT slice (8-bit) and PyTorch's probability for it. */
	public static final Path CROP = FOLDER.resolve("crop128.png");
	public static final Path CROP_PROBABILITY = FOLDER.resolve("crop128_prob.npy");
	/** bioimage.io 0.5.3, torchscript weights, scale_linear, sigmoid, binarize. */
	public static final Path PACKAGE_TS_05 = FOLDER.resolve("bioimageio-ts-05.zip");
	/** bioimage.io 0.4.10, onnx weights, scale_range (percentiles 1 and 99.8), sigmoid. */
	public static final Path PACKAGE_ONNX_04 = FOLDER.resolve("bioimageio-onnx-04.zip");

	/** The crop's raw grey values (raster samples, no colour conversion). */
	public static float[] cropPixels() throws IOException {
		BufferedImage image = ImageIO.read(CROP.toFile());
		Raster r = image.getRaster();
		return r.getSamples(0, 0, r.getWidth(), r.getHeight(), 0, new float[r.getWidth() * r.getHeight()]);
	}

	public static Npy npy(Path file) throws IOException {
		return Npy.read(Files.readAllBytes(file), file.getFileName().toString());
	}
}
