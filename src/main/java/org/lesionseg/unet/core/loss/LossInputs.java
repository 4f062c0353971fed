package org.lesionseg.unet.core.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;

import org.lesionseg.unet.core.UnetException;

/**
 * Shared checks and building blocks for the segmentation losses: every loss gets logits of shape (N,1,H,W) and
 * 0/1 targets of the same shape, and several need the same numerically stable pieces.
 * <p>
 * All losses pass constants to NDArray operations as float: on PyTorch a double constant combined with a 0-d
 * float32 array (a sum or mean) yields float64, and the loss would no longer be float32.
 */
final class LossInputs {

	/** Added to denominators so that a smoothing of 0 never divides 0 by 0. */
	static final double DENOMINATOR_EPS = 1e-7;

	private LossInputs() {
	}

	/**
	 * Checks the label and prediction lists of a loss and returns {logits, targets}, the targets converted to the
	 * logits' data type.
	 *
	 * @param lossName name of the loss, for the error message
	 * @param labels one array of 0/1 targets
	 * @param predictions one array of logits with the same shape as the targets
	 * @return the logits at index 0 and the targets at index 1
	 * @throws UnetException when a list does not hold exactly one array or the shapes differ
	 */
	static NDArray[] logitsAndTargets(String lossName, NDList labels, NDList predictions) {
		if (predictions == null || predictions.size() != 1) {
			throw new UnetException("loss " + lossName + " expects exactly one prediction array (logits N,1,H,W) but got "
					+ (predictions == null ? "none" : predictions.size()) + "; the network must have a single output");
		}
		if (labels == null || labels.size() != 1) {
			throw new UnetException("loss " + lossName + " expects exactly one label array (0/1 mask N,1,H,W) but got "
					+ (labels == null ? "none" : labels.size()) + "; give one mask per image");
		}
		NDArray logits = predictions.singletonOrThrow();
		NDArray targets = labels.singletonOrThrow();
		Shape logitShape = logits.getShape();
		if (logitShape.dimension() < 2 || logitShape.get(0) < 1 || logitShape.size() == 0) {
			throw new UnetException("loss " + lossName + " expects logits of shape (N,1,H,W) but got " + logitShape
					+ "; check the network output");
		}
		if (!logitShape.equals(targets.getShape())) {
			throw new UnetException("loss " + lossName + ": the mask shape " + targets.getShape()
					+ " differs from the prediction shape " + logitShape
					+ "; masks must have the same size as the images");
		}
		if (targets.getDataType() != logits.getDataType()) {
			targets = targets.toType(logits.getDataType(), false);
		}
		return new NDArray[] {logits, targets};
	}

	/** Sums every sample of a batch separately: (N, ...) becomes (N). */
	static NDArray sumPerSample(NDArray batch) {
		long n = batch.getShape().get(0);
		return batch.reshape(new Shape(n, -1)).sum(new int[] {1});
	}

	/** Flattens every sample of a batch: (N, ...) becomes (N, P). */
	static NDArray flattenPerSample(NDArray batch) {
		long n = batch.getShape().get(0);
		return batch.reshape(new Shape(n, -1));
	}

	/** The logistic sigmoid, which saturates to 0 or 1 without overflow for large logits. */
	static NDArray sigmoid(NDArray logits) {
		return Activation.sigmoid(logits);
	}

	/**
	 * log(1 + exp(z)) written as max(z,0) + log1p(exp(-|z|)) so that exp never overflows and small terms survive.
	 * Its gradient is sigmoid(z), also at z = 0 (the tie in max shares the gradient half and half).
	 */
	static NDArray softplus(NDArray z) {
		return z.maximum(0).add(log1pExp(z.abs().neg()));
	}

	/**
	 * log1p(exp(t)) for t &lt;= 0, without the rounding of log(1 + exp(t)), which is 0 in float once exp(t) is below
	 * float's epsilon (t below about -17) and so drops the loss of confident correct pixels. DJL has no log1p:
	 * PyTorch's softplus computes exactly log1p(exp(t)) here (its linear branch starts above t = 20).
	 */
	static NDArray log1pExp(NDArray t) {
		return t.getNDArrayInternal().softPlus();
	}

	/**
	 * Element-wise binary cross-entropy on logits, as PyTorch's BCEWithLogitsLoss with reduction 'none'.
	 * With posWeight 1 it is max(x,0) - x*y + log1p(exp(-|x|)); otherwise the loss of positive pixels is scaled by
	 * posWeight: (1-y)*softplus(x) + posWeight*y*softplus(-x), which equals PyTorch's
	 * (1-y)*x + (1+(posWeight-1)*y) * (log1p(exp(-|x|)) + max(-x,0)).
	 */
	static NDArray bceElementwise(NDArray x, NDArray y, double posWeight) {
		NDArray logTerm = log1pExp(x.abs().neg());
		if (posWeight == 1.0) {
			return x.maximum(0).sub(x.mul(y)).add(logTerm);
		}
		// (1-y)*softplus(x) + posWeight*y*softplus(-x): PyTorch's formula rearranged so that no large term cancels
		// against another and swallows the small log1p term
		NDArray background = y.neg().add(1f).mul(x.maximum(0).add(logTerm));
		NDArray foreground = y.mul((float) posWeight).mul(x.neg().maximum(0).add(logTerm));
		return background.add(foreground);
	}

	/** Checks that a parameter is a finite number not below the minimum; the message names the loss and parameter. */
	static double requireAtLeast(String lossName, String parameter, double value, double minimum) {
		if (!Double.isFinite(value) || value < minimum) {
			throw new UnetException("loss " + lossName + ": parameter " + parameter + " must be a number >= " + plain(minimum)
					+ " but is " + plain(value));
		}
		return value;
	}

	/** Checks that a parameter is a finite number above the minimum. */
	static double requireAbove(String lossName, String parameter, double value, double minimum) {
		if (!Double.isFinite(value) || value <= minimum) {
			throw new UnetException("loss " + lossName + ": parameter " + parameter + " must be a number > " + plain(minimum)
					+ " but is " + plain(value));
		}
		return value;
	}

	/** Writes a number without exponent or trailing zeros (0.5, 1, 1e-7 as 0.0000001) for messages. */
	static String plain(double value) {
		if (!Double.isFinite(value)) {
			return String.valueOf(value);
		}
		return java.math.BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
	}
}
