package org.lesionseg.unet.core.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

/**
 * Binary focal loss on logits (Lin et al. 2017, as torchvision's {@code sigmoid_focal_loss}), averaged over all
 * pixels: α_t·(1 - p_t)^γ·BCE, where p_t is the predicted probability of the true class. The factor (1 - p_t)^γ
 * lowers the weight of pixels that are already right, so training concentrates on the hard ones.
 * α_t is α for foreground and 1 - α for background; a negative α turns this weighting off.
 * <p>
 * For 0/1 targets, 1 - p_t = sigmoid(-x·s) with s = 2y - 1, so (1 - p_t)^γ is computed as exp(-γ·softplus(x·s)):
 * this stays finite and differentiable for any logit and any γ &gt;= 0, where pow(0, γ) would not.
 */
public class FocalLoss extends Loss {

	/** Default focusing exponent. */
	public static final double DEFAULT_GAMMA = 2.0;
	/** Default weight of the foreground class. */
	public static final double DEFAULT_ALPHA = 0.25;

	private final double gamma;
	private final double alpha;

	/** γ = 2, α = 0.25. */
	public FocalLoss() {
		this(DEFAULT_GAMMA, DEFAULT_ALPHA);
	}

	/**
	 * @param gamma focusing exponent, &gt;= 0 (0 gives the α-weighted cross-entropy)
	 * @param alpha weight of the foreground class in [0, 1]; a negative value means no class weighting
	 */
	public FocalLoss(double gamma, double alpha) {
		super("focal");
		this.gamma = LossInputs.requireAtLeast("focal", "gamma", gamma, 0.0);
		if (!Double.isFinite(alpha) || alpha > 1.0) {
			throw new org.lesionseg.unet.core.UnetException("loss focal: parameter alpha must be in [0, 1] (or negative"
					+ " for no class weighting) but is " + LossInputs.plain(alpha));
		}
		this.alpha = alpha;
	}

	/** @return the focusing exponent */
	public double gamma() {
		return gamma;
	}

	/** @return the weight of the foreground class, negative when there is no class weighting */
	public double alpha() {
		return alpha;
	}

	/**
	 * @param labels one array of 0/1 targets (N,1,H,W)
	 * @param predictions one array of logits of the same shape
	 * @return the mean focal loss over every pixel of the batch, a scalar
	 */
	@Override
	public NDArray evaluate(NDList labels, NDList predictions) {
		NDArray[] xy = LossInputs.logitsAndTargets(getName(), labels, predictions);
		NDArray x = xy[0];
		NDArray y = xy[1];
		NDArray loss = LossInputs.bceElementwise(x, y, 1.0);
		if (gamma != 0.0) {
			NDArray signs = y.mul(2).sub(1);
			NDArray modulation = LossInputs.softplus(x.mul(signs)).mul((float) -gamma).exp();
			loss = loss.mul(modulation);
		}
		if (alpha >= 0.0) {
			// alpha_t = alpha*y + (1-alpha)*(1-y) = (1-alpha) + (2*alpha-1)*y
			NDArray classWeight = y.mul((float) (2 * alpha - 1)).add((float) (1 - alpha));
			loss = loss.mul(classWeight);
		}
		return loss.mean();
	}
}
