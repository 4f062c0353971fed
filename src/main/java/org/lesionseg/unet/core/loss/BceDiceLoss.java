package org.lesionseg.unet.core.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

import org.lesionseg.unet.core.UnetException;

/**
 * Weighted sum of binary cross-entropy and soft Dice loss: bce_weight·BCE + dice_weight·Dice. BCE gives smooth
 * per-pixel gradients from the start, Dice keeps small lesions from being drowned by the background.
 */
public class BceDiceLoss extends Loss {

	/** Default weight of each part. */
	public static final double DEFAULT_WEIGHT = 0.5;

	private final double bceWeight;
	private final double diceWeight;
	private final double smooth;
	private final double posWeight;

	/** Half BCE, half Dice, Dice smoothing 1, no positive weight. */
	public BceDiceLoss() {
		this(DEFAULT_WEIGHT, DEFAULT_WEIGHT);
	}

	/**
	 * @param bceWeight weight of the cross-entropy part, &gt;= 0
	 * @param diceWeight weight of the Dice part, &gt;= 0 (not both 0)
	 */
	public BceDiceLoss(double bceWeight, double diceWeight) {
		this(bceWeight, diceWeight, DiceLoss.DEFAULT_SMOOTH, 1.0);
	}

	/**
	 * @param bceWeight weight of the cross-entropy part, &gt;= 0
	 * @param diceWeight weight of the Dice part, &gt;= 0 (not both 0)
	 * @param smooth Dice smoothing, &gt;= 0
	 * @param posWeight factor on the cross-entropy of foreground pixels, &gt; 0
	 */
	public BceDiceLoss(double bceWeight, double diceWeight, double smooth, double posWeight) {
		super("bce_dice");
		this.bceWeight = LossInputs.requireAtLeast("bce_dice", "bce_weight", bceWeight, 0.0);
		this.diceWeight = LossInputs.requireAtLeast("bce_dice", "dice_weight", diceWeight, 0.0);
		if (bceWeight == 0.0 && diceWeight == 0.0) {
			throw new UnetException("loss bce_dice: bce_weight and dice_weight are both 0; make at least one > 0");
		}
		this.smooth = LossInputs.requireAtLeast("bce_dice", "smooth", smooth, 0.0);
		this.posWeight = LossInputs.requireAbove("bce_dice", "pos_weight", posWeight, 0.0);
	}

	/** @return the weight of the cross-entropy part */
	public double bceWeight() {
		return bceWeight;
	}

	/** @return the weight of the Dice part */
	public double diceWeight() {
		return diceWeight;
	}

	/**
	 * @param labels one array of 0/1 targets (N,1,H,W)
	 * @param predictions one array of logits of the same shape
	 * @return bce_weight·(mean BCE over pixels) + dice_weight·(mean Dice loss over images), a scalar
	 */
	@Override
	public NDArray evaluate(NDList labels, NDList predictions) {
		NDArray[] xy = LossInputs.logitsAndTargets(getName(), labels, predictions);
		NDArray bce = LossInputs.bceElementwise(xy[0], xy[1], posWeight).mean();
		NDArray dice = DiceLoss.perSample(xy[0], xy[1], smooth).mean();
		return bce.mul((float) bceWeight).add(dice.mul((float) diceWeight));
	}
}
