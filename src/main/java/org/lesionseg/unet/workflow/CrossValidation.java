package org.lesionseg.unet.workflow;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.data.DataSplit;
import org.lesionseg.unet.core.io.AtomicFiles;
import org.lesionseg.unet.core.io.CsvWriter;
import org.lesionseg.unet.core.metrics.ClassMetrics;
import org.lesionseg.unet.core.metrics.ClassMetricsSummary;
import org.lesionseg.unet.core.metrics.ConfusionCounts;
import org.lesionseg.unet.core.metrics.ImageMetrics;
import org.lesionseg.unet.core.metrics.MetricsCsv;
import org.lesionseg.unet.core.metrics.MetricsSummary;
import org.lesionseg.unet.core.modelfile.TrainingSettings;
import org.lesionseg.unet.core.train.TrainingListener;
import org.lesionseg.unet.workflow.options.CommonOptions;
import org.lesionseg.unet.workflow.options.CrossValOptions;
import org.lesionseg.unet.workflow.options.OptionValues;
import org.lesionseg.unet.workflow.options.TrainOptions;

/**
 * A k-fold cross-validation with folds grouped by patient ({@link DataSplit#folds}): fold {@code i}'s model trains on
 * the other folds (its validation images, which choose the best epoch, among them) and is tested on fold {@code i}.
 * Each fold is a {@link TrainingJob} writing {@code OUTPUT/fold-i/model.zip} and {@code OUTPUT/fold-i/report/}; folds
 * run one after another here, or one per SLURM array task ({@code fold=i}); a fold whose report is complete is not
 * trained again. When every fold is done, {@code summary.csv} gives per fold and as mean and sd over the folds the
 * pooled and the mean per-image test Dice, and for several classes {@code class_summary.csv} the same per class. The output folder is an ensemble for prediction (the fold models'
 * probabilities averaged).
 */
public final class CrossValidation {

	/** A cross-validation as asked for, checked before any training. */
	public static final class Request {
		final OptionValues values;
		final LabelledSource data;
		public final int folds;
		/** 1-based, or 0 for every fold. */
		public final int fold;
		public final Path output;
		public final boolean summaryOnly;

		private Request(OptionValues values, LabelledSource data, int folds, int fold, Path output, boolean summaryOnly) {
			this.values = values;
			this.data = data;
			this.folds = folds;
			this.fold = fold;
			this.output = output;
			this.summaryOnly = summaryOnly;
		}

		/** @throws UnetException naming the option at fault */
		public static Request of(OptionValues v) {
			int folds = v.get(CrossValOptions.FOLDS), fold = v.get(CrossValOptions.FOLD);
			if (fold > folds)
				throw new UnetException("fold " + fold + " does not exist with " + folds + " folds: give 1.." + folds + ", or 0 for all");
			Path output = v.get(CrossValOptions.OUTPUT_FOLDER);
			boolean summaryOnly = v.get(CrossValOptions.SUMMARY_ONLY);
			LabelledSource data = null;
			if (!summaryOnly) {
				if (!v.isGiven(TrainOptions.IMAGES_FOLDER) || !v.isGiven(TrainOptions.MASKS_FOLDER))
					throw new UnetException("crossval needs images_folder and masks_folder (--images DIR --masks DIR)");
				data = LabelledSource.folders(v.get(TrainOptions.IMAGES_FOLDER), v.get(TrainOptions.MASKS_FOLDER), v.get(CommonOptions.PAIRING));
				TrainRequest.settings(v); // every training setting is checked before the first fold
				RequestChecks.outputOutsideInput(output, v.get(TrainOptions.IMAGES_FOLDER), Spelling.COMMAND_LINE);
				RequestChecks.outputOutsideInput(output, v.get(TrainOptions.MASKS_FOLDER), Spelling.COMMAND_LINE);
			}
			AtomicFiles.prepareFolder(output, "cross-validation output");
			return new Request(v, data, folds, fold, output, summaryOnly);
		}
	}

	/** One fold's test result. */
	public static final class Fold {
		public final int fold;
		public final MetricsSummary test;
		/** A multi-class training's test metrics per class ({@code fold-i/report/class_metrics.csv}); null for binary. */
		public final ClassMetricsSummary classes;

		Fold(int fold, MetricsSummary test, ClassMetricsSummary classes) {
			this.fold = fold;
			this.test = test;
			this.classes = classes;
		}

		/** "per class pooled Dice: epidural 0.4123, subdural 0.2000". */
		public String classLine() {
			StringBuilder b = new StringBuilder("per class pooled Dice:");
			for (int k = 1; k <= classes.classes(); k++)
				b.append(k == 1 ? " " : ", ").append(classes.names().get(k - 1)).append(' ').append(f4(classes.pooledDice(k)));
			return b.toString();
		}
	}

