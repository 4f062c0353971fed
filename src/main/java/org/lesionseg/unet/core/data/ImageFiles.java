package org.lesionseg.unet.core.data;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriter;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;

import org.lesionseg.unet.core.io.AtomicFiles;
import org.lesionseg.unet.core.UnetException;

/**
 * Reads and writes image and mask files with {@code javax.imageio} (PNG, TIFF including multi-page stacks, JPEG,
 * BMP).
 * <p>
 * Pixels are taken from the raster samples, never from {@code BufferedImage.getRGB}, which colour-converts grey
 * images (a stored 51 would read as 124). The values returned are the stored ones, exactly as ImageJ shows them.
 * Every writer writes to a temporary file in the target folder and then renames it, so a crash or a reader on
 * another thread never sees a half-written file.
 */
public final class ImageFiles {

	/** Masks with at most this many distinct values are taken as label images (every non-zero label = foreground). */
	public static final int MAX_LABELS = 16;

	private static final List<String> EXTENSIONS = Collections.unmodifiableList(Arrays.asList("png", "tif", "tiff", "jpg", "jpeg", "bmp"));

	private ImageFiles() {
	}

	/** The file name extensions (lower case, without dot) that {@link #read(Path)} accepts. */
	public static List<String> supportedExtensions() {
		return EXTENSIONS;
	}

	/** Whether the file name ends with one of the {@link #supportedExtensions()} (any case). */
	public static boolean isSupported(Path file) {
		String fileName = file.getFileName().toString();
		int dot = fileName.lastIndexOf('.');
		return dot > 0 && EXTENSIONS.contains(fileName.substring(dot + 1).toLowerCase(Locale.ROOT));
	}

	/** The file name without its last extension: {@code a.b.png} gives {@code a.b}. */
	public static String baseName(Path file) {
		String fileName = file.getFileName().toString();
		int dot = fileName.lastIndexOf('.');
		return dot > 0 ? fileName.substring(0, dot) : fileName;
	}

	// ---------------------------------------------------------------- reading

	/**
	 * Reads all slices of an image file with their raw values.
	 * <ul>
	 * <li>8/16-bit unsigned grey, 32-bit float grey: 1 channel, bit depth 8/16/32;</li>
	 * <li>RGB and RGBA: 3 channels (alpha is dropped), bit depth 8 (16 for 16-bit-per-channel PNGs);</li>
	 * <li>grey + alpha: 1 channel;</li>
	 * <li>palette images: the index values if the palette is grey (as ImageJ shows them), else the palette's RGB
	 * colours; 1-bit images therefore read as 0/1;</li>
	 * <li>multi-page TIFF: one plane per page (all pages must share size and type).</li>
	 * </ul>
	 *
	 * @throws UnetException naming the file when it is missing, empty, not an image, corrupt or truncated
	 */
	public static LoadedImage read(Path file) {
		checkReadable(file, "image");
		List<BufferedImage> pages = decode(file);
		List<float[]> planes = new ArrayList<>(pages.size());
		Layout first = null;
		for (int page = 0; page < pages.size(); page++) {
			BufferedImage image = pages.get(page);
			Layout layout = layoutOf(image, file);
			if (first == null)
				first = layout;
			else if (!first.sameAs(layout))
				throw new UnetException(file + " has pages of different sizes or types (page 1: " + first + ", page " + (page + 1) + ": " + layout
						+ "): save a stack with pages of one size and type, or one image per file");
			planes.add(toPlane(image, layout));
		}
		return new LoadedImage(baseName(file), first.width, first.height, first.channels, first.bitDepth, planes);
	}

	/**
	 * Reads a single-slice mask file and returns its 0/1 pixels (row-major, width &times; height).
	 *
	 * @throws UnetException when the file has several slices (use {@link #readMaskStack}) or is not binary (see
	 *             {@link #toBinaryMask(LoadedImage, int, MaskPolicy)})
	 */
	public static byte[] readMask(Path file, MaskPolicy policy) {
		LoadedImage mask = read(file);
		if (mask.slices() != 1)
			throw new UnetException("mask " + file + " has " + mask.slices() + " slices where one was expected: save one mask per image, or load it as a stack");
		return toBinaryMask(mask, 0, policy, file.toString());
	}

	/** Reads a mask file of one or more slices and returns one 0/1 mask per slice. */
	public static List<byte[]> readMaskStack(Path file, MaskPolicy policy) {
		LoadedImage mask = read(file);
		List<byte[]> result = new ArrayList<>(mask.slices());
		for (int slice = 0; slice < mask.slices(); slice++)
			result.add(toBinaryMask(mask, slice, policy, file.toString()));
		return result;
	}

