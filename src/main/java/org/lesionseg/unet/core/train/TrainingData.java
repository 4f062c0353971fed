package org.lesionseg.unet.core.train;

import java.util.ArrayList;
import java.util.List;

import org.lesionseg.unet.core.data.Sample;

/** The normalised samples a training sees, with where they came from (recorded in the model file). */
public final class TrainingData {

	public final List<Sample> train;
	public final List<Sample> val;
	public final List<String> testNames;
	/** Bit depth of the source images (8, 16 or 32). */
	public final int bitDepth;
	public String imagesFolder;
	public String masksFolder;
	/** Raw pixel statistics of the labelled images (before normalisation), recorded in the model file; may be null. */
	public org.lesionseg.unet.core.data.IntensityStats rawStats;

	public TrainingData(List<Sample> train, List<Sample> val, List<String> testNames, int bitDepth) {
		this.train = train;
		this.val = val;
		this.testNames = testNames == null ? new ArrayList<>() : testNames;
		this.bitDepth = bitDepth;
	}
}