	/** The folds' test results and their mean and sd; {@link #complete} is false while folds are still to train. */
	public static final class Summary {
		public final List<Fold> folds;
		public final int foldCount;
		public final Path csv;

		Summary(List<Fold> folds, int foldCount, Path csv) {
			this.folds = Collections.unmodifiableList(folds);
			this.foldCount = foldCount;
			this.csv = csv;
		}

		public boolean complete() {
			return folds.size() == foldCount;
		}

		public double[] pooledDice() {
			double[] d = new double[folds.size()];
			for (int i = 0; i < d.length; i++)
				d[i] = folds.get(i).test.pooledDice();
			return d;
		}

		public double[] meanDice() {
			double[] d = new double[folds.size()];
			for (int i = 0; i < d.length; i++)
				d[i] = folds.get(i).test.meanDice();
			return d;
		}

		/** All test images of all folds as one set (each image is tested exactly once). */
		public MetricsSummary allImages() {
			List<ImageMetrics> all = new ArrayList<>();
			for (Fold f : folds)
				all.addAll(f.test.imageMetrics());
			return new MetricsSummary(all);
		}

		/** The class names of a multi-class cross-validation (labels 1..K), or null for binary. */
		public List<String> classNames() {
			return folds.isEmpty() || folds.get(0).classes == null ? null : folds.get(0).classes.names();
		}

		/** Each fold's value of a multi-class measure, in fold order. */
		public double[] perFold(java.util.function.ToDoubleFunction<ClassMetricsSummary> measure) {
			double[] d = new double[folds.size()];
			for (int i = 0; i < d.length; i++)
				d[i] = measure.applyAsDouble(folds.get(i).classes);
			return d;
		}

		/** All test images of all folds as one multi-class set (null for binary). */
		public ClassMetricsSummary allClasses() {
			if (classNames() == null)
				return null;
			List<ClassMetrics> all = new ArrayList<>();
			for (Fold f : folds)
				all.addAll(f.classes.imageMetrics());
			return new ClassMetricsSummary(all, classNames());
		}

		/**
		 * "per class: epidural pooled Dice 0.4123 ± 0.0500, ...; macro 0.3000 ± 0.0400 (mean ± sd over 3 folds); all 36
		 * test images pooled: epidural 0.4000, ..., macro 0.2900"; null for binary.
		 */
		public String classLine() {
			List<String> names = classNames();
			if (names == null)
				return null;
			StringBuilder b = new StringBuilder("per class:");
			for (int k = 1; k <= names.size(); k++) {
				int label = k;
				double[] d = perFold(c -> c.pooledDice(label));
				b.append(k == 1 ? " " : ", ").append(names.get(k - 1)).append(k == 1 ? " pooled Dice " : " ").append(meanSd(d));
			}
			b.append("; macro ").append(meanSd(perFold(ClassMetricsSummary::macroPooledDice))).append(" (mean ± sd over ").append(folds.size())
				.append(" folds); all ").append(allImages().images()).append(" test images pooled:");
			ClassMetricsSummary all = allClasses();
			for (int k = 1; k <= names.size(); k++)
				b.append(k == 1 ? " " : ", ").append(names.get(k - 1)).append(' ').append(f4(all.pooledDice(k)));
			return b.append(", macro ").append(f4(all.macroPooledDice())).toString();
		}

		private static String meanSd(double[] v) {
			return f4(mean(v)) + " ± " + f4(sd(v));
		}

		/** "pooled Dice 0.612 ± 0.041, per-image Dice 0.55 ± 0.06 (mean ± sd over 3 folds)". */
		public String line() {
			return String.format(Locale.ROOT, "pooled Dice %.4f ± %.4f, per-image Dice %.4f ± %.4f (mean ± sd over %d folds); all %d test images pooled: Dice %.4f",
				mean(pooledDice()), sd(pooledDice()), mean(meanDice()), sd(meanDice()), folds.size(), allImages().images(), allImages().pooledDice());
		}
	}

	private CrossValidation() {
	}

	public static Path foldFolder(Path output, int fold) {
		return output.resolve("fold-" + fold);
	}

	public static Path modelOf(Path output, int fold) {
		return foldFolder(output, fold).resolve("model.zip");
	}

	/** Written (atomically) when a fold's training ran to its end and its test metrics are saved; a cancelled fold has none. */
	static Path doneMark(Path output, int fold) {
		return foldFolder(output, fold).resolve("done.txt");
	}

	static boolean isDone(Path output, int fold) {
		return Files.isRegularFile(doneMark(output, fold)) && Files.isRegularFile(foldFolder(output, fold).resolve("report").resolve("metrics.csv"))
			&& Files.isRegularFile(modelOf(output, fold));
	}

