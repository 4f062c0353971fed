package org.lesionseg.unet.plugins;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.data.ImageFiles;
import org.lesionseg.unet.core.data.LoadedImage;
import org.lesionseg.unet.ij.ImagePlusConversion;

import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.ImageProcessor;

/**
 * A training set on disk as Train UNet reads it: {@code images/} and {@code masks/} with one file per slice, paired by
 * name ({@code brain_s012.png} with {@code brain_s012.png}). Slices of several open images can be added one after the
 * other, so that they become one set; the images of one set must be of one kind (all 8-bit grey, all RGB, ...).
 * <p>
 * Image values are written unchanged: 8-bit grey and RGB as PNG (or TIFF), 16-bit and 32-bit always as TIFF, which
 * holds them exactly. Masks are 8-bit with 255 for lesion.
 */
public final class TrainingSetFolder {

	/** Which slices of an image to add. */
	public enum Slices {
		/** Every slice: slices without lesion teach the network what is not a lesion. */
		ALL,
		/** The slice on show. */
		CURRENT,
		/** Only slices whose mask has a lesion. */
		WITH_LESION;

		/** Parses all, current or with_lesion. */
		public static Slices fromName(String name) {
			String n = name == null ? "" : name.trim().toUpperCase(Locale.ROOT).replace(' ', '_').replace('-', '_');
			for (Slices s : values())
				if (s.name().equals(n))
					return s;
			throw new UnetException("unknown slices choice '" + name + "': use all, current or with_lesion");
		}
	}

	private final Path folder;
	private final boolean tiff;

	/**
	 * @param format png or tiff (the file type of 8-bit and RGB images and of masks)
	 */
	public TrainingSetFolder(Path folder, String format) {
		this.folder = folder;
		String f = format == null ? "" : format.trim().toLowerCase(Locale.ROOT);
		if (!f.equals("png") && !f.equals("tiff") && !f.equals("tif"))
			throw new UnetException("unknown file_format '" + format + "': use png or tiff");
		this.tiff = !f.equals("png");
	}

	public Path imagesDir() {
		return folder.resolve("images");
	}

	public Path masksDir() {
		return folder.resolve("masks");
	}

	/** The number of image files in the set. */
	public int imageCount() {
		int count = 0;
		if (Files.isDirectory(imagesDir()))
			try (DirectoryStream<Path> files = Files.newDirectoryStream(imagesDir())) {
				for (Path f : files)
					if (ImageFiles.isSupported(f) && !f.getFileName().toString().startsWith("."))
						count++;
			} catch (IOException e) {
				throw new UnetException("cannot list " + imagesDir() + ": " + e.getMessage());
			}
		return count;
	}

	/**
	 * Adds slices of an image with their masks.
	 *
	 * @param masks one 0/1 mask per (z, t) plane of the image
	 * @param replace whether a slice already in the set (same name) is replaced; otherwise nothing is written
	 * @return the names of the slices written, in order
	 * @throws UnetException if the image does not suit the set, or a slice is already there and {@code replace} is false
	 */
	public List<String> add(ImagePlus image, List<byte[]> masks, Slices slices, boolean replace) {
		int planes = ImagePlusConversion.planes(image);
		if (masks.size() != planes)
			throw new UnetException(image.getTitle() + " has " + planes + " slices but " + masks.size() + " masks were given");
		if (image.getNChannels() > 1)
			throw new UnetException(image.getTitle() + " has " + image.getNChannels() + " channels: a training set file holds one grey channel or RGB; "
				+ "convert it to RGB (Image > Type > RGB Color) or keep one channel (Image > Duplicate)");
		List<Integer> chosen = choose(image, masks, slices);
		if (chosen.isEmpty())
			throw new UnetException("no slice of " + image.getTitle() + " has a lesion: nothing to add (use slices=all to add slices without lesion)");
		createFolders();
		checkKind(image);
		List<String> names = new ArrayList<>();
		for (int plane : chosen) {
			String name = fileName(ImagePlusConversion.sampleName(image, plane));
			List<Path> existing = existing(name);
			if (!existing.isEmpty() && !replace)
				throw new UnetException("the training set " + folder + " already holds " + name + " (" + existing.get(0).getFileName()
					+ "): tick replace_existing to replace it, or rename the image");
			names.add(name);
		}
		for (int i = 0; i < chosen.size(); i++) {
			String name = names.get(i);
			for (Path old : existing(name))
				delete(old);
			writeImage(planeProcessor(image, chosen.get(i)), name, image);
			writeMask(masks.get(chosen.get(i) - 1), image.getWidth(), image.getHeight(), name);
		}
		return names;
	}

