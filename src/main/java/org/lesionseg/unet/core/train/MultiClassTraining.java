package org.lesionseg.unet.core.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.data.LabelClasses;
import org.lesionseg.unet.core.data.Sample;
import org.lesionseg.unet.core.metrics.ClassMetrics;
import org.lesionseg.unet.core.metrics.ClassMetricsSummary;
import org.lesionseg.unet.core.metrics.MetricsSummary;
import org.lesionseg.unet.core.modelfile.ModelInfo;
import org.lesionseg.unet.core.predict.ClassMaps;
import org.lesionseg.unet.core.predict.MaskPostprocessing;

/**
 * The parts of a training that differ for label images of K &gt; 1 classes: checks of the labels and of an initial
 * model's classes, the classes recorded in the model file, and validation scored per class (the best epoch is the
 * one of the highest macro mean of the classes' pooled Dice).
 */
final class MultiClassTraining {

	private MultiClassTraining() {
	}

	/** Every training and validation label is one of the classes (binary masks are 0/1 already). */
	static void checkLabels(TrainingData data, LabelClasses classes) {
		if (!classes.isMultiClass())
			return;
		for (List<Sample> part : List.of(data.train, data.val))
			for (Sample s : part)
				if (s.hasMask())
					classes.checkLabels(s.maskData(), s.name());
	}

	/** A fine-tuning or resume keeps the classes of the model it starts from. */
	static void checkSameClasses(ModelInfo start, TrainingConfig config, String what) {
		if (start.outputClasses != config.outputs())
			throw new UnetException("the " + what + " segments " + describe(start.foregroundClasses()) + " but this training has " + describe(config.classes().count())
				+ ": give classes=" + start.foregroundClasses() + (start.isMultiClass() ? " (" + String.join(",", start.classNames.subList(1, start.classNames.size())) + ")" : "")
				+ " or start a new network");
	}

	private static String describe(int classes) {
		return classes == 1 ? "one class (binary)" : classes + " classes";
	}

	/** Records the classes in the model file: background first, then the K names and colours. */
	static void describeClasses(ModelInfo info, LabelClasses classes) {
		if (!classes.isMultiClass())
			return;
		info.classNames = new ArrayList<>();
		info.classNames.add("background");
		info.classNames.addAll(classes.names());
		info.classColours = new ArrayList<>();
		info.classColours.add("#000000");
		info.classColours.addAll(classes.colours());
	}

	/** Validation scores of a multi-class network, per class. */
	static final class Scores {
		private final int classes;
		private final List<String> names;
		private final List<ClassMetrics> images = new ArrayList<>();

		Scores(ModelInfo info) {
			this.classes = info.foregroundClasses();
			this.names = info.classNames.subList(1, info.classNames.size());
		}

		/** Scores one image's K+1 maps ({@link ClassMaps}) as prediction labels them, against its label mask. */
		void add(Sample sample, float[][] maps) {
			byte[] mask = MaskPostprocessing.threshold(maps[0], Validation.THRESHOLD);
			images.add(ClassMetrics.of(sample.name(), ClassMaps.labels(maps, mask), sample.maskData(), classes));
		}

		/**
		 * {loss, macro pooled Dice (the selection metric), macro mean Dice, macro pooled IoU, the foreground's accuracy}.
		 */
		double[] result(double meanLoss, MetricsSummary foreground) {
			ClassMetricsSummary s = new ClassMetricsSummary(images, names);
			return new double[] { meanLoss, s.macroPooledDice(), s.macroMeanDice(), s.macroPooledIou(), foreground.meanAccuracy() };
		}
	}

	/** The maps of image {@code i} of a batch's (N, K+1, H, W) maps. */
	static float[][] mapsOf(float[] batchMaps, int i, int outputs, int plane) {
		float[][] maps = new float[outputs][];
		for (int k = 0; k < outputs; k++) {
			int from = (i * outputs + k) * plane;
			maps[k] = Arrays.copyOfRange(batchMaps, from, from + plane);
		}
		return maps;
	}

	/**
	 * Log-probabilities of the blended maps as logits (N=1, K+1, H, W) for the validation loss: the softmax of
	 * log p is p again. Background is 1 - map 0.
	 */
	static float[] logits(float[][] maps) {
		int plane = maps[0].length;
		float[] logits = new float[maps.length * plane];
		for (int k = 0; k < maps.length; k++)
			for (int i = 0; i < plane; i++) {
				double p = k == 0 ? 1 - maps[0][i] : maps[k][i];
				logits[k * plane + i] = (float) Math.log(Math.max(1e-7, p));
			}
		return logits;
	}
}