	/** {@link #toBinaryMask(float[], String, MaskPolicy)} with {@link MaskPolicy#STRICT}. */
	public static byte[] toBinaryMask(float[] values, String name) {
		return toBinaryMask(values, name, MaskPolicy.STRICT);
	}

	/**
	 * Turns the values of one single-channel mask plane into 0/1.
	 * <ul>
	 * <li>0 and one other value (1, 255, 65535, ...): that value is foreground;</li>
	 * <li>at most {@value #MAX_LABELS} distinct values (a label image): every non-zero value is foreground;</li>
	 * <li>more distinct values: an error for {@link MaskPolicy#STRICT}, for {@link MaskPolicy#THRESHOLD_HALF}
	 * foreground = value &ge; half of the maximum.</li>
	 * </ul>
	 * NaN counts as background.
	 *
	 * @param name the mask's name, used in the error message
	 */
	public static byte[] toBinaryMask(float[] values, String name, MaskPolicy policy) {
		return toBinaryMask(values, name, policy, "save masks as PNG or TIFF with 0 for background and 255 for lesion,"
				+ " or set the mask policy to threshold_half (lesion = at least half the mask's maximum)");
	}

	/**
	 * As {@link #toBinaryMask(float[], String, MaskPolicy)}: the one mask rule of the project, for files and open
	 * images alike; {@code howToFix} ends the error for a mask that is not binary (advice fit for where it came from).
	 */
	public static byte[] toBinaryMask(float[] values, String name, MaskPolicy policy, String howToFix) {
		if (policy == MaskPolicy.LABELS)
			return toLabels(values, name);
		byte[] mask = new byte[values.length];
		if (countDistinctUpTo(values, MAX_LABELS + 1) <= MAX_LABELS) {
			for (int i = 0; i < values.length; i++)
				mask[i] = (byte) (values[i] > 0 || values[i] < 0 ? 1 : 0);
			return mask;
		}
		if (policy != MaskPolicy.THRESHOLD_HALF)
			throw new UnetException("mask " + name + " is not binary (" + countDistinct(values) + " distinct values; it looks like a JPEG or a grey image): "
					+ howToFix);
		float max = Float.NEGATIVE_INFINITY;
		for (float v : values)
			if (v > max)
				max = v;
		if (max <= 0)
			return mask; // nothing positive: no foreground
		float half = max / 2;
		for (int i = 0; i < values.length; i++)
			mask[i] = (byte) (values[i] >= half ? 1 : 0);
		return mask;
	}

	/**
	 * A label image's values as they are (0 = background, 1..{@value LabelClasses#MAX_CLASSES} the classes).
	 *
	 * @throws UnetException for a value that is not a whole number in that range (a grey image or a JPEG)
	 */
	static byte[] toLabels(float[] values, String name) {
		byte[] labels = new byte[values.length];
		for (int i = 0; i < values.length; i++) {
			float v = values[i];
			if (!(v >= 0 && v <= LabelClasses.MAX_CLASSES && v == Math.rint(v)))
				throw new UnetException("mask " + name + " is not a label image: it has the value " + v + " (a label image holds 0 for background and 1.."
					+ LabelClasses.MAX_CLASSES + " for the classes; save it as 8-bit PNG or TIFF without scaling)");
			labels[i] = (byte) v;
		}
		return labels;
	}

	/**
	 * Turns one slice of a loaded mask into 0/1. A colour mask is foreground where any channel is non-zero: its
	 * channels are combined by their largest absolute value and then judged like a grey mask.
	 */
	public static byte[] toBinaryMask(LoadedImage mask, int slice, MaskPolicy policy) {
		return toBinaryMask(mask, slice, policy, mask.name());
	}

	/** As {@link #toBinaryMask(LoadedImage, int, MaskPolicy)}, naming the mask {@code label} in errors (e.g. its path). */
	static byte[] toBinaryMask(LoadedImage mask, int slice, MaskPolicy policy, String label) {
		float[] plane = mask.plane(slice);
		String name = mask.slices() > 1 ? label + " (slice " + (slice + 1) + ")" : label;
		if (mask.channels() == 1)
			return toBinaryMask(plane, name, policy);
		int pixels = mask.width() * mask.height();
		float[] combined = new float[pixels];
		for (int c = 0; c < mask.channels(); c++)
			for (int i = 0; i < pixels; i++)
				combined[i] = Math.max(combined[i], Math.abs(plane[c * pixels + i]));
		return toBinaryMask(combined, name, policy);
	}

	/** Counts distinct values, stopping early once {@code limit} is reached (cheap for binary masks). */
	private static int countDistinctUpTo(float[] values, int limit) {
		Set<Integer> seen = new HashSet<>();
		for (float v : values) {
			if (seen.add(Float.floatToIntBits(v)) && seen.size() >= limit)
				return seen.size();
		}
		return seen.size();
	}