	/** The 1-based planes to add. */
	static List<Integer> choose(ImagePlus image, List<byte[]> masks, Slices slices) {
		List<Integer> chosen = new ArrayList<>();
		int planes = masks.size();
		if (slices == Slices.CURRENT) {
			chosen.add(Math.min(planes, (image.getT() - 1) * image.getNSlices() + image.getZ()));
			return chosen;
		}
		for (int p = 1; p <= planes; p++)
			if (slices == Slices.ALL || hasLesion(masks.get(p - 1)))
				chosen.add(p);
		return chosen;
	}

	private static boolean hasLesion(byte[] mask) {
		for (byte b : mask)
			if (b != 0)
				return true;
		return false;
	}

	/** Slice names made safe as file names on every system. */
	static String fileName(String sampleName) {
		return sampleName.replaceAll("[\\\\/:*?\"<>|\\s]+", "_");
	}

	private void createFolders() {
		try {
			Files.createDirectories(imagesDir());
			Files.createDirectories(masksDir());
		} catch (IOException e) {
			throw new UnetException("cannot create the training set folders in " + folder + ": " + e.getMessage());
		}
	}

	/** A set holds images of one kind: a model takes one number of channels and one value range. */
	private void checkKind(ImagePlus image) {
		Path first = firstImage();
		if (first == null)
			return;
		LoadedImage there = ImageFiles.read(first);
		int channels = image.getBitDepth() == 24 ? 3 : 1;
		int bitDepth = ImagePlusConversion.bitDepth(image);
		if (there.channels() != channels || there.bitDepth() != bitDepth)
			throw new UnetException("the training set " + folder + " holds " + kind(there.bitDepth(), there.channels()) + " images (" + first.getFileName()
				+ ") but " + image.getTitle() + " is " + kind(bitDepth, channels) + ": convert it (Image > Type) or start another set");
	}

	private static String kind(int bitDepth, int channels) {
		return channels == 3 ? "RGB" : bitDepth + "-bit grey";
	}

	private Path firstImage() {
		try (DirectoryStream<Path> files = Files.newDirectoryStream(imagesDir())) {
			for (Path f : files)
				if (ImageFiles.isSupported(f) && !f.getFileName().toString().startsWith("."))
					return f;
		} catch (IOException e) {
			throw new UnetException("cannot list " + imagesDir() + ": " + e.getMessage());
		}
		return null;
	}

	/** Image and mask files of the set with this name, whatever their extension. */
	private List<Path> existing(String name) {
		List<Path> found = new ArrayList<>();
		for (Path dir : new Path[] { imagesDir(), masksDir() })
			if (Files.isDirectory(dir))
				try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
					for (Path f : files)
						if (ImageFiles.isSupported(f) && ImageFiles.baseName(f).equals(name))
							found.add(f);
				} catch (IOException e) {
					throw new UnetException("cannot list " + dir + ": " + e.getMessage());
				}
		return found;
	}

	private static void delete(Path file) {
		try {
			Files.deleteIfExists(file);
		} catch (IOException e) {
			throw new UnetException("cannot replace " + file + ": " + e.getMessage());
		}
	}

	private static ImageProcessor planeProcessor(ImagePlus image, int plane) {
		int z = (plane - 1) % image.getNSlices() + 1;
		int t = (plane - 1) / image.getNSlices() + 1;
		return image.getStack().getProcessor(image.getStackIndex(1, z, t));
	}

	private void writeImage(ImageProcessor ip, String name, ImagePlus source) {
		int w = ip.getWidth(), h = ip.getHeight();
		if (!tiff && ip instanceof ByteProcessor) {
			ImageFiles.writePng8(imagesDir().resolve(name + ".png"), (byte[]) ip.getPixels(), w, h);
		} else if (!tiff && ip instanceof ColorProcessor) {
			ImageFiles.writePngRgb(imagesDir().resolve(name + ".png"), (int[]) ip.getPixels(), w, h);
		} else {
			ImagePlus one = new ImagePlus(name, ip.duplicate());
			one.setCalibration(source.getCalibration());
			saveTiff(one, imagesDir().resolve(name + ".tif"));
		}
	}

	private void writeMask(byte[] mask01, int w, int h, String name) {
		byte[] pixels = new byte[mask01.length];
		for (int i = 0; i < pixels.length; i++)
			pixels[i] = mask01[i] != 0 ? (byte) 255 : 0;
		if (!tiff)
			ImageFiles.writePng8(masksDir().resolve(name + ".png"), pixels, w, h);
		else
			saveTiff(new ImagePlus(name, new ByteProcessor(w, h, pixels)), masksDir().resolve(name + ".tif"));
	}

	private static void saveTiff(ImagePlus imp, Path file) {
		if (!new FileSaver(imp).saveAsTiff(file.toString()))
			throw new UnetException("cannot write " + file + (IJ.getErrorMessage() == null ? "" : ": " + IJ.getErrorMessage()));
	}
}
