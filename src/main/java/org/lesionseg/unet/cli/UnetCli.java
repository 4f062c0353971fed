package org.lesionseg.unet.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.predict.Segmenter;
import org.lesionseg.unet.core.metrics.ImageMetrics;
import org.lesionseg.unet.core.engine.EngineSettings;
import org.lesionseg.unet.workflow.CrossValidation;
import org.lesionseg.unet.workflow.EvaluateRequest;
import org.lesionseg.unet.workflow.GpuSetupJob;
import org.lesionseg.unet.workflow.GpuSetupRequest;
import org.lesionseg.unet.workflow.ExportJob;
import org.lesionseg.unet.workflow.ExportRequest;
import org.lesionseg.unet.workflow.Evaluation;
import org.lesionseg.unet.workflow.InfoReport;
import org.lesionseg.unet.workflow.SegmentRequest;
import org.lesionseg.unet.workflow.SegmentationJob;
import org.lesionseg.unet.workflow.ShardedOutput;
import org.lesionseg.unet.workflow.Spelling;
import org.lesionseg.unet.workflow.TrainRequest;
import org.lesionseg.unet.workflow.TrainingJob;
import org.lesionseg.unet.workflow.options.CrossValOptions;
import org.lesionseg.unet.workflow.options.DemoOptions;
import org.lesionseg.unet.workflow.options.EvaluateOptions;
import org.lesionseg.unet.workflow.options.GpuSetupOptions;
import org.lesionseg.unet.workflow.options.ExportOptions;
import org.lesionseg.unet.workflow.options.OptionValues;
import org.lesionseg.unet.workflow.options.SegmentOptions;
import org.lesionseg.unet.workflow.options.TrainOptions;

/**
 * The command line: {@code unet train|predict|evaluate|info|demo|bench ...}. For servers, scripts, tests and the demo.
 * Every failure the user can fix prints one line starting with {@code error:} and exits with code 2.
 */
public final class UnetCli {

	private final PrintStream out;
	private final PrintStream err;

	public UnetCli(PrintStream out, PrintStream err) {
		this.out = out;
		this.err = err;
	}

	public static void main(String[] args) {
		EngineSettings.apply(); // the libtorch chosen with gpu-setup, before anything starts the engine
		System.exit(new UnetCli(System.out, System.err).run(args));
	}

