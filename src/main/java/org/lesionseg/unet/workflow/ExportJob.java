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
import org.lesionseg.unet.core.interop.BioimagePackage;
import org.lesionseg.unet.core.modelfile.ModelBundle;
import org.lesionseg.unet.core.modelfile.ModelFile;
import org.lesionseg.unet.core.modelfile.ModelInfo;

import com.google.gson.JsonObject;

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

		Outcome(BioimagePackage.Result r) {
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
			return new Outcome(BioimagePackage.write(model, request.model(), request.metadata(model.info.summary()), test, request.threshold(), manager,
				request.packageFile()));
		}
	}

	/** Only the U-Net is exported for now: another kind of network (a diffusion model) is refused with one line. */
	static void refuseOtherKinds(Path model) {
		JsonObject metadata = ModelBundle.peek(model);
		if (metadata.has("kind") && metadata.get("kind").isJsonPrimitive() && !"unet".equalsIgnoreCase(metadata.get("kind").getAsString()))
			throw new UnetException(model + " is a " + metadata.get("kind").getAsString()
				+ " model: only U-Net models can be exported to bioimage.io for now (a diffusion sampler has no single ONNX graph)");
	}

	/** The request's test image, else the model's own first test (or validation) image found in its images folder. */
	static Sample testImage(ExportRequest request, ModelInfo info) {
		Path file = request.testImage();
		int slice = 0;
		if (file == null) {
			Path folder = info.imagesFolder == null ? null : Path.of(info.imagesFolder);
			if (folder == null || !Files.isDirectory(folder))
				throw new UnetException("the model's images folder " + info.imagesFolder + " is not here: give a test image (test_image / --test-image)");
			List<String> wanted = Stream.concat(info.testImages.stream(), info.valImages.stream()).collect(Collectors.toList());
			try (Stream<Path> listing = Files.list(folder)) {
				List<Path> images = listing.filter(ImageFiles::isSupported).sorted().collect(Collectors.toList());
				for (String name : wanted) {
					String base = name.replaceAll("_s(\\d{3,})$", "");
					for (Path p : images)
						if (ImageFiles.baseName(p).equals(base)) {
							file = p;
							slice = base.equals(name) ? 0 : Integer.parseInt(name.substring(base.length() + 2)) - 1; // names count slices from 1
							break;
						}
					if (file != null)
						break;
				}
			} catch (IOException e) {
				throw new UnetException("cannot list the model's images folder " + folder + ": give a test image (test_image / --test-image)", e);
			}
			if (file == null)
				throw new UnetException("none of the model's test images is in " + folder + ": give a test image (test_image / --test-image)");
		}
		LoadedImage image = ImageFiles.read(file);
		if (slice >= image.slices())
			slice = 0;
		return Sample.of(ImageFiles.baseName(file), image.plane(slice).clone(), image.width(), image.height(), image.channels(), null);
	}
}
