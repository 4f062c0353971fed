package org.lesionseg.unet.ij;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.data.DatasetLoader;
import org.lesionseg.unet.core.data.ImageFiles;
import org.lesionseg.unet.core.data.MaskPolicy;
import org.lesionseg.unet.core.data.Sample;

import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.Calibration;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;

/**
 * The bridge between ImageJ 1 images and the network's {@link Sample}s: ImagePlus planes become float (C, H, W)
 * samples and 0/1 masks, and probability maps and masks become ImagePlus stacks with the input's calibration.
 * <p>
 * A "plane" is one (z, t) position of an image: a slice of a stack or a slice/frame of a hyperstack. Channels of a
 * hyperstack, and the red, green and blue of an RGB image, become the channels of one sample, because the network sees
 * all channels of a plane at once. Values are copied raw (no calibration function, no display range), as the model's
 * normalisation expects the stored values.
 */
public final class ImagePlusConversion {

	/** More distinct values than this in a mask plane mean it is a grey image rather than a mask or a label image. */
	static final int MAX_MASK_LABELS = ImageFiles.MAX_LABELS;

	private ImagePlusConversion() {
	}

	/**
	 * Copies every (z, t) plane of an image into a sample without mask.
	 *
	 * @param imp an 8-bit, 16-bit, 32-bit or RGB image, stack or hyperstack
	 * @return one sample per plane, in stack order (z fastest, then t); the name is the title without extension, with
	 *         {@code _s003}-style 1-based plane numbers when the image has more than one plane
	 * @throws UnetException if the image is missing
	 */
	public static List<Sample> toSamples(ImagePlus imp) {
		requireImage(imp, "image");
		int w = imp.getWidth();
		int h = imp.getHeight();
		int planePixels = w * h;
		int imageChannels = imp.getNChannels();
		boolean rgb = imp.getBitDepth() == 24;
		int channels = rgb ? 3 * imageChannels : imageChannels;
		int planes = planeCount(imp);
		String base = baseName(imp.getTitle());
		ImageStack stack = imp.getStack();
		List<Sample> samples = new ArrayList<>(planes);
		for (int t = 1; t <= imp.getNFrames(); t++) {
			for (int z = 1; z <= imp.getNSlices(); z++) {
				float[] chw = new float[channels * planePixels];
				for (int c = 1; c <= imageChannels; c++) {
					Object pixels = stack.getPixels(imp.getStackIndex(c, z, t));
					int offset = (rgb ? 3 * (c - 1) : c - 1) * planePixels;
					copyRaw(pixels, chw, offset, planePixels);
				}
				int plane = (t - 1) * imp.getNSlices() + z;
				samples.add(Sample.of(planeName(base, plane, planes), chw, w, h, channels, null));
			}
		}
		return samples;
	}

	/**
	 * The sample name that {@link #toSamples(ImagePlus)} gives plane {@code plane} of an image: the title without
	 * extension, with {@code _s003}-style numbers when the image has more than one (z, t) plane.
	 *
	 * @param plane 1-based plane number (z fastest, then t)
	 */
	public static String sampleName(ImagePlus imp, int plane) {
		requireImage(imp, "image");
		return planeName(baseName(imp.getTitle()), plane, planeCount(imp));
	}

	/** The image's name as in sample and file names: its title without the file extension. */
	public static String imageName(ImagePlus imp) {
		requireImage(imp, "image");
		return baseName(imp.getTitle());
	}

	/** The number of (z, t) planes of an image, the number of samples {@link #toSamples(ImagePlus)} gives. */
	public static int planes(ImagePlus imp) {
		requireImage(imp, "image");
		return planeCount(imp);
	}

	/**
	 * The bit depth that the model's normalisation uses to scale raw values (for example 8-bit values by 1/255).
	 *
	 * @return 8, 16 or 32; 8 for RGB images, whose channels are 8-bit
	 */
	public static int bitDepth(ImagePlus imp) {
		requireImage(imp, "image");
		int depth = imp.getBitDepth();
		return depth == 24 ? 8 : depth;
	}

	/**
	 * Turns every (z, t) plane of a mask image into 0/1 values. Any non-zero value is foreground, so 0/255 masks,
	 * 0/1 masks and label images with up to {@value #MAX_MASK_LABELS} values all work; channels (and the colours of an
	 * RGB mask) are combined, a pixel being foreground if any channel is non-zero.
	 *
	 * @param maskImp the mask image
	 * @return one 0/1 array (row by row, width × height) per plane, in stack order
	 * @throws UnetException if the image is missing or a plane has more than {@value #MAX_MASK_LABELS} distinct
	 *             values (a grey image rather than a mask)
	 */
	public static List<byte[]> toMasks(ImagePlus maskImp) {
		return toMasks(maskImp, MaskPolicy.STRICT);
	}

