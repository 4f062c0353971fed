package org.lesionseg.unet.core.predict;

/**
 * A connected-component label image: every pixel holds 0 (background) or the number (1..count) of the
 * object it belongs to. Pixels are stored row-major (index = y * width + x).
 * <p>
 * Produced by {@link MaskPostprocessing#label(byte[], int, int)}; labels are numbered in raster order
 * of each object's first pixel, so the numbering is stable for a given mask.
 */
public final class LabelImage {

	private final int width;
	private final int height;
	private final int[] labels;
	private final int count;

	/**
	 * Wraps a label array without copying.
	 *
	 * @param labels row-major labels, 0 = background, 1..count = objects
	 * @param count the number of objects (the largest label)
	 */
	public LabelImage(int[] labels, int width, int height, int count) {
		if (width <= 0 || height <= 0)
			throw new IllegalArgumentException("label image size must be positive, got " + width + "x" + height);
		if (labels.length != width * height)
			throw new IllegalArgumentException("label array has " + labels.length + " pixels, expected " + width + "x" + height);
		if (count < 0)
			throw new IllegalArgumentException("object count must not be negative, got " + count);
		this.labels = labels;
		this.width = width;
		this.height = height;
		this.count = count;
	}

	public int width() {
		return width;
	}

	public int height() {
		return height;
	}

	/** The backing row-major label array (not a copy). */
	public int[] labels() {
		return labels;
	}

	/** The number of objects; labels run from 1 to this number. */
	public int count() {
		return count;
	}

	/** The label at (x, y). */
	public int get(int x, int y) {
		return labels[y * width + x];
	}

	/** A 0/1 mask of all objects together. */
	public byte[] toMask() {
		byte[] mask = new byte[labels.length];
		for (int i = 0; i < labels.length; i++)
			if (labels[i] != 0)
				mask[i] = 1;
		return mask;
	}
}
