package org.lesionseg.unet.workflow;

import java.io.IOException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.interop.BioImageIoPackage;
import org.lesionseg.unet.core.interop.ModelFormat;
import org.lesionseg.unet.core.predict.MaskPostprocessing;
import org.lesionseg.unet.core.predict.TiledPredictor;
import org.lesionseg.unet.workflow.options.CommonOptions;
import org.lesionseg.unet.workflow.options.SegmentOptions;

/** The checks that the requests share, each in one place, with messages naming the key as the user spelled it. */
final class RequestChecks {

	private RequestChecks() {
	}

	/** An existing model file: a missing path and a folder are told apart. */
	static Path modelFile(Path model, Spelling spelling) {
		String key = spelling.of(SegmentOptions.MODEL_FILE);
		if (model == null || model.toString().trim().isEmpty())
			throw new UnetException(key + " is missing: give the model file (.zip) written by Train UNet");
		if (Files.isDirectory(model))
			throw new UnetException(key + " " + model + " is a folder, not a model file: give the model's .zip file written by Train UNet");
		if (!Files.isRegularFile(model))
			throw new UnetException(key + " " + model + " does not exist; check the folder and the file name.");
		return model;
	}

	/**
	 * The model files a prediction uses: the one file given or, for a folder, an ensemble whose probabilities are
	 * averaged: the {@code fold-N/model.zip} of a cross-validation's folder, else the folder's {@code .zip} files
	 * (not the {@code .last.zip} checkpoints); sorted by name.
	 */
	static List<Path> modelFiles(Path model, Spelling spelling) {
		String key = spelling.of(SegmentOptions.MODEL_FILE);
		if (model == null || model.toString().trim().isEmpty() || !Files.isDirectory(model))
			return Collections.singletonList(modelFile(model, spelling));
		List<Path> folds = new ArrayList<>(), zips = new ArrayList<>();
		try (Stream<Path> entries = Files.list(model)) {
			for (Path p : (Iterable<Path>) entries.sorted()::iterator) {
				String name = p.getFileName().toString();
				if (Files.isDirectory(p) && name.startsWith("fold-") && Files.isRegularFile(p.resolve("model.zip")))
					folds.add(p.resolve("model.zip"));
				else if (Files.isRegularFile(p) && name.endsWith(".zip") && !name.endsWith(".last.zip"))
					zips.add(p);
			}
		} catch (IOException e) {
			throw new UnetException("cannot list the model folder " + model + " (" + e.getMessage() + ")", e);
		}
		if (!folds.isEmpty())
			return folds;
		if (!zips.isEmpty())
			return zips;
		throw new UnetException(key + " " + model + " is a folder without model files: give a model's .zip file, or a cross-validation folder "
			+ "(fold-N/model.zip) to predict with the ensemble of its folds");
	}

	/**
	 * A model to predict with: one of ours, a TorchScript file or a bioimage.io package (a .zip or a folder with
	 * rdf.yaml). Returns the format, resolved from the path when AUTO.
	 */
	static ModelFormat modelFile(Path model, ModelFormat format, Spelling spelling) {
		// a folder is a model only as an unpacked bioimage.io package; any other folder gets the model file's message
		if (model != null && Files.isDirectory(model) && format != ModelFormat.UNET && BioImageIoPackage.isPackage(model))
			return ModelFormat.BIOIMAGEIO;
		modelFile(model, spelling);
		ModelFormat resolved = format.resolve(model);
		if (resolved == ModelFormat.BIOIMAGEIO && !BioImageIoPackage.isPackage(model))
			throw new UnetException(spelling.of(SegmentOptions.MODEL_FILE) + " " + model + " has no rdf.yaml: it is not a bioimage.io package");
		return resolved;
	}

	/** Threshold, minimum object size and hole filling, checked against their one description in the registry. */
	static MaskPostprocessing.Options postprocessing(double threshold, int minSize, boolean fillHoles) {
		CommonOptions.THRESHOLD.checked(threshold);
		CommonOptions.MIN_SIZE.checked(minSize);
		return new MaskPostprocessing.Options().threshold((float) threshold).minSize(minSize).fillHoles(fillHoles);
	}

	/** Tile size (0 = the training size), overlap (-1 = a quarter tile) and tiles per batch, checked by the registry. */
	static TiledPredictor.Options tiling(int tile, int overlap, int tileBatch) {
		TiledPredictor.Options t = new TiledPredictor.Options();
		t.tile = CommonOptions.TILE.checked(tile);
		t.overlap = CommonOptions.OVERLAP.checked(overlap);
		t.tileBatch = CommonOptions.TILE_BATCH.checked(tileBatch);
		return t;
	}

	/** A device name the engine knows. */
	static String device(String device) {
		if (device == null || device.trim().isEmpty())
			throw new UnetException(CommonOptions.DEVICE.name() + " is empty: use auto, cpu, gpu, gpu:N or gpu:N,M");
		return CommonOptions.DEVICE.checked(device.trim());
	}

	/**
	 * Results must not be written into the folder they are read from, nor below it: the next run would take them for
	 * images (19 images became 57 on a second run).
	 */
	static void outputOutsideInput(Path output, Path inputFolder, Spelling spelling) {
		if (output == null || inputFolder == null)
			return;
		Path in = canonical(inputFolder);
		Path out = canonical(output);
		if (out.equals(in))
			throw new UnetException(spelling.of(SegmentOptions.OUTPUT_FOLDER) + " " + output + " is the input folder: choose another folder, so that the results are not taken for images next time");
		if (out.startsWith(in))
			throw new UnetException(spelling.of(SegmentOptions.OUTPUT_FOLDER) + " " + output + " is inside the input folder " + inputFolder
				+ ": choose a folder outside it, so that the results are not taken for images next time");
	}

	/** A folder that can be created or used: no part of its path is a file (checked without creating anything). */
	static void folderPossible(Path folder, String what) {
		if (folder == null)
			return;
		Path absolute = folder.toAbsolutePath();
		for (Path p = absolute; p != null; p = p.getParent())
			if (Files.exists(p) && !Files.isDirectory(p))
				throw new UnetException("cannot use " + absolute + " as the " + what + " folder: " + p + " is a file, not a folder; choose another path");
	}

	/** The real path of the longest existing part (symbolic links resolved), with the rest appended. */
	static Path canonical(Path path) {
		Path absolute = path.toAbsolutePath().normalize();
		Path existing = absolute;
		while (existing != null && !Files.exists(existing))
			existing = existing.getParent();
		if (existing == null)
			return absolute;
		try {
			return existing.toRealPath().resolve(existing.relativize(absolute)).normalize();
		} catch (IOException e) {
			return absolute;
		}
	}
}
