package org.lesionseg.unet.workflow;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;

import org.lesionseg.unet.workflow.options.CommonOptions;
import org.lesionseg.unet.core.engine.DeviceMemory;
import org.lesionseg.unet.core.engine.Devices;

import ai.djl.Device;
import org.lesionseg.unet.core.data.DataSplit;
import org.lesionseg.unet.core.data.Sample;

import org.lesionseg.unet.core.metrics.MetricsSummary;
import org.lesionseg.unet.core.modelfile.ModelFile;
import org.lesionseg.unet.core.modelfile.ModelInfo;
import org.lesionseg.unet.core.predict.MaskPostprocessing;
import org.lesionseg.unet.core.predict.Segmenter;
import org.lesionseg.unet.core.predict.TiledPredictor;
import org.lesionseg.unet.core.io.AtomicFiles;
import org.lesionseg.unet.core.report.Curves;
import org.lesionseg.unet.core.report.EpochPoint;
import org.lesionseg.unet.core.train.EpochRecord;
import org.lesionseg.unet.core.train.TrainingConfig;
import org.lesionseg.unet.core.train.TrainingData;
import org.lesionseg.unet.core.train.TrainingListener;
import org.lesionseg.unet.core.train.TrainingResult;
import org.lesionseg.unet.core.modelfile.TrainingSettings;
import org.lesionseg.unet.core.train.UNetTrainer;

/**
 * A whole training as users ask for it: split a labelled image set reproducibly, train, evaluate the best model
 * on the held-back test images at their own resolution, store the test metrics in the model file, and write a
 * report (history, curves, metrics, panels). The command line, the demo and the Fiji commands all run this.
 */
public final class TrainingJob {

	/** What came out: the training, the test evaluation (null without test images) and where the report is. */
	public static final class Outcome {
		public final TrainingResult training;
		public final Evaluation.Outcome test;
		public final Path reportDir;

		Outcome(TrainingResult training, Evaluation.Outcome test, Path reportDir) {
			this.training = training;
			this.test = test;
			this.reportDir = reportDir;
		}
	}

	private TrainingJob() {
	}

	/**
	 * Reads the request's labelled images and runs the training.
	 *
	 * @param listener progress and messages (the data's warnings among them), or null
	 * @param cancel set to stop at the next batch and keep the best model so far, or null
	 */
	public static Outcome run(TrainRequest request, TrainingListener listener, AtomicBoolean cancel) {
		return run(request, null, listener, cancel);
	}

	/**
	 * As {@link #run(TrainRequest, TrainingListener, AtomicBoolean)}, with the division into training, validation and
	 * test images made by {@code splitter} from the images' names and the group pattern (a fold of a cross-validation), or by the request's
	 * settings when it is null.
	 */
	static Outcome run(TrainRequest request, BiFunction<List<String>, String, DataSplit.Split> splitter, TrainingListener listener, AtomicBoolean cancel) {
		LabelledImages images = request.data.read(request.normalization, request.maskPolicy);
		if (listener != null) {
			for (String w : images.warnings)
				listener.message("warning: " + w);
			listener.message("read " + images.samples.size() + " labelled images from " + request.data.description());
		}
		TrainingConfig config = request.config;
		if (!request.auto.isEmpty()) {
			Device[] devices = Devices.resolve(config.device());
			AutoSettings.Choice choice = request.chooseAuto(images, DeviceMemory.bytes(devices),
				devices.length > 1 ? devices.length + " GPUs'" : devices[0].isGpu() ? "gpu:" + devices[0].getDeviceId() : "cpu");
			config = TrainingConfig.of(choice.settings);
			if (listener != null)
				listener.message(choice.line);
		}
		return run(images, splitter, config, request.modelFile, request.initialModel, request.resume, request.reportDir, listener, cancel);
	}

	/**
	 * Runs a training on images already read; entry points go through {@link #run(TrainRequest, TrainingListener, AtomicBoolean)},
	 * whose request has checked everything this takes.
	 *
	 * @param images the labelled set, normalised as {@code config.normalization()} says
	 * @param reportDir where to write the report (an existing, writable folder), or null for none
	 */
	public static Outcome run(LabelledImages images, TrainingConfig config, Path modelFile, Path initialModel, boolean resume, Path reportDir,
		TrainingListener listener, AtomicBoolean cancel) {
		return run(images, null, config, modelFile, initialModel, resume, reportDir, listener, cancel);
	}

