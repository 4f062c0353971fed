package org.lesionseg.unet.cli;

import java.io.PrintStream;
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
import org.lesionseg.unet.core.data.MaskPolicy;
import org.lesionseg.unet.core.data.Normalization;
import org.lesionseg.unet.core.data.Pairing;
import org.lesionseg.unet.core.loss.Losses;
import org.lesionseg.unet.core.predict.Segmenter;
import org.lesionseg.unet.core.io.AtomicFiles;
import org.lesionseg.unet.core.train.TrainingSettings;
import org.lesionseg.unet.core.metrics.ImageMetrics;
import org.lesionseg.unet.workflow.EvaluateRequest;
import org.lesionseg.unet.workflow.Evaluation;
import org.lesionseg.unet.workflow.InfoReport;
import org.lesionseg.unet.workflow.LabelledImages;
import org.lesionseg.unet.workflow.SegmentRequest;
import org.lesionseg.unet.workflow.SegmentationJob;
import org.lesionseg.unet.workflow.Spelling;
import org.lesionseg.unet.workflow.sources.ImageSource;
import org.lesionseg.unet.workflow.TrainingJob;
import org.lesionseg.unet.workflow.options.CommonOptions;
import org.lesionseg.unet.workflow.options.EvaluateOptions;
import org.lesionseg.unet.workflow.options.OptionValues;
import org.lesionseg.unet.workflow.options.SegmentOptions;

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
					return help ? usage(TRAIN_HELP) : train(new Args(command, rest, flags("resume", "quiet", "no-augment")));
				case "predict":
					return help ? usage(SegmentOptions.FILES.help(PREDICT_USAGE)) : predict(Args.parse(command, rest, SegmentOptions.FILES));
				case "evaluate":
					return help ? usage(EvaluateOptions.SET.help(EVALUATE_USAGE)) : evaluate(Args.parse(command, rest, EvaluateOptions.SET));
				case "info":
					return help ? usage(INFO_HELP) : info(new Args(command, rest, flags()));
				case "demo":
					return help ? usage(Demo.HELP) : new Demo(out).run(new Args(command, rest, flags("quick")));
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

	/** Reads the training options shared by {@code train} and {@code demo}. */
	static TrainingSettings settings(Args a, TrainingSettings s) {
		s.epochs = a.integer("epochs", s.epochs);
		s.batchSize = a.integer("batch-size", s.batchSize);
		s.learningRate = (float) a.number("learning-rate", s.learningRate);
		s.loss = a.string("loss", s.loss);
		s.lossParams = lossParams(a.string("loss-params", ""));
		s.optimizer = a.string("optimizer", s.optimizer);
		s.momentum = (float) a.number("momentum", s.momentum);
		s.weightDecay = (float) a.number("weight-decay", s.weightDecay);
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
		Losses.create(s.loss, s.lossParams); // fail early on a bad loss
		s.validate();
		return s;
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
		TrainingSettings s = settings(a, new TrainingSettings());
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
			TrainingJob.Outcome o = TrainingJob.run(data, s, model, initial, resume, report, new ConsoleProgress(out, !quiet && System.console() != null), cancel);
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

	private int predict(OptionValues v) {
		Path output = v.get(SegmentOptions.OUTPUT_FOLDER);
		SegmentRequest request = SegmentRequest.builder(v.get(SegmentOptions.MODEL_FILE), ImageSource.files(v.get(SegmentOptions.INPUT_FOLDER)),
			Spelling.COMMAND_LINE).output(output)
			.postprocessing(v.get(CommonOptions.THRESHOLD), v.get(CommonOptions.MIN_SIZE), v.get(CommonOptions.FILL_HOLES))
			.tiling(v.get(CommonOptions.TILE), v.get(CommonOptions.OVERLAP), v.get(CommonOptions.TILE_BATCH))
			.files(!v.get(SegmentOptions.NO_PROBABILITY), !v.get(SegmentOptions.NO_MASK), !v.get(SegmentOptions.NO_ROIS)).device(v.get(CommonOptions.DEVICE))
			.build();
		for (String w : request.source().warnings())
			out.println("warning: " + w);
		int[] modelChannels = { 0 };
		SegmentationJob.Outcome outcome;
		try {
			outcome = SegmentationJob.run(request, new SegmentationJob.Listener() {
				@Override
				public void started(Segmenter segmenter) {
					out.println(segmenter.deviceDescription());
					out.println("model: " + segmenter.info().summary() + "; tiles of " + segmenter.tileSize() + " px");
					modelChannels[0] = segmenter.info().inputChannels;
				}

				@Override
				public void skipped(String reason) {
					out.println("warning: " + reason + " (skipped)");
				}

				@Override
				public void imageDone(int done, int total, SegmentationJob.ImageResult r) {
					if (r.channels != modelChannels[0])
						out.println("note: " + r.name + " has " + channelWord(r.channels) + " and the model takes " + channelWord(modelChannels[0]) + ": "
							+ (modelChannels[0] == 1 ? "its channels were averaged into grey" : "its grey values were repeated into every channel"));
					out.printf(Locale.ROOT, "[%d/%d] %s: %d object(s), %d lesion pixels%n", done, total, r.name, r.objects, r.foregroundPixels);
				}
			});
		} catch (SegmentationJob.Unreadable e) {
			out.println("segmented " + e.outcome.images.size() + " image(s), " + e.outcome.objectCount() + " object(s); results in " + output);
			throw e;
		}
		out.println("segmented " + outcome.images.size() + " image(s), " + outcome.objectCount() + " object(s); results in " + output);
		return 0;
	}

	private static String channelWord(int channels) {
		return channels == 1 ? "1 channel (grey)" : channels == 3 ? "3 channels (RGB)" : channels + " channels";
	}

	private int evaluate(OptionValues v) {
		Path images = v.get(EvaluateOptions.IMAGES_FOLDER), masks = v.get(EvaluateOptions.MASKS_FOLDER);
		if (images == null || masks == null)
			throw new UnetException("'evaluate' needs " + (images == null ? "--images" : "--masks") + "; see unet evaluate --help");
		Path csv = v.get(EvaluateOptions.METRICS_FILE);
		Path report = v.get(EvaluateOptions.REPORT_FOLDER);
		EvaluateRequest.Builder b = EvaluateRequest.builder(v.get(SegmentOptions.MODEL_FILE),
			EvaluateRequest.folders(images, masks, v.get(CommonOptions.PAIRING), v.get(CommonOptions.MASK_POLICY)), Spelling.COMMAND_LINE)
			.report(report).metricsCsv(csv).panels(report == null ? 0 : v.get(EvaluateOptions.PANEL_COUNT)) // panels only go to a report here
			.postprocessing(v.get(CommonOptions.THRESHOLD), v.get(CommonOptions.MIN_SIZE), v.get(CommonOptions.FILL_HOLES))
			.tiling(v.get(CommonOptions.TILE), v.get(CommonOptions.OVERLAP), v.get(CommonOptions.TILE_BATCH)).device(v.get(CommonOptions.DEVICE));
		Evaluation.Outcome o = Evaluation.run(b.build(), new Evaluation.Listener() {
			@Override
			public void started(Segmenter segmenter) {
				out.println(segmenter.deviceDescription());
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
		return 0;
	}

	private int info(Args a) {
		Path model = a.optionalPath("model");
		a.rejectUnknown();
		for (String line : InfoReport.lines(model, Spelling.COMMAND_LINE))
			out.println(line);
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
		"data:     --pairing by_name|sorted (by_name)  --mask-policy strict|threshold_half  --normalization scale_01|minmax|zscore|none",
		"          --val-fraction 0.2  --test-fraction 0.2  --group-by REGEX (first group = patient)  --seed 42",
		"network:  --depth 4  --base-features 64  --dropout 0  --init kaiming|pytorch  --initial-model FILE.zip (fine-tune)",
		"input:    --image-size 256  --input-mode resize|patch  --patch-foreground 0.5 (share of lesion-centred patches)",
		"          --augment default|none|flip,vflip,rot90,rotate=35,scale=0.1,elastic=30:5,",
		"          brightness=0.2,contrast=0.2,gamma=0.2,noise=0.02  --no-augment  --loader-threads 2",
		"training: --epochs 20  --batch-size 16  --learning-rate 1e-4  --loss " + String.join("|", Losses.names()) + " (bce_dice)",
		"          --loss-params alpha=0.3,beta=0.7  --optimizer sgd|momentum|nesterov|adagrad|rmsprop|adam|adamw|adadelta (adam)",
		"          --momentum 0.9  --weight-decay 0  --scheduler constant|step:size=10,gamma=0.1|exponential:gamma=0.95|",
		"          cosine:warmup=1,min=0|cyclic:base=1e-5,max=1e-3,half=2|plateau:factor=0.5,patience=3",
		"          --patience 0 (early stop)  --device auto|cpu|gpu|gpu:N  --resume  --report DIR  --quiet",
		"The best model (by pooled validation Dice) goes to --model; FILE.last.zip keeps the last epoch for --resume.");

	static final String PREDICT_USAGE = "usage: unet predict --model FILE.zip --input DIR|FILE --output DIR [options]";

	static final String EVALUATE_USAGE = "usage: unet evaluate --model FILE.zip --images DIR --masks DIR [--output FILE.csv] [options]";

	static final String INFO_HELP = "usage: unet info [--model FILE.zip]\nEngine, version, devices, libtorch location; with --model, the model's description and metrics.";

	static Path defaultPath(String p) {
		return Paths.get(p);
	}
}
