package org.lesionseg.unet.core.data;

import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.ByteArray;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.type.numeric.real.FloatType;

/**
 * One image and its optional mask, held in imglib2.
 * <p>
 * The image has dimensions (x, y, c): an {@link ArrayImg} stores x fastest, so its backing array is
 * exactly the channel-major (C, H, W) layout that a network tensor wants. The mask has dimensions
 * (x, y) and holds 0 (background) or 1 (foreground).
 */
public final class Sample {

	private final String name;
	private final ArrayImg<FloatType, FloatArray> image;
	private final ArrayImg<UnsignedByteType, ByteArray> mask;

	public Sample(String name, ArrayImg<FloatType, FloatArray> image, ArrayImg<UnsignedByteType, ByteArray> mask) {
		if (image.numDimensions() != 3)
			throw new IllegalArgumentException("image must have dimensions (x, y, c), got " + image.numDimensions() + "D");
		if (mask != null && (mask.numDimensions() != 2 || mask.dimension(0) != image.dimension(0) || mask.dimension(1) != image.dimension(1)))
			throw new IllegalArgumentException("mask of " + name + " must be (x, y) of the image's size");
		this.name = name;
		this.image = image;
		this.mask = mask;
	}

	/** Wraps channel-major (C, H, W) pixels and an optional (H, W) 0/1 mask without copying. */
	public static Sample of(String name, float[] chw, int width, int height, int channels, byte[] mask) {
		if (chw.length != width * height * channels)
			throw new IllegalArgumentException("pixel count does not match " + width + "x" + height + "x" + channels);
		return new Sample(name, ArrayImgs.floats(chw, width, height, channels), mask == null ? null : ArrayImgs.unsignedBytes(mask, width, height));
	}

	public String name() {
		return name;
	}

	public ArrayImg<FloatType, FloatArray> image() {
		return image;
	}

	/** The mask, or null for an image without ground truth. */
	public ArrayImg<UnsignedByteType, ByteArray> mask() {
		return mask;
	}

	public boolean hasMask() {
		return mask != null;
	}

	public int width() {
		return (int) image.dimension(0);
	}

	public int height() {
		return (int) image.dimension(1);
	}

	public int channels() {
		return (int) image.dimension(2);
	}

	/** The backing (C, H, W) array: changes write through. */
	public float[] imageData() {
		return image.update(null).getCurrentStorageArray();
	}

	/** The backing (H, W) 0/1 array, or null: changes write through. */
	public byte[] maskData() {
		return mask == null ? null : mask.update(null).getCurrentStorageArray();
	}

	/** The same image with another name, image or mask. */
	public Sample withImage(float[] chw, int width, int height, int channels, byte[] newMask) {
		return of(name, chw, width, height, channels, newMask);
	}
}
