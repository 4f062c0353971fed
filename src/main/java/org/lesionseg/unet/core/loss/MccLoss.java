package org.lesionseg.unet.core.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

/**
 * 1 - Matthews correlation coefficient computed from soft counts on sigmoid probabilities, pooled over the whole
 * batch (as segmentation_models_pytorch's MCCLoss): TP = Σpy, FP = Σp(1-y), FN = Σ(1-p)y, TN = Σ(1-p)(1-y), each
 * plus a small eps, and MCC = (TP·TN - FP·FN)/sqrt((TP+FP)(TP+FN)(TN+FP)(TN+FN)). MCC uses all four counts, so it
 * stays informative when the background dominates. Pooling over the batch keeps the loss useful for batches with
 * slices that have no lesion (an image without lesion alone has MCC 0 whatever is predicted).
 */
public class MccLoss extends Loss {

	/** Default eps added to each soft count. */
	public static final double DEFAULT_EPS = 1e-5;

	private final double eps;

	/** An MCC loss with eps 1e-5. */
	public MccLoss() {
		this(DEFAULT_EPS);
	}

	/**
	 * @param eps added to each soft count so that the denominator is never 0; must be &gt; 0
	 */
	public MccLoss(double eps) {
		super("mcc");
		this.eps = LossInputs.requireAbove("mcc", "eps", eps, 0.0);
	}

	/** @return the eps added to each soft count */
	public double eps() {
		return eps;
	}

	/**
	 * @param labels one array of 0/1 targets (N,1,H,W)
	 * @param predictions one array of logits of the same shape
	 * @return 1 - soft MCC over the batch, a scalar
	 */
	@Override
	public NDArray evaluate(NDList labels, NDList predictions) {
		NDArray[] xy = LossInputs.logitsAndTargets(getName(), labels, predictions);
		NDArray p = LossInputs.sigmoid(xy[0]);
		NDArray y = xy[1];
		NDArray sumP = p.sum();
		NDArray sumY = y.sum();
		long pixels = y.getShape().size();
		NDArray tpRaw = p.mul(y).sum();
		// FP = Σp - TP, FN = Σy - TP, TN = P - Σp - Σy + TP: four sums from two products
		NDArray tp = tpRaw.add((float) eps);
		NDArray fp = sumP.sub(tpRaw).add((float) eps);
		NDArray fn = sumY.sub(tpRaw).add((float) eps);
		NDArray tn = tpRaw.sub(sumP).sub(sumY).add((float) (pixels + eps));
		NDArray numerator = tp.mul(tn).sub(fp.mul(fn));
		// Two square roots of products of two sums keep the numbers far from float overflow for big batches.
		NDArray denominator = tp.add(fp).mul(tp.add(fn)).sqrt().mul(tn.add(fp).mul(tn.add(fn)).sqrt());
		return numerator.div(denominator).neg().add(1);
	}
}
