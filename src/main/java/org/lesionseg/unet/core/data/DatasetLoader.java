package org.lesionseg.unet.core.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.lesionseg.unet.core.UnetException;

/**
 * Turns image and mask files into normalised {@link Sample}s, checking that each mask fits its image.
 * <p>
 * Stacks (multi-page TIFFs) give one sample per slice, named {@code name_s001}, {@code name_s002}, ... (1-based, as
 * ImageJ numbers slices), so that a data split can keep the slices of one file together with the group pattern
 * {@link #SLICE_GROUP_PATTERN}.
 */
public final class DatasetLoader {

	private DatasetLoader() {
	}

	/** {@link #load(ImageMaskPair, Normalization, MaskPolicy)} with {@link MaskPolicy#STRICT}. */
	public static Sample load(ImageMaskPair pair, Normalization normalization) {
		return load(pair, normalization, MaskPolicy.STRICT);
	}

	/**
	 * Reads a single-slice image and its mask, checks that they have the same size, turns the mask into 0/1 and
	 * normalises the image.
	 *
	 * @throws UnetException naming the pair when sizes differ, when the image is a stack (use
	 *             {@link #loadSlices}), or when either file cannot be read
	 */
	public static Sample load(ImageMaskPair pair, Normalization normalization, MaskPolicy policy) {
		List<Sample> slices = loadSlices(pair, normalization, policy);
		if (slices.size() != 1)
			throw new UnetException("image " + pair.imagePath() + " is a stack of " + slices.size() + " slices: load it slice by slice");
		return slices.get(0);
	}

	/**
	 * Reads an image and its mask, one sample per slice. Image and mask must have the same size and the same
	 * number of slices.
	 */
	public static List<Sample> loadSlices(ImageMaskPair pair, Normalization normalization, MaskPolicy policy) {
		return loadSlices(pair, normalization, policy, null);
	}

	/** {@link #loadSlices(ImageMaskPair, Normalization, MaskPolicy)}, adding the raw pixels to {@code raw} (if not null). */
	public static List<Sample> loadSlices(ImageMaskPair pair, Normalization normalization, MaskPolicy policy, IntensityStats.Accumulator raw) {
		LoadedImage image = ImageFiles.read(pair.imagePath());
		LoadedImage mask = ImageFiles.read(pair.maskPath());
		if (image.width() != mask.width() || image.height() != mask.height())
			throw new UnetException("image " + pair.imagePath().getFileName() + " is " + image.width() + "x" + image.height() + " but its mask "
					+ pair.maskPath().getFileName() + " is " + mask.width() + "x" + mask.height() + " (" + pair.name() + "): a mask must have its image's size");
		if (image.slices() != mask.slices())
			throw new UnetException("image " + pair.imagePath().getFileName() + " has " + image.slices() + " slice(s) but its mask " + pair.maskPath().getFileName()
					+ " has " + mask.slices() + ": give the mask one slice per image slice");
		List<Sample> samples = new ArrayList<>(image.slices());
		for (int slice = 0; slice < image.slices(); slice++) {
			float[] chw = image.plane(slice);
			if (raw != null)
				raw.add(chw, image.width(), image.height(), image.channels(), image.bitDepth());
			normalization.apply(chw, image.width(), image.height(), image.channels(), image.bitDepth());
			byte[] binary = ImageFiles.toBinaryMask(mask, slice, policy, pair.maskPath().toString());
			samples.add(Sample.of(sliceName(pair.name(), slice, image.slices()), chw, image.width(), image.height(), image.channels(), binary));
		}
		return samples;
	}

	/**
	 * Loads all slices of all pairs, in order, and checks that all images have the same number of channels (the
	 * network's input).
	 */
	public static List<Sample> loadAll(List<ImageMaskPair> pairs, Normalization normalization, MaskPolicy policy) {
		return loadAll(pairs, normalization, policy, null);
	}

	/** {@link #loadAll(List, Normalization, MaskPolicy)}, adding the raw pixels to {@code raw} (if not null). */
	public static List<Sample> loadAll(List<ImageMaskPair> pairs, Normalization normalization, MaskPolicy policy, IntensityStats.Accumulator raw) {
		List<Sample> samples = new ArrayList<>();
		Sample first = null;
		for (ImageMaskPair pair : pairs) {
			for (Sample sample : loadSlices(pair, normalization, policy, raw)) {
				if (first == null)
					first = sample;
				else if (sample.channels() != first.channels())
					throw new UnetException("image " + pair.imagePath().getFileName() + " has " + sample.channels() + " channel(s) but " + first.name() + " has "
							+ first.channels() + ": save all images of a data set as grey or all as RGB");
				samples.add(sample);
			}
		}
		return samples;
	}

	/** Reads all slices of an image without a mask (for prediction), one normalised sample per slice. */
	public static List<Sample> loadImageSlices(Path file, Normalization normalization) {
		LoadedImage image = ImageFiles.read(file);
		List<Sample> samples = new ArrayList<>(image.slices());
		for (int slice = 0; slice < image.slices(); slice++) {
			float[] chw = image.plane(slice);
			normalization.apply(chw, image.width(), image.height(), image.channels(), image.bitDepth());
			samples.add(Sample.of(sliceName(image.name(), slice, image.slices()), chw, image.width(), image.height(), image.channels(), null));
		}
		return samples;
	}

	/**
	 * The sample with {@code channels} channels: a grey image is repeated into every channel (a grey image for a
	 * network trained on RGB), a multi-channel image is averaged into one. Returns the sample itself when it already
	 * fits.
	 *
	 * @throws UnetException for other conversions (e.g. 2 to 3 channels)
	 */
	public static Sample withChannels(Sample sample, int channels) {
		int have = sample.channels();
		if (have == channels)
			return sample;
		int plane = sample.width() * sample.height();
		float[] source = sample.imageData();
		float[] result = new float[plane * channels];
		if (have == 1) {
			for (int c = 0; c < channels; c++)
				System.arraycopy(source, 0, result, c * plane, plane);
		} else if (channels == 1) {
			for (int c = 0; c < have; c++)
				for (int i = 0; i < plane; i++)
					result[i] += source[c * plane + i] / have;
		} else {
			throw new UnetException("image " + sample.name() + " has " + have + " channels but " + channels + " are needed: save it as grey or RGB");
		}
		byte[] mask = sample.maskData();
		return Sample.of(sample.name(), result, sample.width(), sample.height(), channels, mask == null ? null : mask.clone());
	}

	/**
	 * The group pattern ({@link DataSplit}) that keeps the slices of one stack together: its first group is the
	 * stack's name. It matches every name {@link #sliceName} makes, also past slice 999 ({@code _s1000}).
	 */
	public static final String SLICE_GROUP_PATTERN = "^(.*)_s\\d{3,}$";

	/**
	 * {@code name} for single images, {@code name_sNNN} for the slices of a stack (NNN 1-based from the 0-based slice
	 * index, at least three digits); {@link #SLICE_GROUP_PATTERN} finds the stack again.
	 */
	public static String sliceName(String name, int slice, int slices) {
		return slices == 1 ? name : name + String.format(Locale.ROOT, "_s%03d", slice + 1);
	}
}
