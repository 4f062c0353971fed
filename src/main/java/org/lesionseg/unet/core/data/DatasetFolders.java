package org.lesionseg.unet.core.data;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.lesionseg.unet.core.UnetException;

/**
 * Finds the image files of a data set and pairs them with their masks.
 * <p>
 * Hidden files, sub-folders and system files ({@code Thumbs.db}, {@code desktop.ini}) are skipped silently; other
 * files that are not images are skipped with a warning in the returned {@link Listing}. Files are ordered by file
 * name (plain character order, as Python's {@code sorted} does), so results do not depend on the file system.
 * Images and masks may share one folder (as in the Kaggle LGG set, {@code x.tif} + {@code x_mask.tif}): masks are
 * then the files with a mask suffix.
 */
public final class DatasetFolders {

	/** Suffixes a mask's base name may carry beyond its image's base name, tried in this order. */
	public static final List<String> MASK_SUFFIXES = Collections.unmodifiableList(java.util.Arrays.asList("_mask", "-mask", "_label", "-label"));

	private static final Set<String> SYSTEM_FILES = new HashSet<>(java.util.Arrays.asList("thumbs.db", "desktop.ini", "ehthumbs.db"));
	private static final int LISTED_NAMES = 5;

	private DatasetFolders() {
	}

	/** {@link #pair(Path, Path, Pairing)} by name. */
	public static Listing<ImageMaskPair> pair(Path imagesDir, Path masksDir) {
		return pair(imagesDir, masksDir, Pairing.BY_NAME);
	}

	/**
	 * Pairs every image in {@code imagesDir} with a mask in {@code masksDir}, ordered by image file name.
	 *
	 * @throws UnetException when a folder is missing or has no images, when counts differ or names do not match (up to
	 *             five unmatched names are listed), or when two files share a base name
	 */
	public static Listing<ImageMaskPair> pair(Path imagesDir, Path masksDir, Pairing pairing) {
		List<String> warnings = new ArrayList<>();
		boolean sameFolder = sameFolder(imagesDir, masksDir);
		List<Path> images = new ArrayList<>(), masks = new ArrayList<>();
		if (sameFolder) {
			if (pairing == Pairing.SORTED)
				throw new UnetException("images and masks are both in " + imagesDir + ": sorted pairing needs separate folders; pair by name instead");
			for (Path file : imageFiles(imagesDir, "image", warnings))
				(hasMaskSuffix(ImageFiles.baseName(file)) ? masks : images).add(file);
			if (images.isEmpty())
				throw new UnetException("folder " + imagesDir + " holds only mask files (names ending in " + String.join(", ", MASK_SUFFIXES) + "): choose the folder with the images");
			if (masks.isEmpty())
				throw new UnetException("images and masks are both set to " + imagesDir + " but no file name there ends in " + String.join(", ", MASK_SUFFIXES)
						+ ": choose the masks folder");
		} else {
			images = imageFiles(imagesDir, "image", warnings);
			masks = imageFiles(masksDir, "mask", warnings);
		}
		List<ImageMaskPair> pairs = pairing == Pairing.SORTED ? pairSorted(images, masks, imagesDir, masksDir) : pairByName(images, masks, imagesDir, masksDir);
		return new Listing<>(pairs, warnings);
	}

	private static List<ImageMaskPair> pairSorted(List<Path> images, List<Path> masks, Path imagesDir, Path masksDir) {
		if (images.size() != masks.size())
			throw new UnetException(imagesDir + " has " + images.size() + " images but " + masksDir + " has " + masks.size()
					+ " masks: sorted pairing needs the same number in both folders");
		List<ImageMaskPair> pairs = new ArrayList<>(images.size());
		for (int i = 0; i < images.size(); i++)
			pairs.add(new ImageMaskPair(ImageFiles.baseName(images.get(i)), images.get(i), masks.get(i)));
		return pairs;
	}

	private static List<ImageMaskPair> pairByName(List<Path> images, List<Path> masks, Path imagesDir, Path masksDir) {
		Map<String, Path> imagesByName = byBaseName(images, "image");
		byBaseName(masks, "mask"); // only to reject duplicate mask names
		// A mask answers to its own base name and to that name without a mask suffix.
		Map<String, List<Path>> masksByKey = new LinkedHashMap<>();
		for (Path mask : masks) {
			String base = ImageFiles.baseName(mask);
			masksByKey.computeIfAbsent(base, k -> new ArrayList<>()).add(mask);
			String stripped = stripMaskSuffix(base);
			if (stripped != null)
				masksByKey.computeIfAbsent(stripped, k -> new ArrayList<>()).add(mask);
		}
		List<ImageMaskPair> pairs = new ArrayList<>();
		List<String> withoutMask = new ArrayList<>();
		Map<Path, Path> imageOfMask = new HashMap<>();
		for (Map.Entry<String, Path> image : imagesByName.entrySet()) {
			List<Path> candidates = masksByKey.getOrDefault(image.getKey(), Collections.emptyList());
			if (candidates.isEmpty()) {
				withoutMask.add(image.getValue().getFileName().toString());
				continue;
			}
			if (candidates.size() > 1)
				throw new UnetException("image " + image.getValue().getFileName() + " has several possible masks (" + fileNames(candidates) + ") in " + masksDir
						+ ": keep only one");
			Path mask = candidates.get(0);
			Path other = imageOfMask.put(mask, image.getValue());
			if (other != null)
				throw new UnetException("mask " + mask.getFileName() + " matches two images (" + other.getFileName() + " and " + image.getValue().getFileName()
						+ "): rename one of them");
			pairs.add(new ImageMaskPair(image.getKey(), image.getValue(), mask));
		}
		List<String> withoutImage = new ArrayList<>();
		for (Path mask : masks)
			if (!imageOfMask.containsKey(mask))
				withoutImage.add(mask.getFileName().toString());
		if (!withoutMask.isEmpty() || !withoutImage.isEmpty()) {
			StringBuilder message = new StringBuilder("images and masks do not match (" + images.size() + " images in " + imagesDir + ", " + masks.size() + " masks in "
					+ masksDir + ")");
			if (!withoutMask.isEmpty())
				message.append("; no mask for ").append(firstNames(withoutMask));
			if (!withoutImage.isEmpty())
				message.append("; no image for ").append(firstNames(withoutImage));
			message.append(": give each mask its image's name (optionally ending in _mask), or pair sorted file names");
			throw new UnetException(message.toString());
		}
		return pairs;
	}