	private static Outcome run(LabelledImages images, BiFunction<List<String>, String, DataSplit.Split> splitter, TrainingConfig config, Path modelFile,
		Path initialModel, boolean resume, Path reportDir, TrainingListener listener, AtomicBoolean cancel) {
		TrainingSettings settings = config.settings();
		List<String> names = new ArrayList<>();
		for (Sample s : images.samples)
			names.add(s.name());
		String groupBy = groupPattern(settings, images);
		DataSplit.Split split = splitter != null ? splitter.apply(names, groupBy)
			: DataSplit.split(names, settings.valFraction, settings.testFraction, settings.seed, groupBy);
		TrainingData data = new TrainingData(images.select(split.train()), images.select(split.val()), split.test(), images.bitDepth);
		data.imagesFolder = images.imagesFolder;
		data.masksFolder = images.masksFolder;
		data.rawStats = images.rawStats;

		TrainingResult result = new UNetTrainer(config, listener, cancel).train(data, modelFile, initialModel, resume);

		Evaluation.Outcome test = null;
		List<Sample> testSamples = images.select(split.test());
		try (Segmenter segmenter = new Segmenter(modelFile, config.device(), new TiledPredictor.Options())) {
			if (!testSamples.isEmpty()) {
				if (listener != null)
					listener.message("evaluating the best model (epoch " + result.bestEpoch + ") on " + testSamples.size() + " test images");
				// the test objects as Segment with UNet would show them: the registry's minimum object size
				test = Evaluation.run(segmenter, testSamples, new MaskPostprocessing.Options().minSize(CommonOptions.MIN_SIZE.defaultValue()), reportDir, 6,
					null);
			}
			recordOutcome(modelFile, segmenter, result, test);
		}
		if (reportDir != null)
			writeReport(reportDir, result);
		return new Outcome(result, test, reportDir);
	}

	/** The group pattern of the split: the settings', else the one that keeps the slices of a stack together. */
	static String groupPattern(TrainingSettings settings, LabelledImages images) {
		return settings.groupBy == null || settings.groupBy.isEmpty() ? images.defaultGroupPattern() : settings.groupBy;
	}

	/** Stores the test metrics and the end state in the model file, keeping its weights. */
	private static void recordOutcome(Path modelFile, Segmenter segmenter, TrainingResult result, Evaluation.Outcome test) {
		ModelFile.Loaded model = segmenter.model();
		ModelInfo info = model.info;
		info.finished = !result.cancelled;
		if (test != null) {
			MetricsSummary s = test.summary;
			info.metrics.put("test_images", (double) s.images());
			info.metrics.put("test_pooled_dice", s.pooledDice());
			info.metrics.put("test_mean_dice", s.meanDice());
			info.metrics.put("test_mean_dice_nonempty", s.meanDiceNonEmpty());
			info.metrics.put("test_mean_iou", s.meanIou());
			info.metrics.put("test_accuracy", s.meanAccuracy());
			if (test.uncertainty != null) {
				info.metrics.put("test_uncertainty_on_wrong", test.uncertainty.meanOnWrong());
				info.metrics.put("test_uncertainty_on_right", test.uncertainty.meanOnRight());
				info.metrics.put("test_uncertainty_error_auc", test.uncertainty.auc());
			}
			if (test.classes != null) {
				for (int k = 1; k <= test.classes.classes(); k++)
					info.metrics.put("test_pooled_dice_" + ClassOutputs.fileName(info.classNames.get(k)), test.classes.pooledDice(k));
				info.metrics.put("test_macro_pooled_dice", test.classes.macroPooledDice());
			}
		}
		Map<String, String> text = new LinkedHashMap<>();
		text.put("history.csv", EpochRecord.toCsv(result.history));
		ModelFile.save(modelFile, model.block, info, null, text);
	}

	private static void writeReport(Path reportDir, TrainingResult result) {
		byte[] history = EpochRecord.toCsv(result.history).getBytes(java.nio.charset.StandardCharsets.UTF_8);
		AtomicFiles.write(reportDir.resolve("history.csv"), out -> out.write(history));
		List<EpochPoint> points = new ArrayList<>();
		for (EpochRecord r : result.history)
			points.add(new EpochPoint(r.epoch, r.trainLoss, r.valLoss, r.valDice));
		if (!points.isEmpty())
			Curves.writeTrainingCurves(reportDir.resolve("training-curves.png"), points,
				String.format(Locale.ROOT, "Training (best val Dice %.3f at epoch %d)", result.bestValDice, result.bestEpoch));
	}
}
