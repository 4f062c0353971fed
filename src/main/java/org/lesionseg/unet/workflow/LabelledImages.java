package org.lesionseg.unet.workflow;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.data.DatasetFolders;
import org.lesionseg.unet.core.data.DatasetLoader;
import org.lesionseg.unet.core.data.ImageFiles;
import org.lesionseg.unet.core.data.ImageMaskPair;
import org.lesionseg.unet.core.data.IntensityStats;
import org.lesionseg.unet.core.data.Listing;
import org.lesionseg.unet.core.data.MaskPolicy;
import org.lesionseg.unet.core.data.Normalization;
import org.lesionseg.unet.core.data.Pairing;
import org.lesionseg.unet.core.data.Sample;

/**
 * A labelled image set in memory: normalised 2D samples with masks, from two folders or from open images.
 * Stacks become one sample per slice named {@code name_s001}, and their slices are kept together when the set
 * is split.
 */
public final class LabelledImages {

	public final List<Sample> samples;
	public final int bitDepth;
	public final boolean fromStacks;
	public final List<String> warnings;
	public String imagesFolder;
	public String masksFolder;
	/** Raw pixel statistics of the images, before normalisation (null when not gathered). */
	public IntensityStats rawStats;
	private final Map<String, Sample> byName = new HashMap<>();

	public LabelledImages(List<Sample> samples, int bitDepth, boolean fromStacks, List<String> warnings) {
		if (samples.isEmpty())
			throw new UnetException("no labelled images were found");
		this.samples = samples;
		this.bitDepth = bitDepth;
		this.fromStacks = fromStacks;
		this.warnings = warnings;
		for (Sample s : samples)
			if (byName.put(s.name(), s) != null)
				throw new UnetException("two images are named " + s.name() + ": names must be unique");
	}

	/** Reads and normalises every pair of two folders (one sample per slice of a stack). */
	public static LabelledImages fromFolders(Path imagesDir, Path masksDir, Pairing pairing, MaskPolicy policy, Normalization normalization) {
		Listing<ImageMaskPair> pairs = DatasetFolders.pair(imagesDir, masksDir, pairing);
		IntensityStats.Accumulator raw = new IntensityStats.Accumulator();
		List<Sample> samples = DatasetLoader.loadAll(pairs, normalization, policy, raw);
		int bitDepth = ImageFiles.read(pairs.get(0).imagePath()).bitDepth();
		LabelledImages set = new LabelledImages(samples, bitDepth, samples.size() > pairs.size(), new ArrayList<>(pairs.warnings()));
		set.rawStats = raw.result();
		set.imagesFolder = imagesDir.toAbsolutePath().toString();
		set.masksFolder = masksDir.toAbsolutePath().toString();
		return set;
	}

	/**
	 * A labelled set from images in memory, such as open ImageJ images and their masks
	 * ({@code ImagePlusConversion.toLabelledSamples}). The raw values are normalised here (on copies) as the
	 * training's normalisation says. Slices are split one by one: a single stack has no other volumes to keep apart
	 * from, so a group pattern is only used when the settings give one.
	 *
	 * @param raw samples with masks, pixel values as stored in the image
	 * @param bitDepth the images' bit depth (8, 16 or 32; 8 for RGB)
	 */
	public static LabelledImages fromSamples(List<Sample> raw, int bitDepth, Normalization normalization) {
		List<Sample> normalised = new ArrayList<>(raw.size());
		IntensityStats.Accumulator stats = new IntensityStats.Accumulator();
		for (Sample s : raw) {
			if (!s.hasMask())
				throw new UnetException("image " + s.name() + " has no mask: every training image needs one");
			stats.add(s.imageData(), s.width(), s.height(), s.channels(), bitDepth);
			float[] pixels = s.imageData().clone();
			normalization.apply(pixels, s.width(), s.height(), s.channels(), bitDepth);
			normalised.add(Sample.of(s.name(), pixels, s.width(), s.height(), s.channels(), s.maskData()));
		}
		LabelledImages set = new LabelledImages(normalised, bitDepth, false, new ArrayList<>());
		set.rawStats = stats.result();
		return set;
	}

	public List<Sample> select(List<String> names) {
		List<Sample> selected = new ArrayList<>();
		for (String n : names) {
			Sample s = byName.get(n);
			if (s == null)
				throw new UnetException("image " + n + " of the data split is not in the image set");
			selected.add(s);
		}
		return selected;
	}

	/** Slices of one stack stay together when splitting. */
	String defaultGroupPattern() {
		return fromStacks ? DatasetLoader.SLICE_GROUP_PATTERN : "";
	}
}
