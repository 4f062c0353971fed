package org.lesionseg.unet.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.train.EpochTimes;

/**
 * End to end on real data: {@code unet train} (as {@link EndToEndTraining}, in a JVM of its own) and the PyTorch
 * reference {@code torch_reference_train.py} with the same settings on the same folders, one after the other, each
 * as a child process measured from outside the same way ({@link ChildProcess}). Prints wall time, seconds per
 * epoch split into training steps / waiting for data / validation / model files, the loader threads' CPU, peak
 * resident memory (and for Java the heap and native memory apart), with ratios, and where the two differ.
 */
public final class EndToEndBench {

	/** The reference script's file name (in ../shared/reference/ beside the project). */
	public static final String SCRIPT = "torch_reference_train.py";
	/** The default data: one real MRI case of the sample data. */
	static final String SAMPLE = "isles22-case0009";

	/** One side's figures; NaN where not measured. */
	public static final class Side {
		public String engine = "";
		public int trainImages = -1, valImages = -1;
		/** Images the training steps saw per epoch (a dropped partial batch is not seen). */
		public double imagesPerEpoch = Double.NaN;
		public final List<Double> epochSeconds = new ArrayList<>();
		/** Training steps and waiting for data together (the reference's "train" part). */
		public final List<Double> trainSeconds = new ArrayList<>();
		public final List<Double> stepSeconds = new ArrayList<>();
		public final List<Double> waitSeconds = new ArrayList<>();
		public final List<Double> validationSeconds = new ArrayList<>();
		public final List<Double> saveSeconds = new ArrayList<>();
		public final List<Double> loaderCpuSeconds = new ArrayList<>();
		public double trainingSeconds = Double.NaN;
		public double wallSeconds = Double.NaN;
		public double cpuSeconds = Double.NaN;
		public double peakRssMiB = Double.NaN;
		public double peakHeapCommittedMiB = Double.NaN;
		/** The Java heap's resident part at most (pages the JVM touched), and native memory (RSS minus that) at most. */
		public double peakHeapResidentMiB = Double.NaN;
		public double peakNativeMiB = Double.NaN;
		public double maxHeapMiB = Double.NaN;
		public double bestValidation = Double.NaN;
		public double otherCores = Double.NaN;
		public String failure;

		double median(List<Double> values) {
			return Stats.median(values);
		}
	}

	/** Both sides and the table. */
	public static final class Result {
		public Side java;
		/** Null when the reference was skipped or failed. */
		public Side torch;
		public ResultTable table;
		public double loadBefore, loadAfter;
	}

	private EndToEndBench() {
	}