	/** Runs one command and returns the exit code (0 fine, 2 user error, 1 unexpected failure). */
	public int run(String... args) {
		if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
			out.println(USAGE);
			return args.length == 0 ? 2 : 0;
		}
		String command = args[0];
		List<String> rest = new ArrayList<>(Arrays.asList(args).subList(1, args.length));
		boolean help = rest.contains("--help") || rest.contains("-h");
		try {
			switch (command) {
				case "train":
					return help ? usage(TrainOptions.SET.help(TRAIN_USAGE)) : train(Args.parse(command, rest, TrainOptions.SET));
				case "predict":
					return help ? usage(SegmentOptions.FILES.help(PREDICT_USAGE)) : predict(Args.parse(command, rest, SegmentOptions.FILES));
				case "evaluate":
					return help ? usage(EvaluateOptions.SET.help(EVALUATE_USAGE)) : evaluate(Args.parse(command, rest, EvaluateOptions.SET));
				case "info":
					return help ? usage(INFO_HELP) : info(new Args(command, rest, flags()));
				case "demo":
					return help ? usage(DemoOptions.SET.help(Demo.USAGE)) : new Demo(out).run(Args.parse(command, rest, DemoOptions.SET));
				case "gpu-setup":
					return help ? usage(GpuSetupOptions.SET.help(GPU_SETUP_USAGE)) : gpuSetup(Args.parse(command, rest, GpuSetupOptions.SET));
				case "export":
					return help ? usage(ExportOptions.SET.help(EXPORT_USAGE)) : export(Args.parse(command, rest, ExportOptions.SET));
				case "bench":
					return bench(rest);
				case "crossval":
					return help ? usage(CrossValOptions.SET.help(CROSSVAL_USAGE)) : crossval(Args.parse(command, rest, CrossValOptions.SET));
				case "slurm":
					return new SlurmCommand(out).run(rest);
				case "merge":
					return help ? usage(MERGE_HELP) : merge(new Args(command, rest, flags()));
				default:
					err.println("error: unknown command '" + command + "'; use train, predict, merge, crossval, slurm, evaluate, export, info, gpu-setup, demo or bench (unet --help)");
					return 2;
			}
		} catch (UnetException e) {
			err.println("error: " + oneLine(e.getMessage()));
			return 2;
		} catch (RuntimeException | OutOfMemoryError e) {
			err.println("error: unexpected failure: " + e);
			e.printStackTrace(err);
			return 1;
		}
	}

	/** Messages are one line; an engine's multi-line message (a native stack trace) is cut to its first line. */
	static String oneLine(String message) {
		String m = String.valueOf(message).trim();
		int newline = m.indexOf('\n');
		return (newline < 0 ? m : m.substring(0, newline)).trim();
	}

	/**
	 * The benchmarks are compiled with the tests, not into the product: found by name when they are on the class
	 * path (the {@code unet} script adds them for {@code unet bench}).
	 */
	private int bench(List<String> rest) {
		java.lang.reflect.Method command;
		try {
			command = Class.forName("org.lesionseg.unet.cli.Bench").getDeclaredMethod("command", PrintStream.class, List.class);
		} catch (ClassNotFoundException | NoSuchMethodException e) {
			throw new UnetException("the benchmarks are not part of this build: run ./unet bench in the project's source folder (they are built with the tests)");
		}
		try {
			command.setAccessible(true);
			return (Integer) command.invoke(null, out, rest);
		} catch (java.lang.reflect.InvocationTargetException e) {
			if (e.getCause() instanceof RuntimeException)
				throw (RuntimeException) e.getCause();
			if (e.getCause() instanceof Error)
				throw (Error) e.getCause();
			throw new IllegalStateException(e.getCause());
		} catch (IllegalAccessException e) {
			throw new IllegalStateException(e);
		}
	}

	private int usage(String text) {
		out.println(text);
		return 0;
	}

	private static Set<String> flags(String... names) {
		return new HashSet<>(Arrays.asList(names));
	}

	private int train(OptionValues options) {
		TrainRequest request = TrainRequest.of(options);
		boolean quiet = options.get(TrainOptions.QUIET);
		return cancellable(cancel -> printOutcome(TrainingJob.run(request, new ConsoleProgress(out, !quiet && System.console() != null), cancel)));
	}

	private int crossval(OptionValues options) {
		CrossValidation.Request request = CrossValidation.Request.of(options);
		boolean quiet = options.get(TrainOptions.QUIET);
		return cancellable(cancel -> {
			CrossValidation.Summary s = CrossValidation.run(request, new ConsoleProgress(out, !quiet && System.console() != null), cancel);
			for (CrossValidation.Fold f : s.folds)
				out.printf(Locale.ROOT, "fold %d: %d test images, pooled Dice %.4f, mean per-image Dice %.4f%s%n", f.fold, f.test.images(), f.test.pooledDice(),
					f.test.meanDice(), f.classes == null ? "" : "; " + f.classLine());
			if (s.complete()) {
				out.println("cross-validation: " + s.line());
				if (s.classNames() != null)
					out.println("cross-validation " + s.classLine() + " (" + request.output.resolve(CrossValidation.CLASS_SUMMARY) + ")");
				out.println("summary: " + s.csv + "; predict with the ensemble of the folds: unet predict --model " + request.output + " --input DIR --output DIR");
			} else {
				out.println(s.folds.size() + " of " + s.foldCount + " folds done; the summary is written when the last one finishes (or: unet crossval --summary-only --output "
					+ request.output + " --folds " + s.foldCount + ")");
			}
		});
	}

	/**
	 * Runs a training with Ctrl-C (SIGINT) or SIGTERM (scancel) stopping it at the next batch, keeping the best model;
	 * returns the exit code: 0, or 128 + the signal's number after such a stop (130, 143), as if the signal had ended it.
	 * The signals are caught where the JVM allows it, so that the JVM's shutdown (whose hooks run in parallel, and
	 * onnxruntime's tears down its native library, which validation may be using: a SIGBUS) only begins once the
	 * training has saved and said so; elsewhere a shutdown hook waits for the training instead.
	 */
	private static int cancellable(java.util.function.Consumer<AtomicBoolean> training) {
		AtomicBoolean cancel = new AtomicBoolean();
		int[] received = { 0 };
		List<Object[]> previous = new ArrayList<>();
		for (String name : new String[] { "TERM", "INT" }) {
			Object[] installed = Signals.install(name, signal -> {
				received[0] = signal;
				cancel.set(true);
			});
			if (installed != null)
				previous.add(installed);
		}
		CountDownLatch finished = new CountDownLatch(1);
		Thread hook = cancelOnShutdown(cancel, finished);
		try {
			training.accept(cancel);
		} finally {
			finished.countDown();
			for (Object[] p : previous)
				Signals.restore(p);
			try {
				Runtime.getRuntime().removeShutdownHook(hook);
			} catch (IllegalStateException shuttingDown) {
				// the hook is running: it returns now that the training has finished
			}
		}
		return received[0] == 0 ? 0 : 128 + received[0];
	}

	/** sun.misc.Signal through reflection (jdk.unsupported): present in every JDK we run on, but not part of Java SE. */
	static final class Signals {
		private Signals() {
		}

		/** Handles the signal (TERM, INT) with {@code handler} (given its number); returns what to restore, or null where not possible. */
		static Object[] install(String name, java.util.function.IntConsumer handler) {
			try {
				Class<?> signalClass = Class.forName("sun.misc.Signal");
				Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
				Object signal = signalClass.getConstructor(String.class).newInstance(name);
				int number = (Integer) signalClass.getMethod("getNumber").invoke(signal);
				Object proxy = java.lang.reflect.Proxy.newProxyInstance(UnetCli.class.getClassLoader(), new Class<?>[] { handlerType }, (self, method, args) -> {
					if ("handle".equals(method.getName()))
						handler.accept(number);
					else if ("toString".equals(method.getName()))
						return "unet cancel on SIG" + name;
					else if ("hashCode".equals(method.getName()))
						return System.identityHashCode(self);
					else if ("equals".equals(method.getName()))
						return self == args[0];
					return null;
				});
				Object before = signalClass.getMethod("handle", signalClass, handlerType).invoke(null, signal, proxy);
				return new Object[] { signal, before };
			} catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
				return null; // e.g. the signal is taken (-Xrs) or the API is missing: the shutdown hook remains
			}
		}

		static void restore(Object[] installed) {
			try {
				Class<?> signalClass = Class.forName("sun.misc.Signal");
				Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
				signalClass.getMethod("handle", signalClass, handlerType).invoke(null, installed[0], installed[1]);
			} catch (ReflectiveOperationException | RuntimeException | LinkageError ignored) {
				// the handler stays: it only sets a flag nobody reads any more
			}
		}
	}

	void printOutcome(TrainingJob.Outcome o) {
		out.printf(Locale.ROOT, "best model: epoch %d, val Dice %.4f -> %s%n", o.training.bestEpoch, o.training.bestValDice, o.training.modelFile);
		out.println("checkpoint for --resume: " + o.training.checkpoint);
		if (o.training.cancelled)
			out.println("training was cancelled; the best model so far is kept");
		if (o.test != null)
			out.println("test " + o.test.summary.summaryLine());
		if (o.test != null && o.test.uncertainty != null)
			out.println("test " + o.test.uncertainty.summaryLine());
		if (o.test != null && o.test.classes != null)
			out.println("test " + o.test.classes.summaryLine());
		if (o.reportDir != null)
			out.println("report: " + o.reportDir);
	}

	/**
	 * Ctrl-C (or SIGTERM) stops a training at the next batch and keeps the best model: the JVM runs this hook and
	 * then halts, so the hook waits for the training to wind down (at most {@link #CANCEL_GRACE_SECONDS}).
	 */
	private static Thread cancelOnShutdown(AtomicBoolean cancel, CountDownLatch finished) {
		Thread hook = new Thread(() -> {
			cancel.set(true);
			try {
				finished.await(CANCEL_GRACE_SECONDS, TimeUnit.SECONDS);
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
			}
		}, "unet-cancel-on-shutdown");
		Runtime.getRuntime().addShutdownHook(hook);
		return hook;
	}

	/** How long Ctrl-C waits for the current batch, the last saves and the summary before the JVM ends anyway. */
	static final int CANCEL_GRACE_SECONDS = 120;

	private int predict(OptionValues v) {
		SegmentRequest request = SegmentRequest.of(v, Spelling.COMMAND_LINE);
		Path output = request.output();
		for (String w : request.source().warnings())
			out.println("warning: " + w);
		int[] modelChannels = { 0 };
		SegmentationJob.Outcome outcome;
		try {
			outcome = SegmentationJob.run(request, new SegmentationJob.Listener() {
				@Override
				public void started(Segmenter segmenter) {
					out.println(segmenter.deviceDescription());
					out.println("model: " + (segmenter.isImported() ? segmenter.source()
						: (segmenter.ensembleSize() > 1 ? "ensemble of " + segmenter.ensembleSize() + " models (mean probability), the first " : "")
							+ segmenter.info().summary()) + "; tiles of " + segmenter.tileSize() + " px");
					out.println(request.prediction().objectRule(null, Spelling.COMMAND_LINE));
					String uncertainty = request.prediction().uncertaintyLine(segmenter);
					if (uncertainty != null)
						out.println(uncertainty);
					modelChannels[0] = segmenter.info().inputChannels;
				}

				@Override
				public void skipped(String reason) {
					out.println("warning: " + reason + " (skipped)");
				}

				@Override
				public void alreadyDone(int done, int total, String fileName) {
					out.printf(Locale.ROOT, "[%d/%d] %s: done by an earlier run (skipped)%n", done, total, fileName);
				}

				@Override
				public void warning(String message) {
					out.println("warning: " + message);
				}

				@Override
				public void imageDone(int done, int total, SegmentationJob.ImageResult r) {
					if (r.channels != modelChannels[0])
						out.println("note: " + r.name + " has " + channelWord(r.channels) + " and the model takes " + channelWord(modelChannels[0]) + ": "
							+ (modelChannels[0] == 1 ? "its channels were averaged into grey" : "its grey values were repeated into every channel"));
					out.printf(Locale.ROOT, "[%d/%d] %s: %d object(s), %d lesion pixels%s%n", done, total, r.name, r.objects, r.foregroundPixels,
						r.uncertaintySummary());
				}
			});
		} catch (SegmentationJob.Unreadable e) {
			out.println("segmented " + e.outcome.images.size() + " image(s), " + e.outcome.objectCount() + " object(s); results in " + output);
			throw e;
		}
		out.println("segmented " + outcome.images.size() + " image(s), " + outcome.objectCount() + " object(s); results in " + output);
		String ranking = outcome.rankingLine(SegmentationJob.uncertaintyCsv(request, outcome));
		if (ranking != null)
			out.println(ranking);
		if (request.masks() != null && request.shard() == null)
			out.println("metrics: " + output.resolve("metrics.csv") + "; " + new org.lesionseg.unet.core.metrics.MetricsSummary(outcome.metrics).summaryLine());
		if (outcome.classSummary != null)
			out.println("per class: " + output.resolve("class_summary.csv") + "; " + outcome.classSummary.summaryLine());
		if (request.shard() != null)
			printShardEnd(request, outcome);
		return 0;
	}

	private void printShardEnd(SegmentRequest request, SegmentationJob.Outcome outcome) {
		if (outcome.alreadyDone > 0)
			out.println("shard " + request.shard() + ": " + outcome.alreadyDone + " image(s) were done by an earlier run and skipped");
		if (outcome.merged != null) {
			// images of other shards that could not be read are their tasks' failures, not this one's
			out.println("all shards done: " + outcome.merged.images + " image(s), " + outcome.merged.objects + " object(s) joined into " + outcome.merged.objectsCsv
				+ (outcome.merged.metricsCsv == null ? "" : " and " + outcome.merged.metricsCsv)
				+ (outcome.merged.uncertaintyCsv == null ? "" : " and " + outcome.merged.uncertaintyCsv));
			if (!outcome.merged.unreadable.isEmpty())
				out.println("warning: " + outcome.merged.unreadable.size() + " image(s) could not be segmented: " + outcome.merged.unreadable.get(0));
		}
		else
			out.println("shard " + request.shard() + " done; other shards are still running or to run: the last to finish writes objects.csv (or: unet merge --output "
				+ request.output() + ")");
	}

	private void printMerged(ShardedOutput.Merged m) {
		out.println("all shards done: " + m.images + " image(s), " + m.objects + " object(s) joined into " + m.objectsCsv
			+ (m.metricsCsv == null ? "" : " and " + m.metricsCsv) + (m.uncertaintyCsv == null ? "" : " and " + m.uncertaintyCsv));
		if (!m.unreadable.isEmpty())
			throw new UnetException(m.unreadable.size() + " image(s) could not be segmented: " + m.unreadable.get(0));
	}

	private int merge(Args a) {
		Path output = a.path("output");
		a.rejectUnknown();
		printMerged(ShardedOutput.merge(output));
		return 0;
	}

	private static String channelWord(int channels) {
		return channels == 1 ? "1 channel (grey)" : channels == 3 ? "3 channels (RGB)" : channels + " channels";
	}

	private int evaluate(OptionValues v) {
		EvaluateRequest request = EvaluateRequest.of(v, () -> null, Spelling.COMMAND_LINE);
		Path csv = request.metricsCsv();
		Evaluation.Outcome o = Evaluation.run(request, new Evaluation.Listener() {
			@Override
			public void started(Segmenter segmenter) {
				out.println(segmenter.deviceDescription());
				if (segmenter.isImported())
					out.println("model: " + segmenter.source());
				out.println(request.prediction().objectRule(null, Spelling.COMMAND_LINE));
			}

			@Override
			public void warning(String message) {
				out.println("warning: " + message);
			}
		});
		for (ImageMetrics m : o.images)
			out.printf(Locale.ROOT, "%-40s Dice %.4f  IoU %.4f  truth %d px  predicted %d px%n", m.name(), m.dice(), m.iou(), m.counts().truthPixels(),
				m.counts().predictedPixels());
		if (csv != null)
			out.println("metrics: " + csv);
		out.println(o.summary.summaryLine());
		if (o.uncertainty != null)
			out.println(o.uncertainty.summaryLine());
		if (o.classes != null)
			out.println(o.classes.summaryLine());
		return 0;
	}

	private int export(OptionValues v) {
		ExportRequest request = ExportRequest.of(v, Spelling.COMMAND_LINE);
		ExportJob.Outcome r = ExportJob.run(request);
		out.printf(Locale.ROOT, "ONNX check: max |onnxruntime - engine| = %.2g on the %dx%d test input (%d lesion pixels at threshold %s)%n", r.maxDifference,
			r.testWidth, r.testHeight, r.foregroundPixels, request.threshold());
		out.printf(Locale.ROOT, "input sizes: multiples of %d (bioimage.io min %d, step %d)%n", r.step, r.step, r.step);
		out.printf(Locale.ROOT, "bioimage.io package: %s (%.1f MB)%n", r.packageFile, r.bytes / 1e6);
		return 0;
	}

	private int info(Args a) {
		Path model = a.optionalPath("model");
		a.rejectUnknown();
		for (String line : InfoReport.lines(model, Spelling.COMMAND_LINE))
			out.println(line);
		return 0;
	}

	private int gpuSetup(OptionValues v) {
		GpuSetupRequest request = GpuSetupRequest.of(v, Spelling.COMMAND_LINE);
		long[] shown = { -1 };
		for (String line : GpuSetupJob.run(request, (what, done, total) -> {
			// a line per tenth of a known size, else per 100 MB
			long step = total > 0 ? done * 10 / total : done / 100_000_000;
			if (step != shown[0]) {
				shown[0] = step;
				out.println(what + ": " + (total > 0 ? String.format(Locale.ROOT, "%d%% of %.0f MB", 100 * done / total, total / 1e6)
					: String.format(Locale.ROOT, "%.0f MB", done / 1e6)));
			}
		}))
			out.println(line);
		return 0;
	}

	static final String USAGE = String.join("\n", "usage: unet <command> [options]   (unet <command> --help for its options)", "",
		"  demo      train on sample-data/, predict and evaluate the held-back slices, write demo-output/",
		"  train     train a U-Net on image and mask folders and write a model file",
		"  predict   segment an image or a folder with a model: probability maps, masks, ROI sets, objects.csv",
		"  merge     join the results of the shards of a sharded predict (--shard i/N) into one objects.csv",
		"  crossval  k-fold cross-validation grouped by patient: train the folds, summarise their test Dice",
		"  slurm     write (and with --submit, submit) a SLURM job array for predict or crossval",
		"  evaluate  compare a model's segmentation with known masks (Dice, IoU, accuracy, precision, recall)",
		"  export    write a model as a bioimage.io package (.zip with ONNX weights, rdf.yaml, test tensors) for deepImageJ and the model zoo",
		"  info      engine, devices and libtorch in use; with --model, what a model file holds",
		"  gpu-setup use a CUDA build of libtorch 2.7.1 (--folder DIR, --archive ZIP or --download) in every later session; --reset for the CPU",
		"  bench     speed and memory of training and inference side by side with the PyTorch reference; data path, tiling, memory");

	static final String TRAIN_USAGE = "usage: unet train --images DIR --masks DIR --model FILE.zip [options]";

	static final String PREDICT_USAGE = "usage: unet predict --model FILE.zip --input DIR|FILE --output DIR [options]";

	static final String EVALUATE_USAGE = "usage: unet evaluate --model FILE.zip --images DIR --masks DIR [--output FILE.csv] [options]";

	static final String GPU_SETUP_USAGE = "usage: unet gpu-setup [--folder DIR | --archive ZIP | --download | --reset]   (no option: show the current choice)";

	static final String CROSSVAL_USAGE = "usage: unet crossval --images DIR --masks DIR --output DIR --folds K [--fold I] [--group-by REGEX] [training options]";

	static final String MERGE_HELP = "usage: unet merge --output DIR\nJoins the per-image results of a sharded predict (--shard i/N) in DIR/parts into DIR/objects.csv,\n"
		+ "in input order: the same file as one run over all images. Says which shards still have images to do.";

	static final String EXPORT_USAGE = "usage: unet export --model FILE.zip --output PACKAGE.zip [options]";

	static final String INFO_HELP = "usage: unet info [--model FILE.zip]\nEngine, version, devices, libtorch location; with --model, the model's description and metrics.";

	static Path defaultPath(String p) {
		return Paths.get(p);
	}
}
