package org.lesionseg.unet.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.data.DatasetFolders;
import org.lesionseg.unet.core.data.Listing;
import org.lesionseg.unet.core.data.MaskPolicy;
import org.lesionseg.unet.core.data.Normalization;
import org.lesionseg.unet.core.data.Pairing;
import org.lesionseg.unet.core.modelfile.ModelFile;
import org.lesionseg.unet.core.modelfile.ModelInfo;
import org.lesionseg.unet.core.predict.MaskPostprocessing;
import org.lesionseg.unet.core.predict.Segmenter;
import org.lesionseg.unet.core.predict.TiledPredictor;
import org.lesionseg.unet.core.io.AtomicFiles;
import org.lesionseg.unet.core.engine.Devices;
import org.lesionseg.unet.core.engine.Version;
import org.lesionseg.unet.core.train.TrainingConfig;
import org.lesionseg.unet.workflow.Evaluation;
import org.lesionseg.unet.workflow.LabelledImages;
import org.lesionseg.unet.workflow.SegmentationJob;
import org.lesionseg.unet.workflow.TrainRequest;
import org.lesionseg.unet.workflow.TrainingJob;
import org.lesionseg.unet.workflow.options.DemoOptions;
import org.lesionseg.unet.workflow.options.OptionValues;
import org.lesionseg.unet.workflow.options.TrainOptions;

