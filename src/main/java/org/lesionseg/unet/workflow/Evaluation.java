package org.lesionseg.unet.workflow;

import org.lesionseg.unet.core.metrics.ClassMetrics;
import org.lesionseg.unet.core.metrics.ClassMetricsSummary;
import org.lesionseg.unet.core.modelfile.ModelInfo;
import org.lesionseg.unet.core.predict.ClassMaps;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.data.IntensityStats;
import org.lesionseg.unet.core.data.Normalization;
import org.lesionseg.unet.core.data.Sample;
import org.lesionseg.unet.core.io.AtomicFiles;
import org.lesionseg.unet.core.metrics.ConfusionCounts;
import org.lesionseg.unet.core.metrics.ImageMetrics;
import org.lesionseg.unet.core.metrics.MetricsCsv;
import org.lesionseg.unet.core.metrics.MetricsSummary;
import org.lesionseg.unet.core.metrics.UncertaintyVsErrors;
import org.lesionseg.unet.core.predict.MaskPostprocessing;
import org.lesionseg.unet.core.predict.Segmenter;
import org.lesionseg.unet.core.report.Panel;
import org.lesionseg.unet.core.report.PanelWriter;
import org.lesionseg.unet.core.report.Panels;

/**
 * Evaluates a model on images with known masks: per-image Dice, IoU, accuracy, precision and recall, the summary
 * (mean, mean over lesion-containing images, pooled), and image | truth | prediction panels as images. Saving is
 * separate ({@link #writeReport}): a caller that only shows the panels writes nothing.
 */
public final class Evaluation {

	/** Per-image metrics, their summary and the panels made. */
	public static final class Outcome {
		public final List<ImageMetrics> images;
		public final MetricsSummary summary;
		/** The panels, lesion-containing images first (only those when there are any). */
		public final List<Panel> panels;
		/** How the network's uncertainty map relates to its errors; null for a network without one. */
		public final UncertaintyVsErrors uncertainty;
		/** A multi-class model's metrics per class (null for binary). */
		public ClassMetricsSummary classes;

		Outcome(List<ImageMetrics> images, List<Panel> panels, UncertaintyVsErrors uncertainty) {
			this.images = images;
			this.summary = new MetricsSummary(images);
			this.panels = Collections.unmodifiableList(panels);
			this.uncertainty = uncertainty;
		}
	}

	/** Progress of a long evaluation: called after each image. */
	public interface Progress {
		void imageDone(int done, int total, String name);
	}

	/** What the entry point hears while the job runs; every method may be left out. */
	public interface Listener extends Progress {
		/** The model is loaded, before the images are read. */
		default void started(Segmenter segmenter) {
		}

		/** A warning about the data (a file skipped while pairing, ...). */
		default void warning(String message) {
		}

		@Override
		default void imageDone(int done, int total, String name) {
		}
	}

	private Evaluation() {
	}

	/**
	 * Prepares the report folder (before the model loads), loads the model, reads the labelled images normalised as the
	 * model's training data (the masks as label images for a multi-class model, else by the request's mask policy), evaluates, and writes the report and metrics file the request names.
	 */
	public static Outcome run(EvaluateRequest request, Listener listener) {
		request.prepareOutput();
		Outcome outcome;
		try (Segmenter segmenter = request.prediction().segmenter()) {
			listener.started(segmenter);
			ModelInfo info = segmenter.info();
			LabelledImages data = request.data().load(Normalization.fromName(info.normalization), MultiClassData.evaluationPolicy(info, request.maskPolicy()));
			for (String w : data.warnings)
				listener.warning(w);
			String shift = IntensityStats.warning(info.trainingIntensity, "the evaluation images", data.rawStats, info.normalization);
			if (shift != null)
				listener.warning(shift);
			if (info.isMultiClass()) // every label image before the first prediction, naming the mask (an open image's mask title and slice)
				for (Sample s : data.samples)
					ClassOutputs.checkTruth(s.maskData(), info, data.maskName(s.name()));
			outcome = evaluate(segmenter, data.samples, request.prediction().postprocessing(), request.panels(), listener);
		}
		if (request.report() != null)
			writeReport(outcome, request.report());
		if (request.metricsCsv() != null)
			MetricsCsv.write(request.metricsCsv(), outcome.images);
		return outcome;
	}

	/**
	 * Evaluates and, with a report folder, writes {@code metrics.csv} and the panels there.
	 *
	 * @param normalised images normalised like the model's training data, with masks
	 * @param reportDir where to write {@code metrics.csv} and panels, or null
	 * @param panels how many image | truth | prediction panels to make (lesion-containing images first)
	 */
	public static Outcome run(Segmenter segmenter, List<Sample> normalised, MaskPostprocessing.Options options, Path reportDir, int panels,
		Progress progress) {
		if (reportDir != null)
			AtomicFiles.prepareFolder(reportDir, "report");
		Outcome outcome = evaluate(segmenter, normalised, options, reportDir == null ? 0 : panels, progress);
		if (reportDir != null)
			writeReport(outcome, reportDir);
		return outcome;
	}

