package org.lesionseg.unet.core.data;

import java.util.Collections;
import java.util.List;

/**
 * The pixels of one image file as stored, before any normalisation: one channel-major (C, H, W) float plane per
 * stack slice. Keeping raw values lets the caller pick the normalisation and lets masks be checked for binarity.
 */
public final class LoadedImage {

	private final String name;
	private final int width;
	private final int height;
	private final int channels;
	private final int bitDepth;
	private final List<float[]> planes;

	/**
	 * @param name base name of the file without extension
	 * @param bitDepth 8, 16 or 32 (RGB counts as 8): tells {@link Normalization#SCALE_01} the value range
	 * @param planes one (C, H, W) array of {@code width * height * channels} values per slice
	 */
	public LoadedImage(String name, int width, int height, int channels, int bitDepth, List<float[]> planes) {
		if (planes.isEmpty())
			throw new IllegalArgumentException("an image needs at least one slice");
		for (float[] plane : planes)
			if (plane.length != width * height * channels)
				throw new IllegalArgumentException("plane size does not match " + width + "x" + height + "x" + channels);
		this.name = name;
		this.width = width;
		this.height = height;
		this.channels = channels;
		this.bitDepth = bitDepth;
		this.planes = Collections.unmodifiableList(planes);
	}

	/** Base name of the file without its extension, e.g. {@code case01} for {@code case01.png}. */
	public String name() {
		return name;
	}

	public int width() {
		return width;
	}

	public int height() {
		return height;
	}

	/** 1 for grey, 3 for colour (alpha is dropped). */
	public int channels() {
		return channels;
	}

	/** 8, 16 or 32: the range of the stored values (32 = floating point or other wide types). */
	public int bitDepth() {
		return bitDepth;
	}

	/** One (C, H, W) array of raw values per stack slice. */
	public List<float[]> planes() {
		return planes;
	}

	/** The number of stack slices (pages of a TIFF), 1 for ordinary images. */
	public int slices() {
		return planes.size();
	}

	/** The (C, H, W) raw values of one slice (0-based). */
	public float[] plane(int slice) {
		return planes.get(slice);
	}

	@Override
	public String toString() {
		return name + " (" + width + "x" + height + ", " + channels + " channel(s), " + bitDepth + "-bit, " + slices() + " slice(s))";
	}
}
