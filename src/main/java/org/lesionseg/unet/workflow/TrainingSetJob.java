package org.lesionseg.unet.workflow;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.data.ImageFiles;
import org.lesionseg.unet.core.data.LoadedImage;
import org.lesionseg.unet.core.io.AtomicFiles;

import ij.ImagePlus;
import ij.io.FileSaver;
import ij.measure.Calibration;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.ImageProcessor;

/**
 * Writes image / mask pairs into a training set on disk as Train UNet reads it: {@code images/} and {@code masks/} with
 * one file per slice, paired by name ({@code brain_s012.png} with {@code brain_s012.png}). Slices of several images can
 * be added one after the other, so that they become one set; the images of one set must be of one kind (all 8-bit
 * grey, all RGB, ...).
 * <p>
 * Image values are written unchanged: 8-bit grey and RGB as PNG (or TIFF), 16-bit and 32-bit always as TIFF, which
 * holds them exactly. Masks are 8-bit with 255 for lesion (label masks of several classes keep their values 0..K).
 * Every file is written atomically.
 */
public final class TrainingSetJob {

	private TrainingSetJob() {
	}

	/** One plane of an image, with its 0/1 mask (or its label mask of several classes). */
	public static final class Plane {
		final String name;
		final ImageProcessor pixels;
		final byte[] mask;
		/** The mask holds class labels 0..K, written as they are (a 0/1 mask is written 0/255). */
		final boolean labels;

		/**
		 * @param sampleName the slice's name (e.g. {@code brain_s012}); characters no file system takes are replaced
		 */
		public Plane(String sampleName, ImageProcessor pixels, byte[] mask01) {
			this(sampleName, pixels, mask01, false);
		}

		private Plane(String sampleName, ImageProcessor pixels, byte[] mask, boolean labels) {
			if (pixels.getWidth() * pixels.getHeight() != mask.length)
				throw new IllegalArgumentException("the mask of " + sampleName + " does not fit its image");
			this.name = fileName(sampleName);
			this.pixels = pixels;
			this.mask = mask;
			this.labels = labels;
		}

		/** A plane with a label mask (0 background, 1..K), for a training of several classes. */
		public static Plane withLabels(String sampleName, ImageProcessor pixels, byte[] labels) {
			return new Plane(sampleName, pixels, labels, true);
		}
	}

	/** An image as the planes to choose from, made by the ImageJ layer. */
	public static final class Image {
		final String title;
		final List<Plane> planes;
		final int currentPlane;
		final int bitDepth;
		final boolean rgb;
		final Calibration calibration;

		/**
		 * @param currentPlane the 1-based plane on show (for {@code slices=current})
		 * @param bitDepth 8, 16 or 32 per channel
		 */
		public Image(String title, List<Plane> planes, int currentPlane, int bitDepth, boolean rgb, Calibration calibration) {
			this.title = title;
			this.planes = new ArrayList<>(planes);
			this.currentPlane = currentPlane;
			this.bitDepth = bitDepth;
			this.rgb = rgb;
			this.calibration = calibration;
		}
	}

	/** What a run added. */
	public static final class Outcome {
		/** The names of the slices written, in order. */
		public final List<String> added;
		/** The number of images in the set afterwards. */
		public final int imagesInSet;

		Outcome(List<String> added, int imagesInSet) {
			this.added = Collections.unmodifiableList(added);
			this.imagesInSet = imagesInSet;
		}
	}

	/**
	 * Adds the chosen planes of an image with their masks.
	 *
	 * @throws UnetException if no plane is chosen, the image does not suit the set, or a slice is already there and
	 *             the request does not replace it; nothing is written then
	 */
	public static Outcome run(BuildTrainingSetRequest request, Image image) {
		List<Plane> chosen = choose(image, request.slices);
		if (chosen.isEmpty())
			throw new UnetException("no slice of " + image.title + " has a lesion: nothing to add (use slices=all to add slices without lesion)");
		AtomicFiles.prepareFolder(request.imagesDir(), "training set images");
		AtomicFiles.prepareFolder(request.masksDir(), "training set masks");
		checkKind(request, image);
		for (Plane p : chosen) {
			List<Path> existing = existing(request, p.name);
			if (!existing.isEmpty() && !request.replaceExisting)
				throw new UnetException("the training set " + request.folder + " already holds " + p.name + " (" + existing.get(0).getFileName()
					+ "): tick replace_existing to replace it, or rename the image");
		}
		List<String> names = new ArrayList<>();
		boolean tiff = request.format == BuildTrainingSetRequest.FileFormat.TIFF;
		for (Plane p : chosen) {
			// a file of the same name is replaced atomically; one with another extension (png before, tif now) goes
			removeOthers(request.imagesDir(), p.name, imageFileName(p, tiff));
			removeOthers(request.masksDir(), p.name, p.name + (tiff ? ".tif" : ".png"));
			writeImage(request.imagesDir(), p, tiff, image.calibration);
			writeMask(request.masksDir(), p, tiff);
			names.add(p.name);
		}
		return new Outcome(names, imageCount(request.folder));
	}