	/**
	 * Trains the request's fold (or every fold not yet done), then summarises when every fold is done.
	 *
	 * @param cancel set to stop the running fold at the next batch (its best model is kept, it is not counted as done)
	 */
	public static Summary run(Request request, TrainingListener listener, AtomicBoolean cancel) {
		if (!request.summaryOnly) {
			List<Integer> todo = new ArrayList<>();
			for (int f = 1; f <= request.folds; f++)
				if (request.fold == 0 || request.fold == f)
					todo.add(f);
			for (int f : todo) {
				if (cancel != null && cancel.get())
					break;
				if (isDone(request.output, f)) {
					message(listener, "fold " + f + " of " + request.folds + ": done by an earlier run (skipped)");
					continue;
				}
				message(listener, "fold " + f + " of " + request.folds + ": training -> " + modelOf(request.output, f));
				TrainRequest fold = TrainRequest.of(request.values, request.data, modelOf(request.output, f), null, false,
					foldFolder(request.output, f).resolve("report"));
				TrainingJob.Outcome o = TrainingJob.run(fold, splitter(request, f), listener, cancel);
				if (o.training.cancelled) {
					message(listener, "fold " + f + " of " + request.folds + ": cancelled; it is trained again by the next run");
					break;
				}
				if (o.test == null)
					throw new UnetException("fold " + f + " has no test images: use fewer folds");
				String line = String.format(Locale.ROOT, "fold %d of %d: test %s", f, request.folds, o.test.summary.summaryLine())
					+ (o.test.classes == null ? "" : "; " + o.test.classes.summaryLine());
				AtomicFiles.write(doneMark(request.output, f), out -> out.write((line + "\n").getBytes(StandardCharsets.UTF_8)));
				message(listener, line);
			}
		}
		return summarise(request.output, request.folds);
	}

	/** Fold {@code fold}'s division: its images are the test set, {@code val_fraction} of the others validate. */
	private static BiFunction<List<String>, String, DataSplit.Split> splitter(Request request, int fold) {
		TrainingSettings s = TrainRequest.settings(request.values);
		return (names, groupPattern) -> {
			List<List<String>> folds = DataSplit.folds(names, request.folds, s.seed, groupPattern);
			writeFolds(request.output, folds);
			List<String> rest = new ArrayList<>();
			for (int f = 0; f < folds.size(); f++)
				if (f != fold - 1)
					rest.addAll(folds.get(f));
			List<String> test = folds.get(fold - 1);
			// the other folds in input order, divided into training and validation by the usual split (no test part)
			List<String> ordered = new ArrayList<>(names);
			ordered.retainAll(rest);
			DataSplit.Split trainVal = DataSplit.split(ordered, s.valFraction, 0, s.seed, groupPattern);
			return new DataSplit.Split(trainVal.train(), trainVal.val(), test, trainVal.groups());
		};
	}

	/** {@code folds.csv}: each image's fold; the same for every task, so written by each. */
	private static void writeFolds(Path output, List<List<String>> folds) {
		List<List<Object>> rows = new ArrayList<>();
		for (int f = 0; f < folds.size(); f++)
			for (String name : folds.get(f))
				rows.add(Arrays.asList(name, f + 1));
		CsvWriter.write(output.resolve("folds.csv"), Arrays.asList("image", "fold"), rows);
	}

	/**
	 * The summary of the folds done so far; when all {@code folds} are done it is also written to
	 * {@code summary.csv}, and for a multi-class training the per-class summary to {@code class_summary.csv}.
	 */
	public static Summary summarise(Path output, int folds) {
		List<Fold> done = new ArrayList<>();
		for (int f = 1; f <= folds; f++)
			if (isDone(output, f)) {
				Path report = foldFolder(output, f).resolve("report"), classes = report.resolve("class_metrics.csv");
				done.add(new Fold(f, new MetricsSummary(MetricsCsv.read(report.resolve("metrics.csv"))),
					Files.isRegularFile(classes) ? ClassMetricsSummary.read(classes) : null));
			}
		checkSameClasses(done);
		Path csv = null;
		if (done.size() == folds) {
			csv = output.resolve("summary.csv");
			Summary s = new Summary(done, folds, csv);
			writeSummary(csv, s);
			if (s.classNames() != null)
				writeClassSummary(output.resolve(CLASS_SUMMARY), s);
		}
		return new Summary(done, folds, csv);
	}

	/** The per-class summary's file name, next to {@code summary.csv}. */
	public static final String CLASS_SUMMARY = "class_summary.csv";

