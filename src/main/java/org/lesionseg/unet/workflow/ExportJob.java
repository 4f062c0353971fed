package org.lesionseg.unet.workflow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.data.ImageFiles;
import org.lesionseg.unet.core.data.LoadedImage;
import org.lesionseg.unet.core.data.Sample;
import org.lesionseg.unet.core.interop.BioImageIoPackageWriter;
import org.lesionseg.unet.core.modelfile.ModelFile;
import org.lesionseg.unet.core.modelfile.ModelInfo;


import ai.djl.ndarray.NDManager;
import ai.djl.Device;

/** Writes the bioimage.io package an {@link ExportRequest} asks for: the one implementation behind every entry point. */
public final class ExportJob {

	private ExportJob() {
	}

	/** What an export wrote: the package, its size, the input size rule and the ONNX check on the test input. */
	public static final class Outcome {
		public final Path packageFile;
		public final long bytes;
		/** Input sides must be multiples of this (bioimage.io's min and step). */
		public final int step;
		public final int testWidth;
		public final int testHeight;
		/** Largest |onnxruntime − engine| probability on the test input. */
		public final double maxDifference;
		public final int foregroundPixels;

		Outcome(BioImageIoPackageWriter.Result r) {
			packageFile = r.file;
			bytes = r.bytes;
			step = r.step;
			testWidth = r.testWidth;
			testHeight = r.testHeight;
			maxDifference = r.maxDifference;
			foregroundPixels = r.foregroundPixels;
		}
	}

	/** Runs the export; the outcome says where the package is, its size and the ONNX check. */
	public static Outcome run(ExportRequest request) {
		refuseOtherKinds(request.model());
		try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
			ModelFile.Loaded model = ModelFile.load(request.model(), manager);
			Sample test = testImage(request, model.info);
			return new Outcome(BioImageIoPackageWriter.write(model, request.model(), request.metadata(model.info.summary()), test, request.threshold(), manager,
				request.packageFile()));
		}
	}

	/** Only the U-Net is exported for now: another kind of network (a diffusion model) is refused with one line. */
	static void refuseOtherKinds(Path model) {
		ModelInfo info = ModelFile.readInfo(model);
		if (info.isDiffusion())
			throw new UnetException(model + " is a " + info.kind()
				+ " model: only U-Net models can be exported to bioimage.io for now (a diffusion sampler has no single ONNX graph)");
		if (info.isMultiClass())
			throw new UnetException(model + " segments " + info.foregroundClasses()
				+ " classes: only binary models can be exported to bioimage.io for now (its package describes one thresholded probability map)");
	}

	/** How many of the model's test images are looked at for the one with the most contrast. */
	private static final int CANDIDATES = 50;

	/**
	 * The request's test image, else the model's own test (or validation) image with the most contrast (the first
	 * slices of a volume are often empty and would make a black cover), found in its images folder.
	 */
	static Sample testImage(ExportRequest request, ModelInfo info) {
		Path file = request.testImage();
		if (file != null) {
			LoadedImage image = ImageFiles.read(file);
			return Sample.of(ImageFiles.baseName(file), image.plane(0).clone(), image.width(), image.height(), image.channels(), null);
		}
		Path folder = info.imagesFolder == null ? null : Path.of(info.imagesFolder);
		if (folder == null || !Files.isDirectory(folder))
			throw new UnetException("the model's images folder " + info.imagesFolder + " is not here: give a test image (test_image / --test-image)");
		List<String> wanted = Stream.concat(info.testImages.stream(), info.valImages.stream()).limit(CANDIDATES).collect(Collectors.toList());
		List<Path> images;
		try (Stream<Path> listing = Files.list(folder)) {
			images = listing.filter(ImageFiles::isSupported).sorted().collect(Collectors.toList());
		} catch (IOException e) {
			throw new UnetException("cannot list the model's images folder " + folder + ": give a test image (test_image / --test-image)", e);
		}
		Sample best = null;
		double bestSpread = -1;
		for (String name : wanted) {
			String base = name.replaceAll("_s(\\d{3,})$", "");
			int slice = base.equals(name) ? 0 : Integer.parseInt(name.substring(base.length() + 2)) - 1; // names count slices from 1
			for (Path p : images)
				if (ImageFiles.baseName(p).equals(base)) {
					LoadedImage image = ImageFiles.read(p);
					float[] plane = image.plane(slice < image.slices() ? slice : 0).clone();
					double spread = standardDeviation(plane);
					if (spread > bestSpread) {
						bestSpread = spread;
						best = Sample.of(name, plane, image.width(), image.height(), image.channels(), null);
					}
					break;
				}
		}
		if (best == null)
			throw new UnetException("none of the model's test images is in " + folder + ": give a test image (test_image / --test-image)");
		return best;
	}

	private static double standardDeviation(float[] values) {
		double sum = 0, squares = 0;
		for (float v : values) {
			sum += v;
			squares += (double) v * v;
		}
		double mean = sum / values.length;
		return Math.sqrt(Math.max(0, squares / values.length - mean * mean));
	}
}
