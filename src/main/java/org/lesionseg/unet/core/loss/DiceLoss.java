package org.lesionseg.unet.core.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

/**
 * Soft Dice loss on sigmoid probabilities: 1 - (2·Σpy + s)/(Σp + Σy + s) for every image, then the mean over the
 * batch. It measures overlap directly, so small lesions weigh as much as large ones; the smoothing s keeps images
 * without lesion defined (their loss falls as the predicted area shrinks).
 */
public class DiceLoss extends Loss {

	/** The default smoothing, added to numerator and denominator. */
	public static final double DEFAULT_SMOOTH = 1.0;

	private final double smooth;

	/** A Dice loss with smoothing 1. */
	public DiceLoss() {
		this(DEFAULT_SMOOTH);
	}

	/**
	 * @param smooth added to numerator and denominator; must be &gt;= 0
	 */
	public DiceLoss(double smooth) {
		super("dice");
		this.smooth = LossInputs.requireAtLeast("dice", "smooth", smooth, 0.0);
	}

	/** @return the smoothing added to numerator and denominator */
	public double smooth() {
		return smooth;
	}

	/**
	 * @param labels one array of 0/1 targets (N,1,H,W)
	 * @param predictions one array of logits of the same shape
	 * @return the mean over the batch of 1 - soft Dice, a scalar
	 */
	@Override
	public NDArray evaluate(NDList labels, NDList predictions) {
		NDArray[] xy = LossInputs.logitsAndTargets(getName(), labels, predictions);
		return perSample(xy[0], xy[1], smooth).mean();
	}

	/** 1 - soft Dice of every sample, shape (N). */
	static NDArray perSample(NDArray logits, NDArray targets, double smooth) {
		NDArray probabilities = LossInputs.sigmoid(logits);
		NDArray intersection = LossInputs.sumPerSample(probabilities.mul(targets));
		NDArray denominator = LossInputs.sumPerSample(probabilities).add(LossInputs.sumPerSample(targets));
		NDArray dice = intersection.mul(2).add((float) smooth)
				.div(denominator.add((float) (smooth + LossInputs.DENOMINATOR_EPS)));
		return dice.neg().add(1);
	}
}
