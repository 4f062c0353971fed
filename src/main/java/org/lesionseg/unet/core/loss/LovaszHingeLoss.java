package org.lesionseg.unet.core.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.loss.Loss;

/**
 * Binary Lovász hinge loss (Berman, Rannen Triki and Blaschko, CVPR 2018), a convex surrogate that optimises the
 * Jaccard index directly. For each image the hinge errors 1 - x·s (s = ±1 from the mask) are sorted in descending
 * order and weighted by the gradient of the Lovász extension of the Jaccard loss; by default the loss is computed
 * per image and averaged (per_image=True in the reference code), otherwise over the whole batch at once.
 */
public class LovaszHingeLoss extends Loss {

	private final boolean perImage;

	/** The per-image Lovász hinge, averaged over the batch. */
	public LovaszHingeLoss() {
		this(true);
	}

	/**
	 * @param perImage true to compute the loss for every image and average, false to treat the batch as one image
	 */
	public LovaszHingeLoss(boolean perImage) {
		super("lovasz");
		this.perImage = perImage;
	}

	/** @return whether the loss is computed per image and then averaged */
	public boolean perImage() {
		return perImage;
	}

	/**
	 * @param labels one array of 0/1 targets (N,1,H,W)
	 * @param predictions one array of logits of the same shape
	 * @return the mean Lovász hinge loss over the images of the batch (or of the whole batch), a scalar
	 */
	@Override
	public NDArray evaluate(NDList labels, NDList predictions) {
		NDArray[] xy = LossInputs.logitsAndTargets(getName(), labels, predictions);
		NDArray logits = perImage ? LossInputs.flattenPerSample(xy[0]) : xy[0].reshape(new Shape(1, -1));
		NDArray targets = perImage ? LossInputs.flattenPerSample(xy[1]) : xy[1].reshape(new Shape(1, -1));
		NDArray signs = targets.mul(2).sub(1);
		NDArray errors = logits.mul(signs).neg().add(1);
		// The order only selects weights; the gradient flows through the gathered errors.
		NDArray order = errors.stopGradient().argSort(1, false);
		NDArray sortedErrors = errors.gather(order, 1);
		NDArray sortedTargets = targets.gather(order, 1);
		NDArray weights = lovaszGradient(sortedTargets);
		return Activation.relu(sortedErrors).mul(weights).sum(new int[] {1}).mean();
	}

	/**
	 * Gradient of the Lovász extension of the Jaccard loss for targets sorted by decreasing error (rows are images):
	 * J_i = 1 - (G - cumsum(y)_i)/(G + cumsum(1-y)_i) with G = Σy, and the weights are J_0, J_1 - J_0, J_2 - J_1, ...
	 */
	static NDArray lovaszGradient(NDArray sortedTargets) {
		NDArray foregroundTotal = sortedTargets.sum(new int[] {1}, true);
		NDArray intersection = foregroundTotal.sub(sortedTargets.cumSum(1));
		NDArray union = foregroundTotal.add(sortedTargets.neg().add(1).cumSum(1));
		NDArray jaccard = intersection.div(union).neg().add(1);
		long pixels = sortedTargets.getShape().get(1);
		if (pixels == 1) {
			return jaccard;
		}
		NDArray first = jaccard.get(new NDIndex(":, 0:1"));
		NDArray rest = jaccard.get(new NDIndex(":, 1:")).sub(jaccard.get(new NDIndex(":, 0:" + (pixels - 1))));
		return NDArrays.concat(new NDList(first, rest), 1);
	}
}