	private static int countDistinct(float[] values) {
		float[] sorted = values.clone();
		Arrays.sort(sorted);
		int count = sorted.length == 0 ? 0 : 1;
		for (int i = 1; i < sorted.length; i++)
			if (Float.compare(sorted[i], sorted[i - 1]) != 0)
				count++;
		return count;
	}

	static void checkReadable(Path file, String what) {
		if (!Files.exists(file))
			throw new UnetException(what + " file " + file + " does not exist: check the path");
		if (Files.isDirectory(file))
			throw new UnetException(file + " is a folder, not an " + what + " file");
		if (!Files.isReadable(file))
			throw new UnetException(what + " file " + file + " cannot be read: check its permissions");
		try {
			if (Files.size(file) == 0)
				throw new UnetException(what + " file " + file + " is empty (0 bytes): replace it with a valid image");
		} catch (IOException e) {
			throw new UnetException(what + " file " + file + " cannot be read: " + e.getMessage(), e);
		}
	}

	/** Decodes all pages, turning every reader failure into a one-line message naming the file. */
	private static List<BufferedImage> decode(Path file) {
		List<BufferedImage> pages = new ArrayList<>();
		try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
			if (in == null)
				throw new UnetException("cannot open " + file + ": check that it is a readable file");
			Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
			if (!readers.hasNext())
				throw new UnetException(file + " is not an image in a format that can be read (supported: " + String.join(", ", EXTENSIONS) + ")");
			ImageReader reader = readers.next();
			List<String> warnings = new ArrayList<>();
			// The JPEG reader reports a truncated file only as a warning and fills the rest with grey.
			reader.addIIOReadWarningListener(new IIOReadWarningListener() {

				@Override
				public void warningOccurred(ImageReader source, String warning) {
					warnings.add(warning);
				}
			});
			try {
				reader.setInput(in, false, true);
				int count = reader.getNumImages(true);
				if (count <= 0)
					throw new UnetException(file + " contains no image: replace it with a valid image file");
				for (int page = 0; page < count; page++)
					pages.add(reader.read(page));
				boolean jpeg = "jpeg".equalsIgnoreCase(reader.getFormatName());
				if (jpeg && !warnings.isEmpty())
					throw new UnetException(file + " is corrupt or truncated (" + warnings.get(0) + "): replace it with an intact copy");
			} finally {
				reader.dispose();
			}
		} catch (UnetException e) {
			throw e;
		} catch (IOException | RuntimeException e) {
			// Decoders throw IIOException, EOFException but also IndexOutOfBounds etc. on damaged data.
			throw new UnetException(file + " is corrupt, truncated or an unsupported variant of its format (" + describe(e) + "): replace it or save it again as PNG or TIFF", e);
		}
		return pages;
	}

	private static String describe(Throwable e) {
		Throwable root = e;
		while (root.getCause() != null && root.getCause() != root)
			root = root.getCause();
		String message = root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
		if (root != e && e.getMessage() != null && !e.getMessage().equals(message))
			message = e.getMessage() + ": " + message;
		return message.replace('\n', ' ');
	}

	/** Size and type of one decoded page. */
	private static final class Layout {

		final int width, height, channels, bitDepth;

		Layout(int width, int height, int channels, int bitDepth) {
			this.width = width;
			this.height = height;
			this.channels = channels;
			this.bitDepth = bitDepth;
		}

		boolean sameAs(Layout other) {
			return width == other.width && height == other.height && channels == other.channels && bitDepth == other.bitDepth;
		}

		@Override
		public String toString() {
			return width + "x" + height + ", " + channels + " channel(s), " + bitDepth + "-bit";
		}
	}

	private static Layout layoutOf(BufferedImage image, Path file) {
		ColorModel cm = image.getColorModel();
		Raster raster = image.getRaster();
		int width = raster.getWidth();
		int height = raster.getHeight();
		if (width <= 0 || height <= 0)
			throw new UnetException(file + " has no pixels: replace it with a valid image");
		if (cm instanceof IndexColorModel) {
			IndexColorModel icm = (IndexColorModel) cm;
			return isGreyPalette(icm) ? new Layout(width, height, 1, icm.getPixelSize() <= 8 ? 8 : 16) : new Layout(width, height, 3, 8);
		}
		int colours = cm.getNumColorComponents();
		if (colours != 1 && colours != 3)
			throw new UnetException(file + " has " + colours + " colour components (e.g. CMYK): save it as grey or RGB");
		int maxSampleSize = 0;
		for (int band = 0; band < colours; band++)
			maxSampleSize = Math.max(maxSampleSize, raster.getSampleModel().getSampleSize(band));
		int bitDepth;
		switch (raster.getDataBuffer().getDataType()) {
			case DataBuffer.TYPE_BYTE:
				bitDepth = 8;
				break;
			case DataBuffer.TYPE_USHORT:
			case DataBuffer.TYPE_INT:
				// packed RGB ints hold 8-bit samples; 32-bit integer grey is rare and goes to the float range
				bitDepth = maxSampleSize <= 8 ? 8 : maxSampleSize <= 16 ? 16 : 32;
				break;
			default:
				// signed 16-bit, float and double data: no fixed range, so treated like 32-bit float
				bitDepth = 32;
		}
		return new Layout(width, height, colours, bitDepth);
	}

	private static boolean isGreyPalette(IndexColorModel icm) {
		for (int i = 0; i < icm.getMapSize(); i++)
			if (icm.getRed(i) != icm.getGreen(i) || icm.getGreen(i) != icm.getBlue(i))
				return false;
		return true;
	}

	private static float[] toPlane(BufferedImage image, Layout layout) {
		Raster raster = image.getRaster();
		int w = layout.width, h = layout.height, pixels = w * h;
		float[] plane = new float[pixels * layout.channels];
		ColorModel cm = image.getColorModel();
		if (cm instanceof IndexColorModel) {
			int[] indices = raster.getSamples(0, 0, w, h, 0, (int[]) null);
			IndexColorModel icm = (IndexColorModel) cm;
			if (layout.channels == 1) {
				for (int i = 0; i < pixels; i++)
					plane[i] = indices[i];
			} else {
				for (int i = 0; i < pixels; i++) {
					plane[i] = icm.getRed(indices[i]);
					plane[pixels + i] = icm.getGreen(indices[i]);
					plane[2 * pixels + i] = icm.getBlue(indices[i]);
				}
			}
			return plane;
		}
		// Colour bands come first; an alpha band, if any, is the last one and is skipped.
		float[] band = new float[pixels];
		for (int c = 0; c < layout.channels; c++) {
			raster.getSamples(0, 0, w, h, c, band);
			System.arraycopy(band, 0, plane, c * pixels, pixels);
		}
		return plane;
	}

	// ---------------------------------------------------------------- writing

	/** Writes an 8-bit grey PNG with the given values (e.g. 0/255 for a mask), row-major. */
	public static void writePng8(Path file, byte[] pixels, int width, int height) {
		checkLength(pixels.length, width, height);
		BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
		image.getRaster().setDataElements(0, 0, width, height, pixels);
		writeAtomically(file, image, "png");
	}

	/** Writes an RGB PNG from packed ARGB ints (alpha is ignored), row-major. */
	public static void writePngRgb(Path file, int[] argb, int width, int height) {
		checkLength(argb.length, width, height);
		BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
		image.setRGB(0, 0, width, height, argb, 0, width);
		writeAtomically(file, image, "png");
	}

	/** Writes an uncompressed 16-bit unsigned grey TIFF, row-major. */
	public static void writeTiff16(Path file, short[] pixels, int width, int height) {
		checkLength(pixels.length, width, height);
		BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_USHORT_GRAY);
		image.getRaster().setDataElements(0, 0, width, height, pixels);
		writeAtomically(file, image, "tiff");
	}

	/**
	 * Writes an uncompressed 32-bit float grey TIFF, row-major (e.g. a probability map). ImageJ opens it as a
	 * 32-bit image with the same values.
	 */
	public static void writeTiffFloat(Path file, float[] pixels, int width, int height) {
		checkLength(pixels.length, width, height);
		ColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), false, false, Transparency.OPAQUE, DataBuffer.TYPE_FLOAT);
		WritableRaster raster = cm.createCompatibleWritableRaster(width, height);
		raster.setSamples(0, 0, width, height, 0, pixels);
		writeAtomically(file, new BufferedImage(cm, raster, false, null), "tiff");
	}

	private static void checkLength(int length, int width, int height) {
		if (width <= 0 || height <= 0 || (long) width * height != length)
			throw new IllegalArgumentException(length + " pixels do not make a " + width + "x" + height + " image");
	}

	/** Writes through {@link AtomicFiles}: the target is either the old or the complete new file. */
	private static void writeAtomically(Path file, BufferedImage image, String format) {
		Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName(format);
		if (!writers.hasNext())
			throw new UnetException("this Java has no " + format + " writer: cannot write " + file);
		ImageWriter writer = writers.next();
		AtomicFiles.write(file, out -> {
			try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
				writer.setOutput(stream);
				writer.write(null, new IIOImage(image, null, null), null);
			} finally {
				writer.dispose();
			}
		});
	}
}
