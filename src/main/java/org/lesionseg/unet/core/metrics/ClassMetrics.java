package org.lesionseg.unet.core.metrics;

import org.lesionseg.unet.core.UnetException;

/** One image's comparison of a predicted label image with the true one, class by class (labels 1..K). */
public final class ClassMetrics {

	private final String name;
	private final ConfusionCounts[] perClass;

	public ClassMetrics(String name, ConfusionCounts[] perClass) {
		this.name = name;
		this.perClass = perClass.clone();
	}

	/**
	 * Counts, for each class k of 1..K, the pixels labelled k in the prediction against those labelled k in the truth.
	 *
	 * @throws UnetException when the images differ in size
	 */
	public static ClassMetrics of(String name, byte[] predicted, byte[] truth, int classes) {
		if (predicted.length != truth.length)
			throw new UnetException("cannot compare label images of different sizes: " + predicted.length + " and " + truth.length + " pixels (" + name + ")");
		long[] tp = new long[classes + 1], fp = new long[classes + 1], fn = new long[classes + 1];
		for (int i = 0; i < truth.length; i++) {
			int p = predicted[i] & 0xff, t = truth[i] & 0xff;
			if (p == t) {
				if (t <= classes)
					tp[t]++;
				continue;
			}
			if (p <= classes)
				fp[p]++;
			if (t <= classes)
				fn[t]++;
		}
		ConfusionCounts[] counts = new ConfusionCounts[classes];
		for (int k = 1; k <= classes; k++)
			counts[k - 1] = new ConfusionCounts(tp[k], fp[k], fn[k], truth.length - tp[k] - fp[k] - fn[k]);
		return new ClassMetrics(name, counts);
	}

	public String name() {
		return name;
	}

	public int classes() {
		return perClass.length;
	}

	/** The counts of class {@code label} (1..K). */
	public ConfusionCounts counts(int label) {
		return perClass[label - 1];
	}
}
