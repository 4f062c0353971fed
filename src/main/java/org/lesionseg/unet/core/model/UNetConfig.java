package org.lesionseg.unet.core.model;

import org.lesionseg.unet.core.UnetException;

/**
 * The shape of a U-Net: how deep, how wide, how many input channels and output classes.
 * <p>
 * The defaults are the classic network of the original workflow: depth 4 with features 64-128-256-512,
 * a bottleneck of 1024, one input channel and one output logit (binary segmentation).
 */
public final class UNetConfig {

	/** How the weights start: DJL's Kaiming-normal default, or PyTorch's uniform(±1/sqrt(fan_in)). */
	public enum Init {
		KAIMING, PYTORCH;

		public static Init fromName(String name) {
			for (Init i : values())
				if (i.name().equalsIgnoreCase(name))
					return i;
			throw new UnetException("unknown weight initialisation '" + name + "': use kaiming or pytorch");
		}
	}

	/** Most softmax outputs (background and 100 classes): label values are stored in signed bytes. */
	public static final int MAX_OUTPUTS = 101;

	private int depth = 4;
	private int baseFeatures = 64;
	private int inputChannels = 1;
	private int outputClasses = 1;
	private float dropout = 0f;
	private Init init = Init.KAIMING;

	public int depth() {
		return depth;
	}

	public UNetConfig depth(int depth) {
		if (depth < 1 || depth > 7)
			throw new UnetException("depth must be between 1 and 7, got " + depth);
		this.depth = depth;
		return this;
	}

	public int baseFeatures() {
		return baseFeatures;
	}

	public UNetConfig baseFeatures(int baseFeatures) {
		if (baseFeatures < 1 || baseFeatures > 1024)
			throw new UnetException("base features must be between 1 and 1024, got " + baseFeatures);
		this.baseFeatures = baseFeatures;
		return this;
	}

	public int inputChannels() {
		return inputChannels;
	}

	public UNetConfig inputChannels(int inputChannels) {
		if (inputChannels < 1 || inputChannels > 16)
			throw new UnetException("input channels must be between 1 and 16, got " + inputChannels);
		this.inputChannels = inputChannels;
		return this;
	}

	public int outputClasses() {
		return outputClasses;
	}

	public UNetConfig outputClasses(int outputClasses) {
		// 1: one logit (binary, sigmoid); K+1 >= 3: softmax over background and K classes
		if (outputClasses != 1 && (outputClasses < 3 || outputClasses > MAX_OUTPUTS))
			throw new UnetException("output classes must be 1 (binary) or 3.." + MAX_OUTPUTS + " (background and 2 or more classes), got " + outputClasses);
		this.outputClasses = outputClasses;
		return this;
	}

	public float dropout() {
		return dropout;
	}

	public UNetConfig dropout(float dropout) {
		if (!(dropout >= 0f && dropout < 1f))
			throw new UnetException("dropout must be in [0, 1), got " + dropout);
		this.dropout = dropout;
		return this;
	}

	public Init init() {
		return init;
	}

	public UNetConfig init(Init init) {
		this.init = init;
		return this;
	}

	/** Features at level {@code level} (0 = first encoder block, depth = bottleneck). */
	public int featuresAt(int level) {
		return baseFeatures << level;
	}

	/** Image sides must be multiples of this (one halving per level). */
	public int sizeMultiple() {
		return 1 << depth;
	}

	/** Checks that a training size fits the depth, with a message that says what would. */
	public void checkTrainingSize(int size) {
		if (size < sizeMultiple() || size % sizeMultiple() != 0) {
			int lower = Math.max(sizeMultiple(), size / sizeMultiple() * sizeMultiple());
			throw new UnetException("image size " + size + " does not fit a U-Net of depth " + depth + ": it must be a multiple of "
				+ sizeMultiple() + " (try " + lower + " or " + (lower + sizeMultiple()) + ")");
		}
	}

	public UNetConfig copy() {
		UNetConfig c = new UNetConfig();
		c.depth = depth;
		c.baseFeatures = baseFeatures;
		c.inputChannels = inputChannels;
		c.outputClasses = outputClasses;
		c.dropout = dropout;
		c.init = init;
		return c;
	}

	@Override
	public String toString() {
		StringBuilder f = new StringBuilder();
		for (int i = 0; i < depth; i++)
			f.append(i == 0 ? "" : "-").append(featuresAt(i));
		return "U-Net depth " + depth + " (features " + f + ", bottleneck " + featuresAt(depth) + "), " + inputChannels
			+ " input channel(s), " + outputClasses + " output(s)" + (dropout > 0 ? ", dropout " + dropout : "");
	}
}