	/**
	 * As {@link #toMasks(ImagePlus)}, with the rule of mask files ({@link ImageFiles#toBinaryMask(float[], String, MaskPolicy, String)})
	 * for masks with more distinct values: refused ({@link MaskPolicy#STRICT}) or thresholded at half the maximum.
	 */
	public static List<byte[]> toMasks(ImagePlus maskImp, MaskPolicy policy) {
		List<float[]> values = maskValues(maskImp);
		List<byte[]> masks = new ArrayList<>(values.size());
		for (int plane = 1; plane <= values.size(); plane++)
			masks.add(ImageFiles.toBinaryMask(values.get(plane - 1), maskPlaneName(maskImp, plane), policy, "make it binary first (Image > Adjust > Threshold, then Apply) with 0 for"
				+ " background and 255 for lesion, or set the mask policy to threshold_half (lesion = at least half the mask's maximum)"));
		return masks;
	}

	/**
	 * The raw values of every (z, t) plane of a mask image, its channels (and the colours of an RGB mask) combined by
	 * their largest value: what a mask rule ({@code ImageFiles.toBinaryMask}) judges.
	 *
	 * @return one width × height array per plane, in stack order
	 */
	public static List<float[]> maskValues(ImagePlus maskImp) {
		requireImage(maskImp, "mask");
		int planePixels = maskImp.getWidth() * maskImp.getHeight();
		ImageStack stack = maskImp.getStack();
		List<float[]> planes = new ArrayList<>(planeCount(maskImp));
		for (int t = 1; t <= maskImp.getNFrames(); t++) {
			for (int z = 1; z <= maskImp.getNSlices(); z++) {
				float[] combined = new float[planePixels];
				for (int c = 1; c <= maskImp.getNChannels(); c++)
					combineMax(stack.getPixels(maskImp.getStackIndex(c, z, t)), combined);
				planes.add(combined);
			}
		}
		return planes;
	}

	/** A mask plane as messages name it: the title, and the slice (from 1) of a stack. */
	public static String maskPlaneName(ImagePlus maskImp, int plane) {
		return planeCount(maskImp) > 1 ? maskImp.getTitle() + " (slice " + plane + ")" : maskImp.getTitle();
	}

	/**
	 * Checks that a mask fits its image: the same width and height and as many (z, t) planes.
	 *
	 * @throws UnetException naming both images and what differs
	 */
	public static void checkPair(ImagePlus image, ImagePlus mask) {
		requireImage(image, "image");
		requireImage(mask, "mask");
		if (image.getWidth() != mask.getWidth() || image.getHeight() != mask.getHeight())
			throw new UnetException("image " + image.getTitle() + " is " + image.getWidth() + "×" + image.getHeight() + " but mask " + mask.getTitle()
				+ " is " + mask.getWidth() + "×" + mask.getHeight() + ": choose the mask that belongs to this image, or resize it to the image's size");
		int imagePlanes = planeCount(image);
		int maskPlanes = planeCount(mask);
		if (imagePlanes != maskPlanes)
			throw new UnetException("image " + image.getTitle() + " has " + slices(imagePlanes) + " but mask " + mask.getTitle() + " has "
				+ slices(maskPlanes) + ": the mask needs one slice per image slice (check Image > Properties if a stack's slices and frames are swapped)");
	}

	/**
	 * Pairs the planes of an image with the planes of its mask.
	 *
	 * @return one sample per plane with its 0/1 mask, named as by {@link #toSamples(ImagePlus)}
	 * @throws UnetException if the pair does not fit ({@link #checkPair}) or the mask is not binary
	 */
	public static List<Sample> toLabelledSamples(ImagePlus image, ImagePlus mask) {
		checkPair(image, mask);
		List<Sample> samples = toSamples(image);
		List<byte[]> masks = toMasks(mask);
		List<Sample> labelled = new ArrayList<>(samples.size());
		for (int i = 0; i < samples.size(); i++) {
			Sample s = samples.get(i);
			labelled.add(Sample.of(s.name(), s.imageData(), s.width(), s.height(), s.channels(), masks.get(i)));
		}
		return labelled;
	}