	/** Metrics and panels as images; writes nothing. */
	public static Outcome evaluate(Segmenter segmenter, List<Sample> normalised, MaskPostprocessing.Options options, int panels, Progress progress) {
		List<ImageMetrics> metrics = new ArrayList<>();
		ModelInfo info = segmenter.info();
		List<ClassMetrics> classMetrics = new ArrayList<>();
		List<Integer> candidates = new ArrayList<>();
		Map<Integer, byte[]> predictions = new HashMap<>();
		boolean anyLesion = false;
		UncertaintyVsErrors uncertainty = segmenter.hasUncertainty() ? new UncertaintyVsErrors() : null;
		for (Sample s : normalised)
			anyLesion |= hasForeground(s.maskData());
		for (int i = 0; i < normalised.size(); i++) {
			Sample s = normalised.get(i);
			if (!s.hasMask())
				throw new UnetException("image " + s.name() + " has no mask to evaluate against");
			float[][] maps = segmenter.mapsOfNormalised(s);
			byte[] predicted = MaskPostprocessing.process(maps[0], s.width(), s.height(), options).mask();
			metrics.add(new ImageMetrics(s.name(), ConfusionCounts.of(predicted, s.maskData())));
			if (uncertainty != null)
				uncertainty.add(maps[1], predicted, s.maskData());
			if (info.isMultiClass()) {
				ClassOutputs.checkTruth(s.maskData(), info, s.name());
				predicted = ClassMaps.labels(maps, predicted); // the panels show the classes; the union's metrics are taken above
				classMetrics.add(ClassMetrics.of(s.name(), predicted, s.maskData(), info.foregroundClasses()));
			}
			if (panels > 0 && (!anyLesion || hasForeground(s.maskData()))) {
				candidates.add(i);
				predictions.put(i, predicted); // kept (one byte a pixel) until the ranking is known
			}
			if (progress != null)
				progress.imageDone(i + 1, normalised.size(), s.name());
		}
		// the best, the median and the worst image by Dice, then others spread over the ranking: what a model does well and badly
		candidates.sort(Comparator.comparingDouble((Integer i) -> -metrics.get(i).dice()).thenComparing(i -> i));
		List<Panel> made = new ArrayList<>();
		List<Integer> ranks = spreadRanks(candidates.size(), panels);
		for (int rank : ranks) {
			int i = candidates.get(rank);
			Sample s = normalised.get(i);
			String role = rank == 0 ? " (best)" : rank == candidates.size() - 1 ? " (worst)" : rank == (candidates.size() - 1) / 2 ? " (median)" : "";
			made.add(new Panel(s.name(), info.isMultiClass()
				? Panels.classComparison(firstChannel(s), s.maskData(), predictions.get(i), s.width(), s.height(), s.name() + role, ClassOutputs.rgb(info))
				: Panels.comparison(firstChannel(s), s.maskData(), predictions.get(i), s.width(), s.height(), s.name() + role)));
		}
		Outcome outcome = new Outcome(metrics, made, uncertainty);
		if (info.isMultiClass())
			outcome.classes = new ClassMetricsSummary(classMetrics, ClassOutputs.names(info));
		return outcome;
	}

	/**
	 * Which ranks (0 = best of {@code count}) get a panel: the best, the median and the worst first, then ranks spread
	 * evenly; returned in rank order, at most {@code panels}.
	 */
	static List<Integer> spreadRanks(int count, int panels) {
		java.util.TreeSet<Integer> chosen = new java.util.TreeSet<>();
		int[] first = { 0, count - 1, (count - 1) / 2 };
		for (int r : first)
			if (r >= 0 && chosen.size() < Math.min(panels, count))
				chosen.add(r);
		for (int k = 2; chosen.size() < Math.min(panels, count); k++)
			for (int j = 1; j < k && chosen.size() < Math.min(panels, count); j++)
				chosen.add((int) Math.round(j * (count - 1) / (double) k));
		return new ArrayList<>(chosen);
	}

	/** Writes {@code metrics.csv} and {@code panels/NAME_panel.png} into a report folder. */
	public static void writeReport(Outcome outcome, Path reportDir) {
		AtomicFiles.prepareFolder(reportDir, "report");
		MetricsCsv.write(reportDir.resolve("metrics.csv"), outcome.images);
		if (outcome.classes != null)
			outcome.classes.write(reportDir);
		if (!outcome.panels.isEmpty())
			PanelWriter.write(reportDir.resolve("panels"), outcome.panels);
	}

	static float[] firstChannel(Sample s) {
		float[] all = s.imageData();
		float[] first = new float[s.width() * s.height()];
		System.arraycopy(all, 0, first, 0, first.length);
		return first;
	}

	static boolean hasForeground(byte[] mask) {
		if (mask == null)
			return false;
		for (byte b : mask)
			if (b != 0)
				return true;
		return false;
	}
}