	public static Result run(BenchOptions o, List<Path> projectDirs, PrintStream out) {
		Path[] folders = folders(o, projectDirs);
		int epochs = o.e2eEpochs();
		Result r = new Result();
		r.loadBefore = ProcessMemory.loadAverage();
		out.printf(Locale.ROOT, "data: images %s, masks %s; %dx%d, base %d, batch %d, BCE+Dice, Adam lr 1e-3, flips, %d epoch(s), seed %d, %s threads%n",
			folders[0], folders[1], o.size, o.size, o.e2eBase, o.e2eBatch, epochs, o.seed, o.threads > 0 ? String.valueOf(o.threads) : "default");
		Path work = null;
		try {
			work = Files.createTempDirectory("unet-bench-e2e-");
			out.println();
			out.println("-- Java: unet train (EndToEndTraining in its own JVM) --");
			CpuMeter cpu = CpuMeter.start();
			ChildProcess.Outcome java = ChildProcess.run(javaCommand(o, folders, work.resolve("model.zip")), "  java| ", out);
			r.java = parseJava(java.lines);
			fill(r.java, java, cpu.otherCores());
			out.println();
			out.println("-- PyTorch reference: " + SCRIPT + " --");
			ReferenceBench.Located where = ReferenceBench.locate(o, projectDirs, SCRIPT);
			if (where.skipReason != null) {
				out.println("reference skipped: " + where.skipReason);
			} else {
				Path pair = referenceFolder(folders, work);
				cpu = CpuMeter.start();
				ChildProcess.Outcome torch = ChildProcess.run(referenceCommand(where, o, pair), "  torch| ", out);
				r.torch = parseReference(torch.lines);
				fill(r.torch, torch, cpu.otherCores());
				if (r.torch.failure != null) {
					out.println("note: the reference " + r.torch.failure + "; its column stays empty");
					r.torch = null;
				}
			}
		} catch (IOException e) {
			throw new UnetException("cannot create a temporary folder for the end-to-end run: " + e.getMessage());
		} finally {
			DataPathBench.deleteTree(work);
		}
		r.loadAfter = ProcessMemory.loadAverage();
		if (r.java.failure != null)
			out.println("note: the Java side " + r.java.failure);
		r.table = table(r.java, r.torch);
		out.println();
		out.printf(Locale.ROOT, "== end-to-end results (%s; %dx%d, base %d, batch %d, %d epochs; load average %.2f before, %.2f after) ==%n", folders[0].getParent() != null
			? folders[0].getParent().getFileName() : folders[0], o.size, o.size, o.e2eBase, o.e2eBatch, epochs, r.loadBefore, r.loadAfter);
		out.println("Java: " + r.java.engine + (r.torch != null ? "; PyTorch: " + r.torch.engine : ""));
		for (String line : r.table.lines())
			out.println(line);
		out.println("ratios: times as PyTorch time / Java time (above 1 = Java faster); memory as Java / PyTorch (above 1 = Java uses more). "
			+ "Per-epoch figures are medians over the epochs; peak RSS is VmHWM read from /proc/PID/status every " + ChildProcess.POLL_MILLIS + " ms for both.");
		for (String line : DIFFERENCES)
			out.println(line);
		if (r.torch != null) {
			out.println(ResultTable.target("end-to-end training time", r.table.row("training (all epochs), s").ratio(), 1.0));
			ResultTable.Row rss = r.table.row("peak RSS (VmHWM), MiB");
			out.printf(Locale.ROOT, "target peak RSS <= 1.2x the reference: %s (%.2fx)%n", Double.isNaN(rss.ratio()) ? "unknown" : rss.ratio() <= 1.2 ? "met" : "NOT met",
				rss.ratio());
		}
		return r;
	}

	/** Where the two sides are not alike, printed under every table (docs/benchmarks.md says the same). */
	static final List<String> DIFFERENCES = Arrays.asList("where the two differ (compare like with like):",
		"- split: Java DataSplit (seeded shuffle, val 20%, test 0%); reference torch.randperm (val round(20%)): other validation slices, same counts",
		"- batches: Java drops a last partial batch (images/epoch row), the reference keeps it",
		"- resize: both bilinear for images and nearest for masks; Java scales to fit and mirror-pads a non-square image, the reference stretches it",
		"- augmentation: both a horizontal and a vertical flip with p=0.5 each; Java in loader threads, the reference in the main thread",
		"- validation: Java scores pooled Dice (threshold 0.5) and writes model.zip on improvement and model.last.zip (with Adam's moments) every "
			+ "epoch; the reference scores mean per-image Dice and keeps the best weights in memory (no file)",
		"- loss: both BCE + Dice loss with weights 1 and smoothing 1 (Java --loss-params bce_weight=1,dice_weight=1); Java's Dice is the mean over the "
			+ "images of a batch, the reference's is pooled over the batch",
		"- initialisation: both PyTorch's default (Java --init pytorch); the random numbers differ, so losses differ run to run");

