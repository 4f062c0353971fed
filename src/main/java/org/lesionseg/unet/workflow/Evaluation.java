package org.lesionseg.unet.workflow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.data.Sample;
import org.lesionseg.unet.core.metrics.ConfusionCounts;
import org.lesionseg.unet.core.metrics.ImageMetrics;
import org.lesionseg.unet.core.metrics.MetricsCsv;
import org.lesionseg.unet.core.metrics.MetricsSummary;
import org.lesionseg.unet.core.predict.MaskPostprocessing;
import org.lesionseg.unet.core.predict.Segmenter;
import org.lesionseg.unet.core.report.Panels;

/**
 * Evaluates a model on images with known masks: per-image Dice, IoU, accuracy, precision and recall, the
 * summary (mean, mean over lesion-containing images, pooled), and optionally the image | truth | prediction
 * panels and a CSV.
 */
public final class Evaluation {

	/** Per-image metrics and their summary. */
	public static final class Outcome {
		public final List<ImageMetrics> images;
		public final MetricsSummary summary;

		Outcome(List<ImageMetrics> images) {
			this.images = images;
			this.summary = new MetricsSummary(images);
		}
	}

	/** Progress of a long evaluation: called after each image. */
	public interface Progress {
		void imageDone(int done, int total, String name);
	}

	private Evaluation() {
	}

	/**
	 * @param normalised images normalised like the model's training data, with masks
	 * @param reportDir where to write {@code metrics.csv} and panels, or null
	 * @param panels how many image | truth | prediction panels to write (lesion-containing images first)
	 */
	public static Outcome run(Segmenter segmenter, List<Sample> normalised, MaskPostprocessing.Options options, Path reportDir, int panels,
		Progress progress) {
		if (reportDir != null)
			org.lesionseg.unet.core.io.AtomicFiles.prepareFolder(reportDir, "report");
		List<ImageMetrics> metrics = new ArrayList<>();
		List<Sample> withLesion = new ArrayList<>();
		for (Sample s : normalised)
			if (hasForeground(s.maskData()))
				withLesion.add(s);
		int written = 0;
		for (int i = 0; i < normalised.size(); i++) {
			Sample s = normalised.get(i);
			if (!s.hasMask())
				throw new UnetException("image " + s.name() + " has no mask to evaluate against");
			float[] probability = segmenter.probabilityOfNormalised(s);
			byte[] predicted = MaskPostprocessing.process(probability, s.width(), s.height(), options).mask();
			ImageMetrics m = new ImageMetrics(s.name(), ConfusionCounts.of(predicted, s.maskData()));
			metrics.add(m);
			boolean panelWanted = reportDir != null && written < panels && (withLesion.isEmpty() || withLesion.contains(s));
			if (panelWanted) {
				Path png = reportDir.resolve("panels").resolve(s.name() + "_panel.png");
				Panels.writeComparison(png, firstChannel(s), s.maskData(), predicted, s.width(), s.height(), s.name());
				written++;
			}
			if (progress != null)
				progress.imageDone(i + 1, normalised.size(), s.name());
		}
		Outcome outcome = new Outcome(metrics);
		if (reportDir != null) {
			try {
				Files.createDirectories(reportDir);
			} catch (IOException e) {
				throw new UnetException("cannot create the folder " + reportDir + ": " + e.getMessage());
			}
			MetricsCsv.write(reportDir.resolve("metrics.csv"), metrics);
		}
		return outcome;
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
