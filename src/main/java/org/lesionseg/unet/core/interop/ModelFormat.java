package org.lesionseg.unet.core.interop;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import org.lesionseg.unet.core.UnetException;

/** What kind of network a model path holds; {@link #AUTO} tells it from the path. */
public enum ModelFormat {
	AUTO, UNET, TORCHSCRIPT, BIOIMAGEIO;

	public String key() {
		return name().toLowerCase(Locale.ROOT);
	}

	/**
	 * The format of a path: a folder or .zip with rdf.yaml is a bioimage.io package, a .pt/.pth/.ts/.torchscript
	 * file is TorchScript, any other file one of our model files.
	 */
	public static ModelFormat of(Path path) {
		if (BioImageIoPackage.isPackage(path))
			return BIOIMAGEIO;
		String name = path.getFileName() == null ? "" : path.getFileName().toString().toLowerCase(Locale.ROOT);
		if (!Files.isDirectory(path) && (name.endsWith(".pt") || name.endsWith(".pth") || name.endsWith(".ts") || name.endsWith(".torchscript")))
			return TORCHSCRIPT;
		return UNET;
	}

	/** This format, or the path's own when this is AUTO. */
	public ModelFormat resolve(Path path) {
		return this == AUTO ? of(path) : this;
	}

	public static ModelFormat fromName(String name) {
		String wanted = name == null ? "" : name.trim().toLowerCase(Locale.ROOT).replaceAll("[\\s_.-]", "");
		for (ModelFormat f : values())
			if (f.key().equals(wanted))
				return f;
		throw new UnetException("unknown model format '" + name + "': use auto, unet, torchscript or bioimageio");
	}
}
