package org.lesionseg.unet.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * MedSegDiff's FF-Parser: features go to the frequency domain (2-D real FFT), each channel's spectrum is multiplied
 * by a learnable complex weight map, and the inverse FFT brings them back. It lets the network damp the
 * high-frequency noise of the mask features.
 * <p>
 * The weight map covers the spectrum of a {@code size}×{@code size} feature map (size × (size/2 + 1) frequencies per
 * channel), stored as real and imaginary parts: DJL 0.36 cannot record gradients through {@code view_as_complex},
 * so the product is taken as X·(1 + tanh(a)) + (i·X)·tanh(b) with real parameters a and b, both starting at 0 (the
 * filter starts as the identity; tanh keeps the gain between 0 and 2). A feature map of another size (tiles smaller than the training size) uses the weight of the
 * nearest frequency of the training grid.
 */
public final class FrequencyFilter extends AbstractBlock {

	private static final byte VERSION = 1;

	private final int channels;
	private final int size;
	private final Parameter real;
	private final Parameter imaginary;

	FrequencyFilter(int channels, int size) {
		super(VERSION);
		this.channels = channels;
		this.size = size;
		// BIAS type: initialised to zero, so the filter starts as the identity
		real = addParameter(Parameter.builder().setName("real").setType(Parameter.Type.BIAS).optShape(mapShape(channels, size)).build());
		imaginary = addParameter(Parameter.builder().setName("imaginary").setType(Parameter.Type.BIAS).optShape(mapShape(channels, size)).build());
	}

	static Shape mapShape(int channels, int size) {
		return new Shape(channels, size, size / 2 + 1);
	}

	@Override
	protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
		NDArray x = inputs.singletonOrThrow();
		long h = x.getShape().get(2), w = x.getShape().get(3);
		NDArray a = store.getValue(real, x.getDevice(), training);
		NDArray b = store.getValue(imaginary, x.getDevice(), training);
		if (h != size || w != size) {
			NDArray rows = x.getManager().create(nearestRows(h)), cols = x.getManager().create(nearestColumns(w));
			a = a.get(new NDIndex(":, {}", rows)).get(new NDIndex(":, :, {}", cols));
			b = b.get(new NDIndex(":, {}", rows)).get(new NDIndex(":, :, {}", cols));
		}
		// bounded: gain 1 + tanh(a) in (0, 2), phase part tanh(b) in (-1, 1). Unbounded, the map grew until training went
		// NaN (epoch 6 on 32-pixel blobs at lr 1e-3) or, at a lower rate, the model predicted all foreground
		a = a.tanh();
		b = b.tanh();
		NDArray spectrum = x.rfft(w, -1).fft(h, -2);
		NDArray unit = x.getManager().create(new float[] { 0f, 1f }, new Shape(2)).complex();
		NDArray filtered = spectrum.add(spectrum.mul(a)).add(spectrum.mul(unit).mul(b));
		return new NDList(filtered.ifft(h, -2).irfft(w, -1));
	}

	/** For each row frequency of an h-row spectrum (FFT order), the row of the training grid with the nearest frequency. */
	private long[] nearestRows(long h) {
		long[] rows = new long[(int) h];
		for (int i = 0; i < h; i++) {
			double f = (i <= h / 2 ? i : i - h) / (double) h; // cycles per pixel in [-0.5, 0.5)
			long r = Math.round(f * size);
			r = Math.max(-size / 2, Math.min(size / 2, r));
			rows[i] = r < 0 ? r + size : r;
		}
		return rows;
	}

	private long[] nearestColumns(long w) {
		long[] cols = new long[(int) (w / 2 + 1)];
		for (int i = 0; i < cols.length; i++)
			cols[i] = Math.min(size / 2, Math.round(i / (double) w * size));
		return cols;
	}

	@Override
	public Shape[] getOutputShapes(Shape[] inputShapes) {
		return new Shape[] { inputShapes[0] };
	}

	@Override
	protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
		// no children
	}

	int channels() {
		return channels;
	}
}
