package org.lesionseg.unet.core.loss;

import java.util.Map;

import org.lesionseg.unet.core.UnetException;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.loss.Loss;

/**
 * The loss of a multi-class network: logits (N, K+1, H, W) for background and K classes, and label targets
 * (N, 1, H, W) holding 0..K. It is {@code ceWeight · cross-entropy + diceWeight · (1 - soft Dice)}, where the
 * cross-entropy is the mean over pixels of -log softmax at the true class, and the soft Dice is taken per
 * foreground class over the whole batch, (2Σpy + s)/(Σp + Σy + s), and averaged over the classes present in the
 * batch's labels (over all foreground classes when none is present, so that false positives still cost).
 */
public final class SoftmaxLoss extends Loss {

	private final int outputs;
	private final double ceWeight;
	private final double diceWeight;
	private final double smooth;

	public SoftmaxLoss(String name, int outputs, double ceWeight, double diceWeight, double smooth) {
		super(name);
		if (outputs < 3)
			throw new IllegalArgumentException("a softmax loss needs background and at least 2 classes, got " + outputs + " outputs");
		this.outputs = outputs;
		this.ceWeight = LossInputs.requireAtLeast(name, "bce_weight", ceWeight, 0.0);
		this.diceWeight = LossInputs.requireAtLeast(name, "dice_weight", diceWeight, 0.0);
		this.smooth = LossInputs.requireAtLeast(name, "smooth", smooth, 0.0);
	}

	/**
	 * The multi-class form of a binary loss spec: bce is cross-entropy, dice the multi-class Dice, bce_dice both
	 * with its weights. Losses that do not generalise here are refused in one line.
	 *
	 * @param values the loss's parameters with their defaults filled in
	 */
	static Loss create(String name, Map<String, Double> values, int outputs) {
		switch (name) {
		case "bce":
			requireNoPosWeight(values);
			return new SoftmaxLoss("cross_entropy", outputs, 1, 0, 1);
		case "dice":
			return new SoftmaxLoss("multiclass_dice", outputs, 0, 1, values.get("smooth"));
		case "bce_dice":
			requireNoPosWeight(values);
			return new SoftmaxLoss("cross_entropy_dice", outputs, values.get("bce_weight"), values.get("dice_weight"), values.get("smooth"));
		default:
			throw new UnetException("loss " + name + " is for binary masks only; for " + (outputs - 1)
				+ " classes use bce_dice (cross-entropy + multi-class Dice), bce (cross-entropy) or dice");
		}
	}

	private static void requireNoPosWeight(Map<String, Double> values) {
		Double w = values.get("pos_weight");
		if (w != null && w != 1.0)
			throw new UnetException("pos_weight is for binary masks; a multi-class loss weighs every class alike (leave pos_weight out)");
	}

	@Override
	public NDArray evaluate(NDList labels, NDList predictions) {
		NDArray logits = predictions.singletonOrThrow();
		NDArray targets = labels.singletonOrThrow();
		Shape shape = logits.getShape();
		if (shape.dimension() != 4 || shape.get(1) != outputs || targets.getShape().dimension() != 4 || targets.getShape().get(1) != 1
			|| targets.getShape().get(0) != shape.get(0) || targets.getShape().get(2) != shape.get(2) || targets.getShape().get(3) != shape.get(3))
			throw new UnetException("loss " + getName() + " expects logits (N," + outputs + ",H,W) and labels (N,1,H,W), got " + shape + " and "
				+ targets.getShape());
		NDArray classes = logits.getManager().arange(0f, (float) outputs, 1f, logits.getDataType()).reshape(1, outputs, 1, 1);
		NDArray oneHot = targets.toType(logits.getDataType(), false).eq(classes).toType(logits.getDataType(), false);
		NDArray logP = logits.logSoftmax(1);
		NDArray loss = null;
		if (ceWeight > 0)
			loss = logP.mul(oneHot).sum(new int[] { 1 }).mean().neg().mul((float) ceWeight);
		if (diceWeight > 0) {
			NDArray dice = diceLoss(logP.exp(), oneHot).mul((float) diceWeight);
			loss = loss == null ? dice : loss.add(dice);
		}
		return loss;
	}

	/** 1 - the mean soft Dice of the foreground classes present (of all when none is). */
	private NDArray diceLoss(NDArray p, NDArray oneHot) {
		int[] perClass = { 0, 2, 3 };
		NDArray intersection = p.mul(oneHot).sum(perClass).get("1:");
		NDArray truth = oneHot.sum(perClass).get("1:");
		NDArray denominator = p.sum(perClass).get("1:").add(truth).add((float) (smooth + LossInputs.DENOMINATOR_EPS));
		NDArray dice = intersection.mul(2f).add((float) smooth).div(denominator);
		NDArray present = truth.gt(0f).toType(DataType.FLOAT32, false);
		NDArray weight = present.add(present.sum().eq(0f).toType(DataType.FLOAT32, false));
		return dice.mul(weight).sum().div(weight.sum()).neg().add(1f);
	}
}