	/** Folds of one cross-validation have the same classes: a fold of another training in the folder is one line. */
	private static void checkSameClasses(List<Fold> folds) {
		for (Fold f : folds) {
			List<String> first = folds.get(0).classes == null ? null : folds.get(0).classes.names(), these = f.classes == null ? null : f.classes.names();
			if (!java.util.Objects.equals(first, these))
				throw new UnetException("fold " + f.fold + " was tested on " + (these == null ? "binary masks" : "the classes " + these) + " but fold "
					+ folds.get(0).fold + " on " + (first == null ? "binary masks" : "the classes " + first)
					+ ": the output folder holds folds of different trainings; give a new --output");
		}
	}

	private static void writeSummary(Path csv, Summary s) {
		List<List<Object>> rows = new ArrayList<>();
		for (Fold f : s.folds)
			rows.add(Arrays.asList("fold-" + f.fold, f.test.images(), f.test.pooledDice(), f.test.meanDice(), f.test.meanDiceNonEmpty()));
		rows.add(Arrays.asList("mean", "", mean(s.pooledDice()), mean(s.meanDice()), ""));
		rows.add(Arrays.asList("sd", "", sd(s.pooledDice()), sd(s.meanDice()), ""));
		MetricsSummary all = s.allImages();
		rows.add(Arrays.asList("all", all.images(), all.pooledDice(), all.meanDice(), all.meanDiceNonEmpty()));
		byte[] text = CsvWriter.text(Arrays.asList("fold", "test_images", "pooled_dice", "mean_dice", "mean_dice_nonempty"), rows)
			.getBytes(StandardCharsets.UTF_8);
		AtomicFiles.write(csv, out -> out.write(text));
	}

	/**
	 * {@code class_summary.csv}: per fold and class the test images, the images holding the class, pooled Dice, mean
	 * per-image Dice, pooled IoU, precision, recall and pixel counts, then the macro mean over the classes; then per class
	 * the mean and sd over the folds of the pooled and mean Dice, and all test images pooled.
	 */
	private static void writeClassSummary(Path csv, Summary s) {
		List<String> names = s.classNames();
		List<List<Object>> rows = new ArrayList<>();
		for (Fold f : s.folds)
			classRows(rows, "fold-" + f.fold, f.classes);
		for (String stat : new String[] { "mean", "sd" }) {
			java.util.function.Function<double[], Double> of = stat.equals("mean") ? CrossValidation::mean : CrossValidation::sd;
			for (int k = 1; k <= names.size(); k++) {
				int label = k;
				rows.add(Arrays.asList(stat, names.get(k - 1), k, null, null, of.apply(s.perFold(c -> c.pooledDice(label))),
					of.apply(s.perFold(c -> c.meanDice(label))), null, null, null, null, null));
			}
			rows.add(Arrays.asList(stat, "macro_mean", null, null, null, of.apply(s.perFold(ClassMetricsSummary::macroPooledDice)),
				of.apply(s.perFold(ClassMetricsSummary::macroMeanDice)), null, null, null, null, null));
		}
		classRows(rows, "all", s.allClasses());
		CsvWriter.write(csv, Arrays.asList("fold", "class", "label", "test_images", "images_with_class", "pooled_dice", "mean_dice", "pooled_iou",
			"pooled_precision", "pooled_recall", "truth_pixels", "predicted_pixels"), rows);
	}

	private static void classRows(List<List<Object>> rows, String fold, ClassMetricsSummary c) {
		int images = c.imageMetrics().size();
		for (int k = 1; k <= c.classes(); k++) {
			ConfusionCounts p = c.pooled(k);
			rows.add(Arrays.asList(fold, c.names().get(k - 1), k, images, c.imagesWithClass(k), c.pooledDice(k), c.meanDice(k), p.iou(), p.precision(),
				p.recall(), p.truthPixels(), p.predictedPixels()));
		}
		rows.add(Arrays.asList(fold, "macro_mean", null, images, null, c.macroPooledDice(), c.macroMeanDice(), c.macroPooledIou(), null, null, null, null));
	}

	static double mean(double[] v) {
		double sum = 0;
		for (double x : v)
			sum += x;
		return v.length == 0 ? Double.NaN : sum / v.length;
	}

	/** The sample standard deviation (n - 1), as nnU-Net and most papers report it; 0 for one value. */
	static double sd(double[] v) {
		if (v.length < 2)
			return 0;
		double m = mean(v), sum = 0;
		for (double x : v)
			sum += (x - m) * (x - m);
		return Math.sqrt(sum / (v.length - 1));
	}

	static String f4(double v) {
		return String.format(Locale.ROOT, "%.4f", v);
	}

	private static void message(TrainingListener listener, String text) {
		if (listener != null)
			listener.message(text);
	}
}