	/**
	 * Makes a 32-bit stack of probability maps, displayed from 0 to 1.
	 *
	 * @param planes one width × height array per plane; used as pixel arrays directly, not copied
	 * @param cal the calibration of the input image (pixel size and unit are kept), or null
	 * @throws IllegalArgumentException if there are no planes or a plane has the wrong length
	 */
	public static ImagePlus probabilityImage(String title, List<float[]> planes, int w, int h, Calibration cal) {
		requirePlanes(planes, w, h);
		ImageStack stack = new ImageStack(w, h);
		for (float[] plane : planes) {
			requireLength(plane == null ? -1 : plane.length, w, h);
			stack.addSlice(null, new FloatProcessor(w, h, plane));
		}
		ImagePlus imp = new ImagePlus(title, stack);
		imp.getProcessor().setMinAndMax(0, 1);
		imp.setDisplayRange(0, 1);
		imp.setCalibration(spatialCalibration(cal));
		return imp;
	}

	/**
	 * Makes an 8-bit stack of masks with 0 for background and 255 for lesion, shown white on black (normal LUT, not
	 * inverted), so that ImageJ's binary commands and "Create Selection" treat the lesion as the object.
	 *
	 * @param planes01 one width × height 0/1 array per plane (any non-zero value counts as lesion)
	 * @param cal the calibration of the input image (pixel size and unit are kept), or null
	 * @throws IllegalArgumentException if there are no planes or a plane has the wrong length
	 */
	public static ImagePlus maskImage(String title, List<byte[]> planes01, int w, int h, Calibration cal) {
		requirePlanes(planes01, w, h);
		ImageStack stack = new ImageStack(w, h);
		for (byte[] plane : planes01) {
			requireLength(plane == null ? -1 : plane.length, w, h);
			byte[] pixels = new byte[plane.length];
			for (int i = 0; i < plane.length; i++)
				pixels[i] = plane[i] != 0 ? (byte) 255 : 0;
			stack.addSlice(null, new ByteProcessor(w, h, pixels));
		}
		ImagePlus imp = new ImagePlus(title, stack);
		if (imp.isInvertedLut())
			imp.getProcessor().invertLut();
		imp.setDisplayRange(0, 255);
		imp.setCalibration(spatialCalibration(cal));
		return imp;
	}

	/**
	 * Gives a result stack (one slice per plane, as made by {@link #probabilityImage} or {@link #maskImage}) the
	 * slices/frames layout and slice labels of the image it was computed from, so that it lines up with it. Does
	 * nothing if the plane counts differ.
	 */
	public static void copyPlaneLayout(ImagePlus source, ImagePlus target) {
		requireImage(source, "image");
		requireImage(target, "result image");
		int slices = source.getNSlices();
		int frames = source.getNFrames();
		if (target.getStackSize() != slices * frames || target.getStackSize() == 1)
			return;
		target.setDimensions(1, slices, frames);
		if (slices > 1 && frames > 1)
			target.setOpenAsHyperStack(true);
		ImageStack from = source.getStack();
		ImageStack to = target.getStack();
		for (int t = 1; t <= frames; t++)
			for (int z = 1; z <= slices; z++)
				to.setSliceLabel(from.getSliceLabel(source.getStackIndex(1, z, t)), (t - 1) * slices + z);
	}

	/**
	 * Shows a sample as a 32-bit image (a hyperstack of channels if it has several), for debugging and tests.
	 *
	 * @return a new image titled with the sample's name; the pixels are copies
	 */
	public static ImagePlus toImagePlus(Sample s) {
		int w = s.width();
		int h = s.height();
		int planePixels = w * h;
		float[] data = s.imageData();
		ImageStack stack = new ImageStack(w, h);
		for (int c = 0; c < s.channels(); c++) {
			float[] plane = new float[planePixels];
			System.arraycopy(data, c * planePixels, plane, 0, planePixels);
			stack.addSlice(null, new FloatProcessor(w, h, plane));
		}
		ImagePlus imp = new ImagePlus(s.name(), stack);
		if (s.channels() > 1) {
			imp.setDimensions(s.channels(), 1, 1);
			imp.setOpenAsHyperStack(true);
		}
		imp.resetDisplayRange();
		return imp;
	}

