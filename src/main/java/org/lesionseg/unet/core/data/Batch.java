package org.lesionseg.unet.core.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.lesionseg.unet.core.UnetException;

/**
 * A batch of samples packed for a network: images as one (N, C, H, W) float array and masks as one (N, 1, H, W)
 * float array of 0/1, both row-major as tensors expect. Fields and accessors give the same values; the arrays are
 * handed out without copying.
 */
public final class Batch {

	/** The (N, C, H, W) image values. */
	public final float[] images;
	/** The (N, 1, H, W) 0/1 mask values, or null for samples without masks. */
	public final float[] masks;
	/** Batch size N, channels C, height H and width W. */
	public final int n, c, h, w;
	/** Sample names in batch order (read-only). */
	public final List<String> names;

	public Batch(float[] images, float[] masks, int n, int c, int h, int w, List<String> names) {
		if (images.length != n * c * h * w || (masks != null && masks.length != n * h * w) || names.size() != n)
			throw new IllegalArgumentException("batch arrays do not match " + n + "x" + c + "x" + h + "x" + w);
		this.images = images;
		this.masks = masks;
		this.n = n;
		this.c = c;
		this.h = h;
		this.w = w;
		this.names = Collections.unmodifiableList(new ArrayList<>(names));
	}

	/**
	 * Packs samples of one size into a batch.
	 *
	 * @throws UnetException when the samples differ in size or channels, or only some have masks
	 */
	public static Batch of(List<Sample> samples) {
		if (samples.isEmpty())
			throw new IllegalArgumentException("a batch needs at least one sample");
		Sample first = samples.get(0);
		int c = first.channels(), h = first.height(), w = first.width(), n = samples.size();
		boolean withMasks = first.hasMask();
		int imageSize = c * h * w, maskSize = h * w;
		float[] images = new float[n * imageSize];
		float[] masks = withMasks ? new float[n * maskSize] : null;
		List<String> names = new ArrayList<>(n);
		for (int i = 0; i < n; i++) {
			Sample s = samples.get(i);
			if (s.width() != w || s.height() != h || s.channels() != c)
				throw new UnetException("sample " + s.name() + " is " + s.width() + "x" + s.height() + "x" + s.channels() + " but " + first.name() + " is " + w + "x"
						+ h + "x" + c + " in the same batch: give all images one size (set a training size to resize or crop them) and one channel count");
			if (s.hasMask() != withMasks)
				throw new UnetException("sample " + s.name() + (s.hasMask() ? " has" : " has no") + " mask but " + first.name() + (withMasks ? " has" : " has no")
						+ " mask: a batch needs masks for all samples or for none");
			System.arraycopy(s.imageData(), 0, images, i * imageSize, imageSize);
			if (withMasks) {
				byte[] mask = s.maskData();
				for (int p = 0; p < maskSize; p++)
					masks[i * maskSize + p] = mask[p];
			}
			names.add(s.name());
		}
		return new Batch(images, masks, n, c, h, w, names);
	}

	/** The (N, C, H, W) image values. */
	public float[] images() {
		return images;
	}

	/** The (N, 1, H, W) 0/1 mask values, or null for samples without masks. */
	public float[] masks() {
		return masks;
	}

	/** The number of samples N. */
	public int size() {
		return n;
	}

	public int channels() {
		return c;
	}

	public int height() {
		return h;
	}

	public int width() {
		return w;
	}

	/** Sample names in batch order. */
	public List<String> names() {
		return names;
	}

	/** The tensor shape of {@link #images()}: {N, C, H, W}. */
	public long[] imageShape() {
		return new long[] { n, c, h, w };
	}

	/** The tensor shape of {@link #masks()}: {N, 1, H, W}. */
	public long[] maskShape() {
		return new long[] { n, 1, h, w };
	}
}
