package org.lesionseg.unet.core.predict;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

/**
 * The maps of a multi-class network and the label image made of them. A softmax over background and K classes
 * becomes K+1 maps laid out as every other network's: map 0 is the foreground probability (1 - background), so that
 * thresholds, object sizes, blending and the binary metrics apply to it unchanged; maps 1..K are the classes'
 * probabilities. A pixel's label is 0 outside the foreground mask, and inside it the most probable class.
 */
public final class ClassMaps {

	private ClassMaps() {
	}

	/** Logits (N, K+1, H, W) as maps (N, K+1, H, W): foreground probability, then the K class probabilities. */
	public static NDArray fromLogits(NDArray logits) {
		NDArray p = logits.softmax(1);
		NDArray foreground = p.get(":, 0:1").neg().add(1f);
		return NDArrays.concat(new NDList(foreground, p.get(":, 1:")), 1);
	}

	/**
	 * The label image: 0 where the mask is 0, else the class 1..K of the largest map (the first on a tie).
	 *
	 * @param maps the K+1 maps of one image (map 0 the foreground, not used here)
	 * @param mask the foreground after thresholding and clean-up (non-zero = foreground)
	 */
	public static byte[] labels(float[][] maps, byte[] mask) {
		byte[] labels = new byte[mask.length];
		for (int i = 0; i < mask.length; i++) {
			if (mask[i] == 0)
				continue;
			int best = 1;
			for (int k = 2; k < maps.length; k++)
				if (maps[k][i] > maps[best][i])
					best = k;
			labels[i] = (byte) best;
		}
		return labels;
	}

	/** The foreground of a label image as 0/1. */
	public static byte[] foreground(byte[] labels) {
		byte[] mask = new byte[labels.length];
		for (int i = 0; i < labels.length; i++)
			mask[i] = (byte) (labels[i] != 0 ? 1 : 0);
		return mask;
	}
}
