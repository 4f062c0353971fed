package org.lesionseg.unet.core.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

/**
 * Binary cross-entropy on logits, averaged over all pixels of the batch; the same as PyTorch's
 * {@code BCEWithLogitsLoss}. It is computed as max(x,0) - x*y + log1p(exp(-|x|)) so that logits of any size stay
 * finite and confident pixels keep their small loss. An optional positive weight scales the loss of foreground pixels, which helps when lesions are small.
 */
public class BceWithLogitsLoss extends Loss {

	private final double posWeight;

	/** A plain binary cross-entropy (positive weight 1). */
	public BceWithLogitsLoss() {
		this(1.0);
	}

	/**
	 * @param posWeight factor on the loss of foreground pixels (PyTorch's pos_weight); must be &gt; 0
	 */
	public BceWithLogitsLoss(double posWeight) {
		super("bce");
		this.posWeight = LossInputs.requireAbove("bce", "pos_weight", posWeight, 0.0);
	}

	/** @return the factor on the loss of foreground pixels */
	public double posWeight() {
		return posWeight;
	}

	/**
	 * @param labels one array of 0/1 targets (N,1,H,W)
	 * @param predictions one array of logits of the same shape
	 * @return the mean binary cross-entropy over every pixel of the batch, a scalar
	 */
	@Override
	public NDArray evaluate(NDList labels, NDList predictions) {
		NDArray[] xy = LossInputs.logitsAndTargets(getName(), labels, predictions);
		return LossInputs.bceElementwise(xy[0], xy[1], posWeight).mean();
	}
}
