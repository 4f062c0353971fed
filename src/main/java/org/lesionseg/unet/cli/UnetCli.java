package org.lesionseg.unet.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
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
import org.lesionseg.unet.core.loss.Losses;
import org.lesionseg.unet.core.modelfile.ModelFile;
import org.lesionseg.unet.core.modelfile.ModelInfo;
import org.lesionseg.unet.core.predict.MaskPostprocessing;
import org.lesionseg.unet.core.predict.Segmenter;
import org.lesionseg.unet.core.predict.TiledPredictor;
import org.lesionseg.unet.core.io.AtomicFiles;
import org.lesionseg.unet.core.engine.Devices;
import org.lesionseg.unet.core.modelfile.TrainingSettings;
import org.lesionseg.unet.core.engine.Version;
import org.lesionseg.unet.core.train.TrainingConfig;
import org.lesionseg.unet.workflow.Evaluation;
import org.lesionseg.unet.workflow.LabelledImages;
import org.lesionseg.unet.workflow.SegmentationJob;
import org.lesionseg.unet.workflow.TrainingJob;

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
					return help ? usage(TRAIN_HELP) : train(new Args(command, rest, flags("resume", "quiet", "no-augment", "centered")));
				case "predict":
					return help ? usage(PREDICT_HELP) : predict(new Args(command, rest, flags("fill-holes", "no-probability", "no-mask", "no-rois")));
				case "evaluate":
					return help ? usage(EVALUATE_HELP) : evaluate(new Args(command, rest, flags()));
				case "info":
					return help ? usage(INFO_HELP) : info(new Args(command, rest, flags()));
				case "demo":
					return help ? usage(Demo.HELP) : new Demo(out).run(new Args(command, rest, flags("quick", "centered")));
				case "bench":
					return help ? usage(Bench.HELP) : new Bench(out).run(new Args(command, rest, flags()));
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

	private int usage(String text) {
		out.println(text);
		return 0;
	}

	private static Set<String> flags(String... names) {
		return new HashSet<>(Arrays.asList(names));
	}

	/** Reads the training options shared by {@code train} and {@code demo}, checked once. */
	static TrainingConfig settings(Args a, TrainingSettings s) {
		s.epochs = a.integer("epochs", s.epochs);
		s.batchSize = a.integer("batch-size", s.batchSize);
		s.learningRate = (float) a.number("learning-rate", s.learningRate);
		s.loss = a.string("loss", s.loss);
		s.lossParams = lossParams(a.string("loss-params", ""));
		s.optimizer = a.string("optimizer", s.optimizer);
		if (a.has("momentum")) // otherwise the optimizer's own default
			s.momentum = (float) a.number("momentum", 0);
		if (a.has("weight-decay"))
			s.weightDecay = (float) a.number("weight-decay", 0);
		s.centered = a.flag("centered");
		s.scheduler = a.string("scheduler", s.scheduler);
		s.imageSize = a.integer("image-size", s.imageSize);
		s.inputMode = a.string("input-mode", s.inputMode);
		s.patchForeground = a.number("patch-foreground", s.patchForeground);
		s.baseFeatures = a.integer("base-features", s.baseFeatures);
		s.depth = a.integer("depth", s.depth);
		s.dropout = (float) a.number("dropout", s.dropout);
		s.init = a.string("init", s.init);
		s.normalization = Normalization.fromName(a.string("normalization", s.normalization)).key();
		s.valFraction = a.number("val-fraction", s.valFraction);
		s.testFraction = a.number("test-fraction", s.testFraction);
		s.groupBy = a.string("group-by", s.groupBy);
		s.seed = (long) a.number("seed", s.seed);
		s.device = a.string("device", s.device);
		s.augment = a.flag("no-augment") ? "none" : a.string("augment", s.augment);
		s.patience = a.integer("patience", s.patience);
		s.loaderThreads = a.integer("loader-threads", s.loaderThreads);
		return TrainingConfig.of(s);
	}

	private static Map<String, Double> lossParams(String text) {
		Map<String, Double> params = new LinkedHashMap<>();
		if (text.trim().isEmpty())
			return params;
		for (String part : text.split(",")) {
			String[] kv = part.split("=", 2);
			if (kv.length != 2)
				throw new UnetException("--loss-params takes key=value pairs such as alpha=0.3,beta=0.7; got '" + part + "'");
			try {
				params.put(kv[0].trim(), Double.parseDouble(kv[1].trim()));
			} catch (NumberFormatException e) {
				throw new UnetException("loss parameter " + kv[0].trim() + " needs a number, got '" + kv[1].trim() + "'");
			}
		}
		return params;
	}

	private int train(Args a) {
		Path images = a.path("images");
		Path masks = a.path("masks");
		Path model = a.path("model");
		Path initial = a.optionalPath("initial-model");
		Path report = a.optionalPath("report");
		boolean resume = a.flag("resume");
		boolean quiet = a.flag("quiet");
		Pairing pairing = Pairing.fromName(a.string("pairing", "by_name"));
		MaskPolicy policy = MaskPolicy.fromName(a.string("mask-policy", "strict"));
		TrainingConfig config = settings(a, new TrainingSettings());
		TrainingSettings s = config.settings();
		a.rejectUnknown();
		if (initial == null && !resume) // a new network: its depth is known before the images are read
			new org.lesionseg.unet.core.model.UNetConfig().depth(s.depth).checkTrainingSize(s.imageSize);
		// where the results go must be writable before hours of training, not after
		AtomicFiles.prepareFolder(model.toAbsolutePath().getParent(), "model file");
		if (report != null)
			AtomicFiles.prepareFolder(report, "report");
		LabelledImages data = LabelledImages.fromFolders(images, masks, pairing, policy, Normalization.fromName(s.normalization));
		for (String w : data.warnings)
			out.println("warning: " + w);
		out.println("read " + data.samples.size() + " labelled images from " + images);
		AtomicBoolean cancel = new AtomicBoolean();
		CountDownLatch finished = new CountDownLatch(1);
		Thread hook = cancelOnShutdown(cancel, finished);
		try {
			TrainingJob.Outcome o = TrainingJob.run(data, config, model, initial, resume, report, new ConsoleProgress(out, !quiet && System.console() != null), cancel);
			printOutcome(o);
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

	static final String TRAIN_HELP = String.join("\n", "usage: unet train --images DIR --masks DIR --model FILE.zip [options]", "",
		"data:     --pairing by_name|sorted (by_name)  --mask-policy strict|threshold_half  --normalization scale01|minmax|zscore|none",
		"          --val-fraction 0.2  --test-fraction 0.2  --group-by REGEX (first group = patient)  --seed 42",
		"network:  --depth 4  --base-features 64  --dropout 0  --init kaiming|pytorch  --initial-model FILE.zip (fine-tune)",
		"input:    --image-size 256  --input-mode resize|patch  --patch-foreground 0.5 (share of lesion-centred patches)",
		"          --augment default|none|flip,vflip,rot90,rotate=35,scale=0.1,elastic=30:5,",
		"          brightness=0.2,contrast=0.2,gamma=0.2,noise=0.02  --no-augment  --loader-threads 2",
		"training: --epochs 20  --batch-size 16  --learning-rate 1e-4  --loss " + String.join("|", Losses.names()) + " (bce_dice)",
		"          --loss-params alpha=0.3,beta=0.7  --optimizer sgd|momentum|nesterov|adagrad|rmsprop|adam|adamw|adadelta (adam)",
		"          --momentum M  --weight-decay D (the optimizer's defaults)  --centered (rmsprop)  --scheduler constant|step:size=10,gamma=0.1|exponential:gamma=0.95|",
		"          cosine:warmup=1,min=0|cyclic:base=1e-5,max=1e-3,half=2|plateau:factor=0.5,patience=3",
		"          --patience 0 (early stop)  --device auto|cpu|gpu|gpu:N  --resume  --report DIR  --quiet",
		"The best model (by pooled validation Dice) goes to --model; FILE.last.zip keeps the last epoch for --resume.");

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