	/** The planes a slice choice takes. */
	static List<Plane> choose(Image image, BuildTrainingSetRequest.Slices slices) {
		List<Plane> chosen = new ArrayList<>();
		if (slices == BuildTrainingSetRequest.Slices.CURRENT) {
			chosen.add(image.planes.get(Math.max(0, Math.min(image.planes.size(), image.currentPlane) - 1)));
			return chosen;
		}
		for (Plane p : image.planes)
			if (slices == BuildTrainingSetRequest.Slices.ALL || hasLesion(p.mask))
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

	/** The number of image files in a training set folder. */
	public static int imageCount(Path folder) {
		return imageFiles(folder.resolve("images")).size();
	}

	private static List<Path> imageFiles(Path dir) {
		List<Path> found = new ArrayList<>();
		if (Files.isDirectory(dir))
			try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
				for (Path f : files)
					if (ImageFiles.isSupported(f) && !f.getFileName().toString().startsWith(".") && !AtomicFiles.isTemporaryFile(f))
						found.add(f);
			} catch (IOException e) {
				throw new UnetException("cannot list " + dir + ": " + e.getMessage());
			}
		Collections.sort(found);
		return found;
	}

	/** A set holds images of one kind: a model takes one number of channels and one value range. */
	private static void checkKind(BuildTrainingSetRequest request, Image image) {
		List<Path> files = imageFiles(request.imagesDir());
		if (files.isEmpty())
			return;
		Path first = files.get(0);
		LoadedImage there = ImageFiles.read(first);
		int channels = image.rgb ? 3 : 1;
		if (there.channels() != channels || there.bitDepth() != image.bitDepth)
			throw new UnetException("the training set " + request.folder + " holds " + kind(there.bitDepth(), there.channels()) + " images ("
				+ first.getFileName() + ") but " + image.title + " is " + kind(image.bitDepth, channels) + ": convert it (Image > Type) or start another set");
	}

	private static String kind(int bitDepth, int channels) {
		return channels == 3 ? "RGB" : bitDepth + "-bit grey";
	}

	/** Image and mask files of the set with this name, whatever their extension. */
	private static List<Path> existing(BuildTrainingSetRequest request, String name) {
		List<Path> found = new ArrayList<>();
		for (Path dir : new Path[] { request.imagesDir(), request.masksDir() })
			for (Path f : imageFiles(dir))
				if (ImageFiles.baseName(f).equals(name))
					found.add(f);
		return found;
	}

	private static void removeOthers(Path dir, String name, String kept) {
		for (Path f : imageFiles(dir))
			if (ImageFiles.baseName(f).equals(name) && !f.getFileName().toString().equals(kept))
				delete(f);
	}

	private static void delete(Path file) {
		try {
			Files.deleteIfExists(file);
		} catch (IOException e) {
			throw new UnetException("cannot replace " + file + ": " + e.getMessage());
		}
	}

	private static boolean asPng(ImageProcessor ip, boolean tiff) {
		return !tiff && (ip instanceof ByteProcessor || ip instanceof ColorProcessor);
	}

	private static String imageFileName(Plane p, boolean tiff) {
		return p.name + (asPng(p.pixels, tiff) ? ".png" : ".tif");
	}

	private static void writeImage(Path dir, Plane p, boolean tiff, Calibration calibration) {
		ImageProcessor ip = p.pixels;
		int w = ip.getWidth(), h = ip.getHeight();
		Path file = dir.resolve(imageFileName(p, tiff));
		if (asPng(ip, tiff) && ip instanceof ByteProcessor) {
			ImageFiles.writePng8(file, (byte[]) ip.getPixels(), w, h);
		} else if (asPng(ip, tiff)) {
			ImageFiles.writePngRgb(file, (int[]) ip.getPixels(), w, h);
		} else {
			ImagePlus one = new ImagePlus(p.name, ip.duplicate());
			if (calibration != null)
				one.setCalibration(calibration);
			writeTiff(one, file);
		}
	}

	private static void writeMask(Path dir, Plane p, boolean tiff) {
		int w = p.pixels.getWidth(), h = p.pixels.getHeight();
		byte[] pixels = new byte[p.mask.length];
		for (int i = 0; i < pixels.length; i++)
			pixels[i] = p.labels ? p.mask[i] : p.mask[i] != 0 ? (byte) 255 : 0;
		if (!tiff)
			ImageFiles.writePng8(dir.resolve(p.name + ".png"), pixels, w, h);
		else
			writeTiff(new ImagePlus(p.name, new ByteProcessor(w, h, pixels)), dir.resolve(p.name + ".tif"));
	}

	/** ImageJ's own TIFF (it keeps the calibration), written atomically. */
	private static void writeTiff(ImagePlus imp, Path file) {
		byte[] bytes = new FileSaver(imp).serialize();
		if (bytes == null)
			throw new UnetException("cannot encode " + file.getFileName() + " as TIFF");
		AtomicFiles.write(file, out -> out.write(bytes));
	}
}
