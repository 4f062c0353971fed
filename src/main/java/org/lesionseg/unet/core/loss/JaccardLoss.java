package org.lesionseg.unet.core.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

/**
 * Soft Jaccard (IoU) loss on sigmoid probabilities: 1 - (Σpy + s)/(Σp + Σy - Σpy + s) for every image, then the
 * mean over the batch. Like Dice, but it punishes partial overlap more.
 */
public class JaccardLoss extends Loss {

	private final double smooth;

	/** A Jaccard loss with smoothing 1. */
	public JaccardLoss() {
		this(DiceLoss.DEFAULT_SMOOTH);
	}

	/**
	 * @param smooth added to numerator and denominator; must be &gt;= 0
	 */
	public JaccardLoss(double smooth) {
		super("jaccard");
		this.smooth = LossInputs.requireAtLeast("jaccard", "smooth", smooth, 0.0);
	}

	/** @return the smoothing added to numerator and denominator */
	public double smooth() {
		return smooth;
	}

	/**
	 * @param labels one array of 0/1 targets (N,1,H,W)
	 * @param predictions one array of logits of the same shape
	 * @return the mean over the batch of 1 - soft IoU, a scalar
	 */
	@Override
	public NDArray evaluate(NDList labels, NDList predictions) {
		NDArray[] xy = LossInputs.logitsAndTargets(getName(), labels, predictions);
		NDArray probabilities = LossInputs.sigmoid(xy[0]);
		NDArray intersection = LossInputs.sumPerSample(probabilities.mul(xy[1]));
		NDArray union = LossInputs.sumPerSample(probabilities).add(LossInputs.sumPerSample(xy[1])).sub(intersection);
		NDArray iou = intersection.add((float) smooth).div(union.add((float) (smooth + LossInputs.DENOMINATOR_EPS)));
		return iou.neg().add(1).mean();
	}
}
