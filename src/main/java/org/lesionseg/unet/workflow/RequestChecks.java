package org.lesionseg.unet.workflow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.predict.MaskPostprocessing;
import org.lesionseg.unet.core.predict.TiledPredictor;

/** The checks that the requests share, each in one place, with messages naming the key as the user spelled it. */
final class RequestChecks {

	private RequestChecks() {
	}

	/** An existing model file: a missing path and a folder are told apart. */
	static Path modelFile(Path model, Spelling spelling) {
		String key = spelling.of("model_file");
		if (model == null || model.toString().trim().isEmpty())
			throw new UnetException(key + " is missing: give the model file (.zip) written by Train UNet");
		if (Files.isDirectory(model))
			throw new UnetException(key + " " + model + " is a folder, not a model file: give the .zip file written by Train UNet");
		if (!Files.isRegularFile(model))
			throw new UnetException(key + " " + model + " does not exist: give a model file written by Train UNet");
		return model;
	}

	/** Threshold, minimum object size and hole filling. */
	static MaskPostprocessing.Options postprocessing(double threshold, int minSize, boolean fillHoles, Spelling spelling) {
		if (!MaskPostprocessing.Options.validThreshold(threshold))
			throw new UnetException(spelling.of("threshold") + " must be between 0 and 1 (exclusive), got " + threshold);
		if (minSize < 0)
			throw new UnetException(spelling.of("min_size") + " must not be negative, got " + minSize);
		return new MaskPostprocessing.Options().threshold((float) threshold).minSize(minSize).fillHoles(fillHoles);
	}

	/** Tile size (0 = the training size), overlap (negative = a quarter tile) and tiles per batch. */
	static TiledPredictor.Options tiling(int tile, int overlap, int tileBatch, Spelling spelling) {
		if (tile < 0)
			throw new UnetException(spelling.of("tile") + " must be positive, or 0 for the training size; got " + tile);
		if (tileBatch < 1)
			throw new UnetException(spelling.of("tile_batch") + " must be at least 1, got " + tileBatch);
		TiledPredictor.Options t = new TiledPredictor.Options();
		t.tile = tile;
		t.overlap = overlap;
		t.tileBatch = tileBatch;
		return t;
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
			throw new UnetException(spelling.of("output_folder") + " " + output + " is the input folder: choose another folder, so that the results are not taken for images next time");
		if (out.startsWith(in))
			throw new UnetException(spelling.of("output_folder") + " " + output + " is inside the input folder " + inputFolder
				+ ": choose a folder outside it, so that the results are not taken for images next time");
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
