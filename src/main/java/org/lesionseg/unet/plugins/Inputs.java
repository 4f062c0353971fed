package org.lesionseg.unet.plugins;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.lesionseg.unet.core.UnetException;

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
}
