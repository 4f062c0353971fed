package org.lesionseg.unet.core.interop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.lesionseg.unet.core.UnetException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The files of a bioimage.io package (a .zip or a folder holding {@code rdf.yaml}) and typed reads of its parsed
 * YAML, each failing with one line that names what is missing or wrong.
 */
final class Rdf {

	private final Path location;
	private final Map<String, byte[]> zipped;
	final Map<?, ?> root;

	private Rdf(Path location, Map<String, byte[]> zipped) {
		this.location = location;
		this.zipped = zipped;
		String text = new String(file("rdf.yaml"), StandardCharsets.UTF_8);
		Object parsed;
		try {
			parsed = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
		} catch (YAMLException e) {
			throw new UnetException("rdf.yaml of " + location + " is not valid YAML: " + TorchScriptTileNetwork.firstLine(e.getMessage()), e);
		}
		this.root = map(parsed, "rdf.yaml");
	}

	/** True for a folder with rdf.yaml or a .zip with rdf.yaml (at its top or in one folder). */
	static boolean isPackage(Path path) {
		if (Files.isDirectory(path))
			return Files.isRegularFile(path.resolve("rdf.yaml")) || Files.isRegularFile(path.resolve("bioimageio.yaml"));
		if (!Files.isRegularFile(path) || !path.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".zip"))
			return false;
		try (ZipFile zip = new ZipFile(path.toFile())) {
			return zip.stream().anyMatch(e -> isRdfName(e.getName()));
		} catch (IOException e) {
			return false;
		}
	}

	private static boolean isRdfName(String entry) {
		String name = entry.substring(entry.lastIndexOf('/') + 1);
		return (name.equals("rdf.yaml") || name.equals("bioimageio.yaml")) && entry.chars().filter(c -> c == '/').count() <= 1;
	}

	static Rdf open(Path path) {
		if (Files.isDirectory(path)) {
			if (!isPackage(path))
				throw new UnetException(path + " has no rdf.yaml: it is not a bioimage.io package");
			return new Rdf(path, null);
		}
		Map<String, byte[]> files = new HashMap<>();
		try (ZipFile zip = new ZipFile(path.toFile())) {
			String prefix = null;
			for (ZipEntry e : java.util.Collections.list(zip.entries()))
				if (isRdfName(e.getName()))
					prefix = e.getName().substring(0, e.getName().lastIndexOf('/') + 1);
			if (prefix == null)
				throw new UnetException(path + " has no rdf.yaml: it is not a bioimage.io package");
			for (ZipEntry e : java.util.Collections.list(zip.entries()))
				if (!e.isDirectory() && e.getName().startsWith(prefix))
					files.put(e.getName().substring(prefix.length()), zip.getInputStream(e).readAllBytes());
		} catch (IOException e) {
			throw new UnetException("cannot read the bioimage.io package " + path + ": " + e.getMessage(), e);
		}
		if (!files.containsKey("rdf.yaml") && files.containsKey("bioimageio.yaml"))
			files.put("rdf.yaml", files.get("bioimageio.yaml"));
		return new Rdf(path, files);
	}

	/** A file of the package by its relative name (as rdf.yaml gives it). */
	byte[] file(String name) {
		String relative = name.startsWith("./") ? name.substring(2) : name;
		if (relative.contains("://"))
			throw new UnetException("the bioimage.io package " + location + " refers to " + name + " online; nothing is downloaded: use a package with its files inside");
		if (zipped != null) {
			byte[] data = zipped.get(relative);
			if (data == null)
				throw new UnetException("the bioimage.io package " + location + " lacks the file " + name + " that rdf.yaml names");
			return data;
		}
		Path file = location.resolve(relative).normalize();
		if (relative.equals("rdf.yaml") && !Files.isRegularFile(file))
			file = location.resolve("bioimageio.yaml");
		if (!file.startsWith(location.normalize()) || !Files.isRegularFile(file))
			throw new UnetException("the bioimage.io package " + location + " lacks the file " + name + " that rdf.yaml names");
		try {
			return Files.readAllBytes(file);
		} catch (IOException e) {
			throw new UnetException("cannot read " + file + ": " + e.getMessage(), e);
		}
	}

	Path location() {
		return location;
	}

	static Map<?, ?> map(Object value, String what) {
		if (!(value instanceof Map))
			throw new UnetException(what + " must be a mapping in rdf.yaml" + (value == null ? " and is missing" : ", got " + value));
		return (Map<?, ?>) value;
	}

	static List<?> list(Object value, String what) {
		if (!(value instanceof List))
			throw new UnetException(what + " must be a list in rdf.yaml" + (value == null ? " and is missing" : ", got " + value));
		return (List<?>) value;
	}

	static String text(Object value, String what) {
		if (value == null)
			throw new UnetException(what + " is missing in rdf.yaml");
		return String.valueOf(value);
	}

	static int integer(Object value, String what) {
		if (!(value instanceof Number))
			throw new UnetException(what + " must be a whole number in rdf.yaml" + (value == null ? " and is missing" : ", got " + value));
		return ((Number) value).intValue();
	}
}
