package org.lesionseg.unet.workflow;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.data.DatasetFolders;
import org.lesionseg.unet.core.data.DatasetLoader;
import org.lesionseg.unet.core.data.ImageFiles;
import org.lesionseg.unet.core.data.IntensityStats;
import org.lesionseg.unet.core.data.ImageMaskPair;
import org.lesionseg.unet.core.data.Listing;
import org.lesionseg.unet.core.data.MaskPolicy;
import org.lesionseg.unet.core.data.Normalization;
import org.lesionseg.unet.core.data.Pairing;
import org.lesionseg.unet.core.data.Sample;

/**
 * Where labelled images come from: two folders, or planes already in memory (open ImageJ images with their mask
 * image or ROIs, made by the ImageJ layer). Either way the masks go through one rule ({@link ImageFiles#toBinaryMask}
 * with the request's {@link MaskPolicy}) and the pixels through the request's normalisation, when the job reads them.
 */
public abstract class LabelledSource {

	/** What the source is, for messages: a folder, an image title. */
	public abstract String description();

	/** The folders the data is read from, so that outputs can be kept out of them; empty for images in memory. */
	public abstract List<Path> folders();

	/**
	 * Reads every labelled image: masks to 0/1 by the one mask rule, pixels normalised.
	 *
	 * @throws UnetException naming the image or mask at fault
	 */
	public abstract LabelledImages read(Normalization normalization, MaskPolicy policy);

	/**
	 * Two folders of images and masks. They are listed and paired at once (a cheap check that they hold pairs) and
	 * read by {@link #read}.
	 */
	public static LabelledSource folders(Path images, Path masks, Pairing pairing) {
		return new Folders(images, masks, pairing);
	}

	/**
	 * Planes in memory with the raw values of their masks.
	 *
	 * @param description e.g. the image's title
	 * @param bitDepth the images' bit depth (8, 16 or 32; 8 for RGB), for the normalisation
	 */
	public static LabelledSource planes(String description, List<Plane> planes, int bitDepth) {
		return new Planes(description, planes, bitDepth);
	}

	/** One image plane in memory and the raw values of its mask (0 background; any values, judged by the mask rule). */
	public static final class Plane {
		final String name;
		final float[] chw;
		final int width, height, channels;
		final String maskName;
		final float[] maskValues;

		/**
		 * @param chw the raw pixel values, channel by channel, row by row; not changed
		 * @param maskName the mask as messages name it (a title and slice)
		 * @param maskValues width × height raw mask values
		 */
		public Plane(String name, float[] chw, int width, int height, int channels, String maskName, float[] maskValues) {
			if (chw.length != width * height * channels || maskValues.length != width * height)
				throw new IllegalArgumentException("plane " + name + ": " + chw.length + " values and a mask of " + maskValues.length + " for " + width + "×"
					+ height + "×" + channels);
			this.name = name;
			this.chw = chw;
			this.width = width;
			this.height = height;
			this.channels = channels;
			this.maskName = maskName;
			this.maskValues = maskValues;
		}
	}

	private static final class Folders extends LabelledSource {
		private final Path images, masks;
		private final Listing<ImageMaskPair> pairs;

		Folders(Path images, Path masks, Pairing pairing) {
			this.images = images;
			this.masks = masks;
			this.pairs = DatasetFolders.pair(images, masks, pairing);
		}

		@Override
		public String description() {
			return images.toString();
		}

		@Override
		public List<Path> folders() {
			List<Path> f = new ArrayList<>();
			f.add(images);
			f.add(masks);
			return f;
		}

		@Override
		public LabelledImages read(Normalization normalization, MaskPolicy policy) {
			IntensityStats.Accumulator raw = new IntensityStats.Accumulator();
			List<Sample> samples = DatasetLoader.loadAll(pairs, normalization, policy, raw);
			int bitDepth = ImageFiles.read(pairs.get(0).imagePath()).bitDepth();
			LabelledImages set = new LabelledImages(samples, bitDepth, samples.size() > pairs.size(), new ArrayList<>(pairs.warnings()));
			set.rawStats = raw.result();
			set.imagesFolder = images.toAbsolutePath().toString();
			set.masksFolder = masks.toAbsolutePath().toString();
			return set;
		}
	}

	private static final class Planes extends LabelledSource {
		private final String description;
		private final List<Plane> planes;
		private final int bitDepth;

		Planes(String description, List<Plane> planes, int bitDepth) {
			if (planes.isEmpty())
				throw new UnetException(description + " has no planes to train on");
			this.description = description;
			this.planes = new ArrayList<>(planes);
			this.bitDepth = bitDepth;
		}

		@Override
		public String description() {
			return description;
		}

		@Override
		public List<Path> folders() {
			return Collections.emptyList();
		}

		/**
		 * Slices are split one by one: a single stack has no other volumes to keep apart from, so a group pattern is
		 * only used when the settings give one.
		 */
		@Override
		public LabelledImages read(Normalization normalization, MaskPolicy policy) {
			List<Sample> samples = new ArrayList<>(planes.size());
			IntensityStats.Accumulator raw = new IntensityStats.Accumulator();
			for (Plane p : planes) {
				byte[] mask = ImageFiles.toBinaryMask(p.maskValues, p.maskName, policy);
				raw.add(p.chw, p.width, p.height, p.channels, bitDepth);
				float[] pixels = p.chw.clone();
				normalization.apply(pixels, p.width, p.height, p.channels, bitDepth);
				samples.add(Sample.of(p.name, pixels, p.width, p.height, p.channels, mask));
			}
			LabelledImages set = new LabelledImages(samples, bitDepth, false, new ArrayList<>());
			set.rawStats = raw.result();
			for (Plane p : planes)
				set.maskNames.put(p.name, p.maskName);
			return set;
		}
	}
}
