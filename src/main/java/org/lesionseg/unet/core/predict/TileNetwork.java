package org.lesionseg.unet.core.predict;

import java.nio.ByteBuffer;

/**
 * What runs on each batch of tiles: the seam between tiling/blending ({@link TiledPredictor}) and whatever computes
 * the maps (the engine's U-Net, an imported TorchScript or ONNX network, a diffusion sampler).
 * <p>
 * Implementations turn a batch of normalised tiles into one or more maps per tile that the tiler blends: map 0 is
 * always the foreground probability; further maps (an uncertainty, other classes) are blended the same way.
 */
public interface TileNetwork {

	/** Maps per tile: 1 for a binary probability. */
	default int outputMaps() {
		return 1;
	}

	/**
	 * Runs one batch.
	 *
	 * @param input  a direct, native-order buffer of n·c·h·w floats (NCHW, row-major), valid during the call only
	 * @param output receives n·outputMaps()·h·w values (N, map, H, W, row-major); map 0 in [0, 1]
	 */
	void run(ByteBuffer input, int n, int c, int h, int w, float[] output);

	/** A copy of the n·c·h·w input values of {@link #run}, for networks that work on the tiles in Java first. */
	static float[] copyOf(ByteBuffer input, int n, int c, int h, int w) {
		float[] tiles = new float[n * c * h * w];
		input.duplicate().order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer().get(tiles);
		return tiles;
	}
}
