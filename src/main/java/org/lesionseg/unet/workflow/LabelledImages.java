package org.lesionseg.unet.workflow;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.data.DatasetLoader;
import org.lesionseg.unet.core.data.IntensityStats;
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
	/** Sample name to mask name, where they differ. */
	final Map<String, String> maskNames = new HashMap<>();

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
		return LabelledSource.folders(imagesDir, masksDir, pairing).read(normalization, policy);
	}

	/** The mask of a sample as messages name it: the mask image and slice of an open image, else the sample's name. */
	public String maskName(String sample) {
		return maskNames.getOrDefault(sample, sample);
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
