package org.lesionseg.unet.core.loss;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Plain double-precision implementations of the losses, written from the formulas (not from the DJL code), to check
 * values and, through finite differences, gradients. Arrays are [image][pixel].
 */
final class ReferenceLosses {

	private ReferenceLosses() {
	}

	static double sigmoid(double x) {
		return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
	}

	/** -[pw·y·log σ(x) + (1-y)·log(1-σ(x))], with log σ(x) = -log(1+exp(-x)) written stably. */
	static double bcePixel(double x, double y, double posWeight) {
		double logSigmoid = -softplus(-x);
		double logOneMinusSigmoid = -softplus(x);
		return -(posWeight * y * logSigmoid + (1 - y) * logOneMinusSigmoid);
	}

	static double softplus(double z) {
		return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
	}

	static double bce(double[][] x, double[][] y, double posWeight) {
		double sum = 0;
		int count = 0;
		for (int n = 0; n < x.length; n++) {
			for (int i = 0; i < x[n].length; i++) {
				sum += bcePixel(x[n][i], y[n][i], posWeight);
				count++;
			}
		}
		return sum / count;
	}

	static double dice(double[][] x, double[][] y, double smooth) {
		double total = 0;
		for (int n = 0; n < x.length; n++) {
			double py = 0;
			double p = 0;
			double t = 0;
			for (int i = 0; i < x[n].length; i++) {
				double s = sigmoid(x[n][i]);
				py += s * y[n][i];
				p += s;
				t += y[n][i];
			}
			total += 1 - (2 * py + smooth) / (p + t + smooth);
		}
		return total / x.length;
	}

	static double jaccard(double[][] x, double[][] y, double smooth) {
		double total = 0;
		for (int n = 0; n < x.length; n++) {
			double py = 0;
			double p = 0;
			double t = 0;
			for (int i = 0; i < x[n].length; i++) {
				double s = sigmoid(x[n][i]);
				py += s * y[n][i];
				p += s;
				t += y[n][i];
			}
			total += 1 - (py + smooth) / (p + t - py + smooth);
		}
		return total / x.length;
	}

	static double tversky(double[][] x, double[][] y, double alpha, double beta, double smooth) {
		double total = 0;
		for (int n = 0; n < x.length; n++) {
			double tp = 0;
			double fp = 0;
			double fn = 0;
			for (int i = 0; i < x[n].length; i++) {
				double s = sigmoid(x[n][i]);
				tp += s * y[n][i];
				fp += s * (1 - y[n][i]);
				fn += (1 - s) * y[n][i];
			}
			total += 1 - (tp + smooth) / (tp + alpha * fp + beta * fn + smooth);
		}
		return total / x.length;
	}

	/** torchvision.ops.sigmoid_focal_loss with reduction 'mean'. */
	static double focal(double[][] x, double[][] y, double gamma, double alpha) {
		double sum = 0;
		int count = 0;
		for (int n = 0; n < x.length; n++) {
			for (int i = 0; i < x[n].length; i++) {
				double p = sigmoid(x[n][i]);
				double t = y[n][i];
				double ce = bcePixel(x[n][i], t, 1);
				double pT = p * t + (1 - p) * (1 - t);
				double loss = ce * Math.pow(1 - pT, gamma);
				if (alpha >= 0) {
					loss *= alpha * t + (1 - alpha) * (1 - t);
				}
				sum += loss;
				count++;
			}
		}
		return sum / count;
	}

	/** Berman's lovasz_hinge_flat for one image, following the reference PyTorch code line by line. */
	static double lovaszFlat(double[] logits, double[] labels) {
		int p = logits.length;
		double[] errors = new double[p];
		for (int i = 0; i < p; i++) {
			errors[i] = 1 - logits[i] * (2 * labels[i] - 1);
		}
		Integer[] order = new Integer[p];
		for (int i = 0; i < p; i++) {
			order[i] = i;
		}
		Arrays.sort(order, Comparator.comparingDouble((Integer i) -> errors[i]).reversed());
		double gts = 0;
		for (double label : labels) {
			gts += label;
		}
		double[] jaccard = new double[p];
		double cumulativeForeground = 0;
		double cumulativeBackground = 0;
		for (int k = 0; k < p; k++) {
			double gt = labels[order[k]];
			cumulativeForeground += gt;
			cumulativeBackground += 1 - gt;
			jaccard[k] = 1 - (gts - cumulativeForeground) / (gts + cumulativeBackground);
		}
		double loss = 0;
		for (int k = 0; k < p; k++) {
			double grad = k == 0 ? jaccard[0] : jaccard[k] - jaccard[k - 1];
			loss += Math.max(errors[order[k]], 0) * grad;
		}
		return loss;
	}

	static double lovasz(double[][] x, double[][] y) {
		double total = 0;
		for (int n = 0; n < x.length; n++) {
			total += lovaszFlat(x[n], y[n]);
		}
		return total / x.length;
	}

	/** segmentation_models_pytorch's MCCLoss: counts over the whole batch, eps added to each. */
	static double mcc(double[][] x, double[][] y, double eps) {
		double tp = eps;
		double fp = eps;
		double fn = eps;
		double tn = eps;
		for (int n = 0; n < x.length; n++) {
			for (int i = 0; i < x[n].length; i++) {
				double p = sigmoid(x[n][i]);
				double t = y[n][i];
				tp += p * t;
				fp += p * (1 - t);
				fn += (1 - p) * t;
				tn += (1 - p) * (1 - t);
			}
		}
		double mcc = (tp * tn - fp * fn) / Math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn));
		return 1 - mcc;
	}
}
