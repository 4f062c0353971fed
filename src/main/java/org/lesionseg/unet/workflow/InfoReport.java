package org.lesionseg.unet.workflow;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.lesionseg.unet.core.engine.EngineReport;
import org.lesionseg.unet.core.modelfile.ModelFile;
import org.lesionseg.unet.core.modelfile.ModelInfo;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;

/**
 * What {@code unet info} and UNet Engine Info print, one implementation for both: the {@link EngineReport} and, for a
 * model file, what it holds, with its weights loaded and checked (a file that only looks right is caught here).
 */
public final class InfoReport {

	private InfoReport() {
	}

	/**
	 * @param model a model file to describe too, or null
	 * @throws org.lesionseg.unet.core.UnetException if the model file is missing, a folder, or not a valid model file
	 */
	public static List<String> lines(Path model, Spelling spelling) {
		if (model != null)
			RequestChecks.modelFile(model, spelling);
		List<String> lines = new ArrayList<>(EngineReport.lines());
		if (model != null)
			lines.addAll(modelLines(model));
		return lines;
	}

	private static List<String> modelLines(Path model) {
		ModelInfo info = ModelFile.readInfo(model);
		long parameters;
		try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
			parameters = org.lesionseg.unet.core.model.UNetBlock.trainableParameterCount(ModelFile.load(model, manager).block);
		}
		List<String> lines = new ArrayList<>();
		lines.add("model: " + model);
		lines.add("  " + info.summary());
		lines.add(String.format(Locale.ROOT, "  weights: %,d trainable parameters, checksums and layout verified", parameters));
		lines.add("  trained on: " + info.device);
		lines.add("  images: " + info.trainImages.size() + " train, " + info.valImages.size() + " val, " + info.testImages.size() + " test (seed "
			+ info.splitSeed + ")");
		for (Map.Entry<String, Double> m : info.metrics.entrySet())
			lines.add("  " + m.getKey() + " = " + metric(m.getValue()));
		if (info.initialModel != null)
			lines.add("  started from: " + info.initialModel + (info.initialModelSummary == null ? "" : " (" + info.initialModelSummary + ")"));
		if (info.trainingIntensity != null)
			for (int c = 0; c < info.trainingIntensity.channels.size(); c++)
				lines.add("  training intensities" + (info.trainingIntensity.channels.size() > 1 ? " (channel " + (c + 1) + ")" : "") + ": "
					+ info.trainingIntensity.channels.get(c) + ", " + info.trainingIntensity.bitDepth + "-bit");
		if (info.settings != null)
			lines.add("  settings: loss " + info.settings.loss + ", optimizer " + info.settings.optimizer + ", lr " + info.settings.learningRate + ", batch "
				+ info.settings.batchSize + ", epochs " + info.settings.epochs + ", schedule " + info.settings.scheduler);
		if (info.settings != null && info.settings.auto != null)
			for (Map.Entry<String, String> a : info.settings.auto.entrySet())
				lines.add("  auto " + a.getKey() + ": " + a.getValue());
		return lines;
	}

	/** A count as a whole number (test_images = 5), a score with four decimals (test_pooled_dice = 0.4123). */
	static String metric(double value) {
		if (value == Math.rint(value) && Math.abs(value) < 1e9)
			return String.valueOf((long) value);
		return String.format(Locale.ROOT, "%.4f", value);
	}
}