import ai.djl.ndarray.NDManager;

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
					return help ? usage(PREDICT_HELP) : predict(new Args(command, rest, flags("fill-holes", "no-probability", "no-mask", "no-rois")));
				case "evaluate":
					return help ? usage(EVALUATE_HELP) : evaluate(new Args(command, rest, flags()));
				case "info":
					return help ? usage(INFO_HELP) : info(new Args(command, rest, flags()));
				case "demo":
					return help ? usage(DemoOptions.SET.help(Demo.USAGE)) : new Demo(out).run(Args.parse(command, rest, DemoOptions.SET));
				case "bench":
					return bench(rest);
				default:
					err.println("error: unknown command '" + command + "'; use train, predict, evaluate, info, demo or bench (unet --help)");
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
		AtomicBoolean cancel = new AtomicBoolean();
		CountDownLatch finished = new CountDownLatch(1);
		Thread hook = cancelOnShutdown(cancel, finished);
		try {
			printOutcome(TrainingJob.run(request, new ConsoleProgress(out, !quiet && System.console() != null), cancel));
		} finally {
			finished.countDown();
			try {
				Runtime.getRuntime().removeShutdownHook(hook);
			} catch (IllegalStateException shuttingDown) {
				// the hook is running: it returns now that the training has finished
			}
		}
		return 0;
	}

	void printOutcome(TrainingJob.Outcome o) {
		out.printf(Locale.ROOT, "best model: epoch %d, val Dice %.4f -> %s%n", o.training.bestEpoch, o.training.bestValDice, o.training.modelFile);
		out.println("checkpoint for --resume: " + o.training.checkpoint);
		if (o.training.cancelled)
			out.println("training was cancelled; the best model so far is kept");
		if (o.test != null)
			out.println("test " + o.test.summary.summaryLine());
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

	private int predict(Args a) {
		Path model = a.path("model");
		Path input = a.path("input");
		Path output = a.path("output");
		TiledPredictor.Options tiling = tiling(a);
		MaskPostprocessing.Options options = postprocessing(a);
		SegmentationJob.Outputs outputs = new SegmentationJob.Outputs();
		outputs.probability = !a.flag("no-probability");
		outputs.mask = !a.flag("no-mask");
		outputs.rois = !a.flag("no-rois");
		String device = a.string("device", "auto");
		a.rejectUnknown();
		Listing<Path> files = DatasetFolders.listImages(input);
		AtomicFiles.prepareFolder(output, "output");
		for (String w : files.warnings())
			out.println("warning: " + w);
		try (Segmenter segmenter = new Segmenter(model, device, tiling)) {
			out.println(segmenter.deviceDescription());
			out.println("model: " + segmenter.info().summary() + "; tiles of " + segmenter.tileSize() + " px");
			int modelChannels = segmenter.info().inputChannels;
			List<String> unreadable = new ArrayList<>();
			List<SegmentationJob.ImageResult> results = SegmentationJob.run(segmenter, files, output, options, outputs, (done, total, r) -> {
				if (r.channels != modelChannels)
					out.println("note: " + r.name + " has " + channelWord(r.channels) + " and the model takes " + channelWord(modelChannels) + ": "
						+ (modelChannels == 1 ? "its channels were averaged into grey" : "its grey values were repeated into every channel"));
				out.printf(Locale.ROOT, "[%d/%d] %s: %d object(s), %d lesion pixels%n", done, total, r.name, r.objects, r.foregroundPixels);
			}, unreadable);
			for (String u : unreadable)
				out.println("warning: " + u + " (skipped)");
			int objects = 0;
			for (SegmentationJob.ImageResult r : results)
				objects += r.objects;
			out.println("segmented " + results.size() + " image(s), " + objects + " object(s); results in " + output);
			if (!unreadable.isEmpty())
				throw new UnetException(unreadable.size() + " of " + files.size() + " images could not be segmented: " + unreadable.get(0)
					+ (unreadable.size() > 1 ? " (and " + (unreadable.size() - 1) + " more, listed above)" : "") + "; the results of the others are in " + output);
		}
		return 0;
	}

	private static String channelWord(int channels) {
		return channels == 1 ? "1 channel (grey)" : channels == 3 ? "3 channels (RGB)" : channels + " channels";
	}

	static TiledPredictor.Options tiling(Args a) {
		TiledPredictor.Options t = new TiledPredictor.Options();
		t.tile = a.integer("tile", 0);
		t.overlap = a.integer("overlap", -1);
		t.tileBatch = a.integer("tile-batch", 4);
		if (t.tile < 0 || t.tileBatch < 1)
			throw new UnetException("--tile must be positive (0 = the training size) and --tile-batch at least 1");
		return t;
	}

	static MaskPostprocessing.Options postprocessing(Args a) {
		double threshold = a.number("threshold", 0.5);
		if (!(threshold > 0 && threshold < 1))
			throw new UnetException("--threshold must be between 0 and 1 (exclusive), got " + threshold);
		int minSize = a.integer("min-size", 0);
		if (minSize < 0)
			throw new UnetException("--min-size must not be negative, got " + minSize);
		return new MaskPostprocessing.Options().threshold((float) threshold).minSize(minSize).fillHoles(a.flag("fill-holes"));
	}

	private int evaluate(Args a) {
		Path model = a.path("model");
		Path images = a.path("images");
		Path masks = a.path("masks");
		Path csv = a.optionalPath("output");
		Path report = a.optionalPath("report");
		int panels = a.integer("panels", report == null ? 0 : 6);
		Pairing pairing = Pairing.fromName(a.string("pairing", "by_name"));
		MaskPolicy policy = MaskPolicy.fromName(a.string("mask-policy", "strict"));
		TiledPredictor.Options tiling = tiling(a);
		MaskPostprocessing.Options options = postprocessing(a);
		String device = a.string("device", "auto");
		a.rejectUnknown();
		if (report != null)
			AtomicFiles.prepareFolder(report, "report");
		try (Segmenter segmenter = new Segmenter(model, device, tiling)) {
			out.println(segmenter.deviceDescription());
			LabelledImages data = LabelledImages.fromFolders(images, masks, pairing, policy, Normalization.fromName(segmenter.info().normalization));
			for (String w : data.warnings)
				out.println("warning: " + w);
			Evaluation.Outcome o = Evaluation.run(segmenter, data.samples, options, report, panels, null);
			for (org.lesionseg.unet.core.metrics.ImageMetrics m : o.images)
				out.printf(Locale.ROOT, "%-40s Dice %.4f  IoU %.4f  truth %d px  predicted %d px%n", m.name(), m.dice(), m.iou(), m.counts().truthPixels(),
					m.counts().predictedPixels());
			if (csv != null) {
				org.lesionseg.unet.core.metrics.MetricsCsv.write(csv, o.images);
				out.println("metrics: " + csv);
			}
			out.println(o.summary.summaryLine());
		}
		return 0;
	}

	private int info(Args a) {
		Path model = a.optionalPath("model");
		a.rejectUnknown();
		out.println("UNet Segmentation " + Version.get());
		out.println("engine: " + Devices.engineDescription());
		out.println(Devices.describe(Devices.resolve("auto")));
		out.println("libtorch: " + EngineInfo.libtorchLocation());
		out.println("java: " + System.getProperty("java.version") + ", max heap " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB, "
			+ Runtime.getRuntime().availableProcessors() + " cores");
		if (Devices.gpuCount() == 0)
			out.println("no GPU: to train on an NVIDIA GPU, see docs/gpu.md (CUDA build of libtorch via PYTORCH_FLAVOR or PYTORCH_LIBRARY_PATH)");
		if (model != null) {
			ModelInfo info = ModelFile.readInfo(model);
			long parameters;
			// the whole file is checked (checksums, weights that fit the description), not only its description
			try (NDManager manager = NDManager.newBaseManager(ai.djl.Device.cpu())) {
				parameters = ModelFile.load(model, manager).block.trainableParameterCount();
			}
			out.println("model: " + model);
			out.println("  " + info.summary());
			out.printf(Locale.ROOT, "  weights: %,d trainable parameters, checksums and layout verified%n", parameters);
			out.println("  trained on: " + info.device);
			out.println("  images: " + info.trainImages.size() + " train, " + info.valImages.size() + " val, " + info.testImages.size() + " test (seed "
				+ info.splitSeed + ")");
			for (Map.Entry<String, Double> m : info.metrics.entrySet())
				out.printf(Locale.ROOT, "  %s = %.4f%n", m.getKey(), m.getValue());
			if (info.settings != null)
				out.println("  settings: loss " + info.settings.loss + ", optimizer " + info.settings.optimizer + ", lr " + info.settings.learningRate
					+ ", batch " + info.settings.batchSize + ", epochs " + info.settings.epochs + ", schedule " + info.settings.scheduler);
		}
		return 0;
	}

	static final String USAGE = String.join("\n", "usage: unet <command> [options]   (unet <command> --help for its options)", "",
		"  demo      train on sample-data/, predict and evaluate the held-back slices, write demo-output/",
		"  train     train a U-Net on image and mask folders and write a model file",
		"  predict   segment an image or a folder with a model: probability maps, masks, ROI sets, objects.csv",
		"  evaluate  compare a model's segmentation with known masks (Dice, IoU, accuracy, precision, recall)",
		"  info      engine, devices and libtorch in use; with --model, what a model file holds",
		"  bench     speed and memory of training and inference side by side with the PyTorch reference; data path, tiling, memory");

	static final String TRAIN_USAGE = "usage: unet train --images DIR --masks DIR --model FILE.zip [options]";

	static final String PREDICT_HELP = String.join("\n", "usage: unet predict --model FILE.zip --input DIR|FILE --output DIR [options]", "",
		"  --threshold 0.5  --min-size 0 (pixels)  --fill-holes  --tile 0 (0 = training size)  --overlap (tile/4)  --tile-batch 4",
		"  --device auto|cpu|gpu  --no-probability  --no-mask  --no-rois",
		"Writes NAME_prob.tif (32-bit), NAME_mask.png (0/255), NAME_rois.zip (ImageJ ROI set) and objects.csv.");

	static final String EVALUATE_HELP = String.join("\n", "usage: unet evaluate --model FILE.zip --images DIR --masks DIR [--output FILE.csv] [options]", "",
		"  --report DIR (panels and metrics.csv)  --panels 6  --threshold 0.5  --min-size 0  --fill-holes  --tile  --overlap  --device",
		"Prints per-image Dice and IoU and a last line:",
		"summary: images=N mean_dice=... mean_dice_nonempty=... pooled_dice=... mean_iou=... accuracy=...");

	static final String INFO_HELP = "usage: unet info [--model FILE.zip]\nEngine, version, devices, libtorch location; with --model, the model's description and metrics.";

	static Path defaultPath(String p) {
		return Paths.get(p);
	}
}
