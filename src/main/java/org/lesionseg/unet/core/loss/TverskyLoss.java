package org.lesionseg.unet.core.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

/**
 * Tversky loss on sigmoid probabilities: 1 - (TP + s)/(TP + α·FP + β·FN + s) with soft counts for every image, then
 * the mean over the batch. α weighs false positives, β false negatives: β &gt; α favours recall, which helps to find
 * small lesions. Without smoothing, α = β = 0.5 gives the Dice loss and α = β = 1 the Jaccard loss.
 */
public class TverskyLoss extends Loss {

	/** Default weight of false positives and of false negatives. */
	public static final double DEFAULT_WEIGHT = 0.5;

	private final double alpha;
	private final double beta;
	private final double smooth;

	/** α = β = 0.5, smoothing 1 (equal to the Dice loss). */
	public TverskyLoss() {
		this(DEFAULT_WEIGHT, DEFAULT_WEIGHT);
	}

	/**
	 * @param alpha weight of false positives, &gt;= 0
	 * @param beta weight of false negatives, &gt;= 0
	 */
	public TverskyLoss(double alpha, double beta) {
		this(alpha, beta, DiceLoss.DEFAULT_SMOOTH);
	}

	/**
	 * @param alpha weight of false positives, &gt;= 0
	 * @param beta weight of false negatives, &gt;= 0
	 * @param smooth added to numerator and denominator, &gt;= 0
	 */
	public TverskyLoss(double alpha, double beta, double smooth) {
		super("tversky");
		this.alpha = LossInputs.requireAtLeast("tversky", "alpha", alpha, 0.0);
		this.beta = LossInputs.requireAtLeast("tversky", "beta", beta, 0.0);
		this.smooth = LossInputs.requireAtLeast("tversky", "smooth", smooth, 0.0);
	}

	/** @return the weight of false positives */
	public double alpha() {
		return alpha;
	}

	/** @return the weight of false negatives */
	public double beta() {
		return beta;
	}

	/**
	 * @param labels one array of 0/1 targets (N,1,H,W)
	 * @param predictions one array of logits of the same shape
	 * @return the mean over the batch of 1 - Tversky index, a scalar
	 */
	@Override
	public NDArray evaluate(NDList labels, NDList predictions) {
		NDArray[] xy = LossInputs.logitsAndTargets(getName(), labels, predictions);
		NDArray probabilities = LossInputs.sigmoid(xy[0]);
		NDArray truePositives = LossInputs.sumPerSample(probabilities.mul(xy[1]));
		// FP = Σp(1-y) = Σp - TP and FN = Σ(1-p)y = Σy - TP
		NDArray falsePositives = LossInputs.sumPerSample(probabilities).sub(truePositives);
		NDArray falseNegatives = LossInputs.sumPerSample(xy[1]).sub(truePositives);
		NDArray denominator = truePositives.add(falsePositives.mul((float) alpha)).add(falseNegatives.mul((float) beta));
		NDArray index = truePositives.add((float) smooth)
				.div(denominator.add((float) (smooth + LossInputs.DENOMINATOR_EPS)));
		return index.neg().add(1).mean();
	}
}