	/**
	 * The image files to predict on: all images of a folder (by file name), or the single file given.
	 *
	 * @throws UnetException when the path is missing, has no images or is a file of an unsupported type
	 */
	public static Listing<Path> listImages(Path folderOrFile) {
		if (!Files.exists(folderOrFile))
			throw new UnetException("input " + folderOrFile + " does not exist: choose an image file or a folder of images");
		if (!Files.isDirectory(folderOrFile)) {
			if (!ImageFiles.isSupported(folderOrFile))
				throw new UnetException(folderOrFile + " is not a supported image file (supported: " + extensions() + ")");
			return new Listing<>(Collections.singletonList(folderOrFile), Collections.emptyList());
		}
		List<String> warnings = new ArrayList<>();
		return new Listing<>(imageFiles(folderOrFile, "image", warnings), warnings);
	}

	/**
	 * The mask files of a folder by the base name of their image (without a mask suffix), for looking up the masks of
	 * some of the images; masks without an image are allowed.
	 */
	public static Map<String, Path> masksByImageName(Path masksDir) {
		Map<String, Path> masks = new HashMap<>();
		for (Path f : listImages(masksDir)) {
			String base = ImageFiles.baseName(f), stripped = stripMaskSuffix(base);
			masks.putIfAbsent(stripped == null ? base : stripped, f);
		}
		return masks;
	}

	/** Whether a base name ends with one of the {@link #MASK_SUFFIXES} (any case). */
	static boolean hasMaskSuffix(String baseName) {
		return stripMaskSuffix(baseName) != null;
	}

	/** The base name without its mask suffix (matched in any case), or null if it has none. */
	static String stripMaskSuffix(String baseName) {
		String lower = baseName.toLowerCase(Locale.ROOT);
		for (String suffix : MASK_SUFFIXES)
			if (lower.endsWith(suffix) && lower.length() > suffix.length())
				return baseName.substring(0, baseName.length() - suffix.length());
		return null;
	}

	/** The supported image files of a folder, sorted by name; never empty. */
	private static List<Path> imageFiles(Path folder, String what, List<String> warnings) {
		if (!Files.exists(folder))
			throw new UnetException(what + " folder " + folder + " does not exist: check the path");
		if (!Files.isDirectory(folder))
			throw new UnetException(what + " folder " + folder + " is a file, not a folder: choose the folder that holds the " + what + "s");
		List<Path> files = new ArrayList<>();
		List<String> subFolders = new ArrayList<>();
		try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
			for (Path entry : entries) {
				String fileName = entry.getFileName().toString();
				if (fileName.startsWith(".") || SYSTEM_FILES.contains(fileName.toLowerCase(Locale.ROOT)) || isHidden(entry))
					continue;
				if (Files.isDirectory(entry))
					subFolders.add(fileName);
				else if (ImageFiles.isSupported(entry))
					files.add(entry);
				else
					warnings.add("skipped " + fileName + " in " + folder + ": not an image file (supported: " + extensions() + ")");
			}
		} catch (IOException e) {
			throw new UnetException(what + " folder " + folder + " cannot be listed: " + e.getMessage(), e);
		}
		if (files.isEmpty()) {
			Collections.sort(subFolders);
			String hint = subFolders.isEmpty() ? "" : " (it has sub-folders " + firstNames(subFolders) + ": choose the one with the " + what + "s)";
			throw new UnetException(what + " folder " + folder + " contains no image files of a supported type (" + extensions() + ")" + hint);
		}
		files.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
		return files;
	}

	private static boolean isHidden(Path file) {
		try {
			return Files.isHidden(file);
		} catch (IOException e) {
			return false;
		}
	}

	private static Map<String, Path> byBaseName(List<Path> files, String what) {
		Map<String, Path> byName = new LinkedHashMap<>();
		for (Path file : files) {
			Path previous = byName.put(ImageFiles.baseName(file), file);
			if (previous != null)
				throw new UnetException("two " + what + " files share the base name " + ImageFiles.baseName(file) + " (" + previous.getFileName() + " and "
						+ file.getFileName() + ") in " + file.getParent() + ": keep only one");
		}
		return byName;
	}

	private static boolean sameFolder(Path a, Path b) {
		try {
			return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
		} catch (IOException e) {
			return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
		}
	}

	private static String fileNames(List<Path> files) {
		List<String> names = new ArrayList<>();
		for (Path file : files)
			names.add(file.getFileName().toString());
		return String.join(", ", names);
	}

	/** Up to five names, then how many more. */
	static String firstNames(List<String> names) {
		List<String> shown = names.subList(0, Math.min(LISTED_NAMES, names.size()));
		String text = String.join(", ", shown);
		return names.size() > LISTED_NAMES ? text + " (and " + (names.size() - LISTED_NAMES) + " more)" : text;
	}

	private static String extensions() {
		return "." + String.join(", .", ImageFiles.supportedExtensions());
	}
}
