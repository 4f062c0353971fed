package org.lesionseg.unet.plugins;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.data.MaskPolicy;
import org.lesionseg.unet.core.predict.MaskPostprocessing;
import org.lesionseg.unet.core.predict.TiledPredictor;

/** Turns the commands' parameter values into the core's options, with messages that name the macro key. */
final class Inputs {

	private Inputs() {
	}

	/** True if a file or folder was given (dialogs may hand over an empty path for an empty field). */
	static boolean given(File file) {
		return file != null && !file.getPath().trim().isEmpty();
	}

	/** The path of a required file or folder key. */
	static Path required(File file, String key, String what) {
		if (!given(file))
			throw new UnetException(key + " is missing: give " + what + " (" + key + "=[path])");
		return file.toPath();
	}

	/** The path of an optional key, or null. */
	static Path optional(File file) {
		return given(file) ? file.toPath() : null;
	}

	/** An existing folder. */
	static Path existingFolder(File file, String key, String what) {
		Path dir = required(file, key, what);
		if (!Files.exists(dir))
			throw new UnetException(key + " " + dir + " does not exist: give the folder with " + what);
		if (!Files.isDirectory(dir))
			throw new UnetException(key + " " + dir + " is a file, not a folder: give the folder with " + what);
		return dir;
	}

	/** An existing model file. */
	static Path existingModel(File file, String key) {
		Path model = required(file, key, "the model file (.zip) written by Train UNet");
		if (Files.isDirectory(model))
			throw new UnetException(key + " " + model + " is a folder, not a model file: give the model's .zip file written by Train UNet");
		if (!Files.exists(model))
			throw new UnetException(key + " " + model + " does not exist: give a model file written by Train UNet");
		if (!Files.isRegularFile(model))
			throw new UnetException(key + " " + model + " is not a regular file: give the model's .zip file written by Train UNet");
		return model;
	}

	/** Creates the folder a file will be written into. */
	static void createParent(Path file) {
		Path parent = file.toAbsolutePath().getParent();
		try {
			if (parent != null)
				Files.createDirectories(parent);
		} catch (IOException e) {
			throw new UnetException("cannot create the folder " + parent + " for " + file.getFileName() + ": " + e.getMessage());
		}
	}

	static MaskPolicy maskPolicy(String name) {
		String n = name == null ? "" : name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
		for (MaskPolicy p : MaskPolicy.values())
			if (p.name().equals(n))
				return p;
		throw new UnetException("unknown mask_policy '" + name + "': use strict or threshold_half");
	}

	/** Threshold, minimum object size and hole filling, checked. */
	static MaskPostprocessing.Options postprocessing(double threshold, int minSize, boolean fillHoles) {
		if (!(threshold > 0 && threshold < 1))
			throw new UnetException("threshold must be between 0 and 1 (exclusive), got " + threshold);
		if (minSize < 0)
			throw new UnetException("min_size must not be negative, got " + minSize);
		return new MaskPostprocessing.Options().threshold((float) threshold).minSize(minSize).fillHoles(fillHoles);
	}

	/** Tile size (0 = the training size), overlap (negative = a quarter tile) and tiles per batch, checked. */
	static TiledPredictor.Options tiling(int tile, int overlap, int tileBatch) {
		if (tile < 0)
			throw new UnetException("tile must be positive, or 0 for the training size; got " + tile);
		if (tileBatch < 1)
			throw new UnetException("tile_batch must be at least 1, got " + tileBatch);
		TiledPredictor.Options t = new TiledPredictor.Options();
		t.tile = tile;
		t.overlap = overlap;
		t.tileBatch = tileBatch;
		return t;
	}
}