	static Path[] folders(BenchOptions o, List<Path> projectDirs) {
		Path images = o.images, masks = o.masks;
		if ((images == null) != (masks == null))
			throw new UnetException("give --images and --masks together (or --data DIR holding images/ and masks/)");
		if (images == null) {
			Path dir = o.data;
			if (dir == null)
				for (Path p : projectDirs)
					if (Files.isDirectory(p.resolve("sample-data").resolve(SAMPLE))) {
						dir = p.resolve("sample-data").resolve(SAMPLE);
						break;
					}
			if (dir == null)
				throw new UnetException("no sample data (sample-data/" + SAMPLE + ") in the working folder or the project: give --data DIR or --images and --masks");
			images = dir.resolve("images");
			masks = dir.resolve("masks");
		}
		for (Path p : new Path[] { images, masks })
			if (!Files.isDirectory(p))
				throw new UnetException("the folder " + p + " does not exist");
		return new Path[] { images.toAbsolutePath().normalize(), masks.toAbsolutePath().normalize() };
	}

	/** A folder holding images/ and masks/ as the reference wants: the data's own, or links to the two folders. */
	static Path referenceFolder(Path[] folders, Path work) throws IOException {
		Path parent = folders[0].getParent();
		if (parent != null && folders[0].getFileName().toString().equals("images") && folders[1].equals(parent.resolve("masks")))
			return parent;
		Path pair = Files.createDirectories(work.resolve("pair"));
		Files.createSymbolicLink(pair.resolve("images"), folders[0]);
		Files.createSymbolicLink(pair.resolve("masks"), folders[1]);
		return pair;
	}