	/** The title without a file extension (.tif, .png, .nii.gz, .ome.tif, ...), as the base of sample names. */
	static String baseName(String title) {
		if (title == null || title.isEmpty())
			return "image";
		String lower = title.toLowerCase(Locale.ROOT);
		for (String suffix : new String[] { ".nii.gz", ".ome.tiff", ".ome.tif" })
			if (lower.endsWith(suffix) && lower.length() > suffix.length())
				return title.substring(0, title.length() - suffix.length());
		int dot = title.lastIndexOf('.');
		if (dot <= 0 || title.length() - dot - 1 > 5)
			return title;
		String extension = title.substring(dot + 1);
		// "scan 1.5" has no extension: an extension has a letter and only letters and digits
		if (!extension.matches("[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*"))
			return title;
		return title.substring(0, dot);
	}

	/** The name of plane {@code plane} (1-based) of {@code planes}: the base name alone for a single plane. */
	static String planeName(String base, int plane, int planes) {
		return DatasetLoader.sliceName(base, plane - 1, planes);
	}

	/** The number of (z, t) planes: the stack size without the channels. */
	static int planeCount(ImagePlus imp) {
		return imp.getNSlices() * imp.getNFrames();
	}

	private static void copyRaw(Object pixels, float[] chw, int offset, int n) {
		if (pixels instanceof byte[]) {
			byte[] p = (byte[]) pixels;
			for (int i = 0; i < n; i++)
				chw[offset + i] = p[i] & 0xff;
		} else if (pixels instanceof short[]) {
			short[] p = (short[]) pixels;
			for (int i = 0; i < n; i++)
				chw[offset + i] = p[i] & 0xffff;
		} else if (pixels instanceof float[]) {
			System.arraycopy(pixels, 0, chw, offset, n);
		} else if (pixels instanceof int[]) {
			int[] p = (int[]) pixels;
			for (int i = 0; i < n; i++) {
				chw[offset + i] = (p[i] >> 16) & 0xff;
				chw[offset + n + i] = (p[i] >> 8) & 0xff;
				chw[offset + 2 * n + i] = p[i] & 0xff;
			}
		} else {
			throw new UnetException("unsupported pixel type " + (pixels == null ? "null" : pixels.getClass().getSimpleName())
				+ ": convert the image to 8-bit, 16-bit, 32-bit or RGB");
		}
	}

	/** Keeps in {@code combined} the largest absolute value over the channels, so that any non-zero channel counts. */
	private static void combineMax(Object pixels, float[] combined) {
		int n = combined.length;
		if (pixels instanceof byte[]) {
			byte[] p = (byte[]) pixels;
			for (int i = 0; i < n; i++)
				combined[i] = Math.max(combined[i], p[i] & 0xff);
		} else if (pixels instanceof short[]) {
			short[] p = (short[]) pixels;
			for (int i = 0; i < n; i++)
				combined[i] = Math.max(combined[i], p[i] & 0xffff);
		} else if (pixels instanceof float[]) {
			float[] p = (float[]) pixels;
			for (int i = 0; i < n; i++) {
				// NaN fails the comparison and so counts as background, like in the file readers
				float v = Math.abs(p[i]);
				if (v > combined[i])
					combined[i] = v;
			}
		} else if (pixels instanceof int[]) {
			int[] p = (int[]) pixels;
			for (int i = 0; i < n; i++) {
				int c = p[i];
				int max = Math.max((c >> 16) & 0xff, Math.max((c >> 8) & 0xff, c & 0xff));
				combined[i] = Math.max(combined[i], max);
			}
		} else {
			throw new UnetException("unsupported mask pixel type " + (pixels == null ? "null" : pixels.getClass().getSimpleName())
				+ ": convert the mask to 8-bit");
		}
	}

	/** The spatial part of a calibration: density calibration is for the input's values, not for these results. */
	private static Calibration spatialCalibration(Calibration cal) {
		Calibration copy = cal == null ? new Calibration() : cal.copy();
		copy.disableDensityCalibration();
		return copy;
	}

	private static String slices(int n) {
		return n == 1 ? "1 slice" : n + " slices";
	}

	private static void requireImage(ImagePlus imp, String what) {
		if (imp == null)
			throw new UnetException("no " + what + " given: open one first");
	}

	private static void requirePlanes(List<?> planes, int w, int h) {
		if (planes == null || planes.isEmpty())
			throw new IllegalArgumentException("no planes for a " + w + "x" + h + " image");
	}

	private static void requireLength(int length, int w, int h) {
		if (length != w * h)
			throw new IllegalArgumentException("a plane of " + length + " pixels does not fit a " + w + "x" + h + " image");
	}
}
