package org.lesionseg.unet.core.metrics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

import org.lesionseg.unet.core.UnetException;

/**
 * Summary of a segmentation over a set of images. Mean metrics average the per-image values (every slice counts the
 * same; slices without lesion that are predicted empty score Dice 1). Pooled metrics come from the counts summed over
 * all images (large lesions weigh more; empty slices add nothing to the Dice). Reporting both, plus the mean Dice over
 * images that have a lesion, avoids the flattering picture that many empty slices give.
 */
public final class MetricsSummary {

	private final List<ImageMetrics> images;
	private final ConfusionCounts pooled;

	/**
	 * @param images per-image metrics; may be empty (the means are then NaN)
	 * @throws UnetException if the list or an element is missing
	 */
	public MetricsSummary(List<ImageMetrics> images) {
		if (images == null) {
			throw new UnetException("no list of image metrics was given to summarise");
		}
		List<ImageMetrics> copy = new ArrayList<>(images.size());
		ConfusionCounts sum = ConfusionCounts.ZERO;
		for (ImageMetrics image : images) {
			if (image == null) {
				throw new UnetException("the list of image metrics has a missing entry");
			}
			copy.add(image);
			sum = sum.plus(image.counts());
		}
		this.images = Collections.unmodifiableList(copy);
		this.pooled = sum;
	}

	/** @return the per-image metrics, unmodifiable, in the order given */
	public List<ImageMetrics> imageMetrics() {
		return images;
	}

	/** @return the number of images */
	public int images() {
		return images.size();
	}

	/** @return the counts summed over all images */
	public ConfusionCounts pooledCounts() {
		return pooled;
	}

	/** @return the mean per-image Dice; NaN without images */
	public double meanDice() {
		return mean(images, image -> image.counts().dice());
	}

	/** @return the mean Dice over the images whose truth has foreground; NaN if there are none */
	public double meanDiceNonEmpty() {
		List<ImageMetrics> nonEmpty = new ArrayList<>();
		for (ImageMetrics image : images) {
			if (!image.counts().truthEmpty()) {
				nonEmpty.add(image);
			}
		}
		return mean(nonEmpty, image -> image.counts().dice());
	}

	/** @return Dice from the counts summed over all images (1 if nothing is foreground anywhere); NaN without images */
	public double pooledDice() {
		return images.isEmpty() ? Double.NaN : pooled.dice();
	}

	/** @return the mean per-image IoU; NaN without images */
	public double meanIou() {
		return mean(images, image -> image.counts().iou());
	}

	/** @return the mean per-image pixel accuracy; NaN without images */
	public double meanAccuracy() {
		return mean(images, image -> image.counts().accuracy());
	}

	/** @return precision from the summed counts; NaN without images */
	public double pooledPrecision() {
		return images.isEmpty() ? Double.NaN : pooled.precision();
	}

	/** @return recall from the summed counts; NaN without images */
	public double pooledRecall() {
		return images.isEmpty() ? Double.NaN : pooled.recall();
	}

	/**
	 * The line that the command line and the log print after an evaluation, for people and for scripts that grep it.
	 *
	 * @return {@code summary: images=N mean_dice=0.1234 mean_dice_nonempty=0.1234 pooled_dice=0.1234 mean_iou=0.1234
	 *         accuracy=0.1234} on one line, numbers with 4 decimals in the root locale, NaN as {@code nan}
	 */
	public String summaryLine() {
		return "summary: images=" + images() + " mean_dice=" + format4(meanDice()) + " mean_dice_nonempty="
				+ format4(meanDiceNonEmpty()) + " pooled_dice=" + format4(pooledDice()) + " mean_iou="
				+ format4(meanIou()) + " accuracy=" + format4(meanAccuracy());
	}

	@Override
	public String toString() {
		return summaryLine();
	}

	/** Formats with 4 decimals in the root locale (a dot, whatever the user's language), NaN as nan. */
	static String format4(double value) {
		return Double.isNaN(value) ? "nan" : String.format(Locale.ROOT, "%.4f", value);
	}

	private static double mean(List<ImageMetrics> list, ToDoubleFunction<ImageMetrics> metric) {
		if (list.isEmpty()) {
			return Double.NaN;
		}
		double sum = 0;
		for (ImageMetrics image : list) {
			sum += metric.applyAsDouble(image);
		}
		return sum / list.size();
	}
}