	/** The Java side: this JVM's heap options (from the launcher: -Xmx, -Xms, -XX) unless --java-opts says otherwise. */
	static List<String> javaCommand(BenchOptions o, Path[] folders, Path model) {
		List<String> c = new ArrayList<>();
		c.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
		if (o.javaOpts != null) {
			for (String opt : o.javaOpts.trim().split("\\s+"))
				if (!opt.isEmpty())
					c.add(opt);
		} else {
			for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments())
				if (arg.startsWith("-Xm") || arg.startsWith("-XX:") || arg.startsWith("-Xss"))
					c.add(arg);
		}
		c.addAll(Arrays.asList("-Djava.awt.headless=true", "-Dai.djl.offline=true", "-Dslf4j.internal.verbosity=ERROR"));
		if (o.threads > 0)
			c.addAll(Arrays.asList("-Dai.djl.pytorch.num_threads=" + o.threads, "-Dai.djl.pytorch.num_interop_threads=" + o.threads));
		c.addAll(Arrays.asList("-cp", System.getProperty("java.class.path"), EndToEndTraining.class.getName()));
		c.addAll(Arrays.asList("--images=" + folders[0], "--masks=" + folders[1], "--model=" + model, "--image-size=" + o.size, "--base-features=" + o.e2eBase,
			"--batch-size=" + o.e2eBatch, "--epochs=" + o.e2eEpochs(), "--learning-rate=0.001", "--loss=bce_dice", "--loss-params=bce_weight=1,dice_weight=1", "--optimizer=adam", "--augment=flip,vflip",
			"--val-fraction=0.2", "--test-fraction=0", "--normalization=scale01", "--init=pytorch", "--seed=" + o.seed, "--device=" + o.device));
		return c;
	}

	static List<String> referenceCommand(ReferenceBench.Located where, BenchOptions o, Path pair) {
		return new ArrayList<>(Arrays.asList(where.python, where.script.toString(), "--train", pair.toString(), "--test", pair.toString(), "--size",
			String.valueOf(o.size), "--base", String.valueOf(o.e2eBase), "--batch", String.valueOf(o.e2eBatch), "--epochs", String.valueOf(o.e2eEpochs()), "--lr",
			"1e-3", "--loss", "bce+dice", "--augment", "--val-fraction", "0.2", "--seed", String.valueOf(o.seed), "--threads",
			String.valueOf(o.threads > 0 ? o.threads : Runtime.getRuntime().availableProcessors())));
	}

	private static void fill(Side side, ChildProcess.Outcome run, double otherCores) {
		side.wallSeconds = run.wallSeconds;
		side.cpuSeconds = run.cpuSeconds;
		side.peakRssMiB = run.peakRssMiB;
		side.otherCores = otherCores;
		if (run.failure != null)
			side.failure = run.failure;
		else if (run.exitCode != 0)
			side.failure = "exited with code " + run.exitCode;
		else if (side.epochSeconds.isEmpty())
			side.failure = "printed no epoch";
	}

	private static final Pattern JAVA_DATA = Pattern.compile("data: (\\d+) training, (\\d+) validation");
	private static final Pattern JAVA_TRAINING = Pattern.compile("training: \\d+ epochs in ([0-9.]+) s; best val pooled Dice ([0-9.]+|NaN)");
	private static final Pattern JAVA_MEMORY = Pattern.compile(
		"memory: peak rss \\(VmHWM\\) ([0-9.]+|NaN) MiB; .*peak heap committed ([0-9.]+) MiB; .*peak heap resident ([0-9.]+|NaN) MiB; peak native \\(rss - heap resident\\) ([0-9.]+|NaN) MiB; max heap ([0-9.]+) MiB");
	private static final Pattern JAVA_ENGINE = Pattern.compile("^engine: (.*)");

	/** The Java side's figures from what {@link EndToEndTraining} printed. */
	public static Side parseJava(List<String> lines) {
		Side s = new Side();
		for (String line : lines) {
			Matcher m;
			EpochTimes t = EpochTimes.parse(line);
			if (t != null) {
				s.epochSeconds.add(t.totalSeconds);
				s.trainSeconds.add(t.stepSeconds + t.dataWaitSeconds);
				s.stepSeconds.add(t.stepSeconds);
				s.waitSeconds.add(t.dataWaitSeconds);
				s.validationSeconds.add(t.validationSeconds);
				s.saveSeconds.add(t.saveSeconds);
				s.loaderCpuSeconds.add(t.loaderCpuSeconds);
				s.imagesPerEpoch = t.images;
			} else if ((m = JAVA_DATA.matcher(line)).find()) {
				s.trainImages = Integer.parseInt(m.group(1));
				s.valImages = Integer.parseInt(m.group(2));
			} else if ((m = JAVA_TRAINING.matcher(line)).find()) {
				s.trainingSeconds = Double.parseDouble(m.group(1));
				s.bestValidation = Double.parseDouble(m.group(2));
			} else if ((m = JAVA_MEMORY.matcher(line)).find()) {
				s.peakHeapCommittedMiB = Double.parseDouble(m.group(2));
				s.peakHeapResidentMiB = Double.parseDouble(m.group(3));
				s.peakNativeMiB = Double.parseDouble(m.group(4));
				s.maxHeapMiB = Double.parseDouble(m.group(5));
			} else if ((m = JAVA_ENGINE.matcher(line)).find()) {
				s.engine = m.group(1);
			}
		}
		return s;
	}

	private static final Pattern REF_ENGINE = Pattern.compile("^engine: (.*)");
	private static final Pattern REF_DATA = Pattern.compile("data: train (\\d+) slices .*val (\\d+) ");
	private static final Pattern REF_EPOCH = Pattern.compile("^epoch\\s+\\d+/\\d+ .*sec=([0-9.]+) \\(train ([0-9.]+) \\+ val ([0-9.]+)\\)");
	private static final Pattern REF_TRAINING = Pattern.compile("training: \\d+ epochs in ([0-9.]+)s .*best val_mean_dice=([0-9.]+|nan)");

	/** The reference's figures from its output. It prints times to 0.1 s. */
	public static Side parseReference(List<String> lines) {
		Side s = new Side();
		for (String line : lines) {
			Matcher m;
			if ((m = REF_EPOCH.matcher(line)).find()) {
				s.epochSeconds.add(Double.parseDouble(m.group(1)));
				s.trainSeconds.add(Double.parseDouble(m.group(2)));
				s.validationSeconds.add(Double.parseDouble(m.group(3)));
			} else if ((m = REF_DATA.matcher(line)).find()) {
				s.trainImages = Integer.parseInt(m.group(1));
				s.valImages = Integer.parseInt(m.group(2));
				s.imagesPerEpoch = s.trainImages;
			} else if ((m = REF_TRAINING.matcher(line)).find()) {
				s.trainingSeconds = Double.parseDouble(m.group(1));
				s.bestValidation = m.group(2).equals("nan") ? Double.NaN : Double.parseDouble(m.group(2));
			} else if ((m = REF_ENGINE.matcher(line)).find()) {
				s.engine = m.group(1);
			}
		}
		return s;
	}

	/** The comparison: Java against the reference (null: its column says n/a). */
	public static ResultTable table(Side java, Side torch) {
		Side t = torch == null ? new Side() : torch;
		ResultTable table = new ResultTable();
		table.add("training images", java.trainImages, t.trainImages, ResultTable.Kind.COUNT);
		table.add("validation images", java.valImages, t.valImages, ResultTable.Kind.COUNT);
		table.add("images trained on per epoch", java.imagesPerEpoch, t.imagesPerEpoch, ResultTable.Kind.INFO);
		table.add("process wall time (start, load, train, finish), s", java.wallSeconds, t.wallSeconds, ResultTable.Kind.TIME);
		table.add("training (all epochs), s", java.trainingSeconds, t.trainingSeconds, ResultTable.Kind.TIME);
		table.add("epoch, s (median)", Stats.median(java.epochSeconds), Stats.median(t.epochSeconds), ResultTable.Kind.TIME);
		table.add("  training steps + waiting for data, s/epoch", Stats.median(java.trainSeconds), Stats.median(t.trainSeconds), ResultTable.Kind.TIME);
		table.add("  training images/s", perSecond(java.imagesPerEpoch, java.trainSeconds), perSecond(t.imagesPerEpoch, t.trainSeconds),
			ResultTable.Kind.THROUGHPUT);
		table.add("    of which training steps, s/epoch", Stats.median(java.stepSeconds), Double.NaN, ResultTable.Kind.INFO);
		table.add("    of which waiting for data, s/epoch", Stats.median(java.waitSeconds), Double.NaN, ResultTable.Kind.INFO);
		table.add("  validation, s/epoch", Stats.median(java.validationSeconds), Stats.median(t.validationSeconds), ResultTable.Kind.TIME);
		table.add("  writing model files, s/epoch", Stats.median(java.saveSeconds), Double.NaN, ResultTable.Kind.INFO);
		table.add("loader threads' CPU, s/epoch", Stats.median(java.loaderCpuSeconds), Double.NaN, ResultTable.Kind.INFO);
		table.add("CPU time of the process, s", java.cpuSeconds, t.cpuSeconds, ResultTable.Kind.TIME);
		table.add("peak RSS (VmHWM), MiB", java.peakRssMiB, t.peakRssMiB, ResultTable.Kind.MEMORY);
		table.add("  Java heap committed at most, MiB", java.peakHeapCommittedMiB, Double.NaN, ResultTable.Kind.INFO);
		table.add("  Java heap resident at most, MiB", java.peakHeapResidentMiB, Double.NaN, ResultTable.Kind.INFO);
		table.add("  native (RSS - heap resident) at most, MiB", java.peakNativeMiB, Double.NaN, ResultTable.Kind.INFO);
		table.add("  Java max heap (-Xmx), MiB", java.maxHeapMiB, Double.NaN, ResultTable.Kind.INFO);
		table.add("best validation score (Java pooled Dice, PyTorch mean Dice)", java.bestValidation, t.bestValidation, ResultTable.Kind.INFO);
		table.add("CPU used by other processes meanwhile, cores", java.otherCores, t.otherCores, ResultTable.Kind.INFO);
		return table;
	}

	/** Images per second of the training phase: images per epoch over the median seconds of that phase. */
	static double perSecond(double imagesPerEpoch, List<Double> seconds) {
		double median = Stats.median(seconds);
		return median > 0 ? imagesPerEpoch / median : Double.NaN;
	}
}
