package org.lesionseg.unet.cli;

import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.lesionseg.unet.bench.BenchOptions;
import org.lesionseg.unet.bench.CpuMeter;
import org.lesionseg.unet.bench.DataPathBench;
import org.lesionseg.unet.bench.EndToEndBench;
import org.lesionseg.unet.bench.MemoryBench;
import org.lesionseg.unet.bench.ProcessMemory;
import org.lesionseg.unet.bench.ReferenceBench;
import org.lesionseg.unet.bench.ResultTable;
import org.lesionseg.unet.bench.SideResult;
import org.lesionseg.unet.bench.TilingBench;
import org.lesionseg.unet.bench.TrainingBench;
import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.engine.Devices;

import ai.djl.Device;
import ai.djl.engine.Engine;

/**
 * {@code unet bench}: speed and memory of the project's training step and inference side by side with the
 * PyTorch reference script run with the same arguments, then the data path, tiled prediction of large images
 * and memory over many epochs. Prints one comparison table with ratios that say which way they go.
 */
final class Bench {

	static final String HELP = String.join("\n",
		"usage: unet bench [--device cpu] [--batch 4] [--size 128] [--steps 10] [--warmup 3] [--base 64] [--channels 3] [--threads 2]",
		"                  [--reference auto|off|PATH] [--python python3] [--infer-steps N] [--data DIR] [--epochs 2]",
		"                  [--parts all|train,data,tiling,memory,runtime] [--tile-sides 1024,2048,4096] [--tile 256] [--tile-base 16]",
		"                  [--memory-epochs 60] [--seed 0]",
		"                  [--parts e2e] [--data DIR | --images DIR --masks DIR] [--epochs 30] [--e2e-base 16] [--e2e-batch 16] [--java-opts '-Xmx2g']", "",
		"train:  the project's training step (U-Net, BCE-with-logits, Adam lr 1e-4) on random data, median seconds per step split into",
		"        forward+loss / backward / optimizer, training and inference images/s, peak memory; the same figures from the PyTorch",
		"        reference (../shared/reference/torch_unet_bench.py, run with the same arguments) and their ratios.",
		"data:   loading and augmenting (sample data or --data DIR with images/ and masks/) against what training consumes;",
		"        --epochs real epochs of the trainer; which of the two is the bottleneck.",
		"tiling: tiled prediction of random square images (--tile-sides) with a base --tile-base model: time and memory per size.",
		"memory: resident memory after each of --memory-epochs short epochs on tiny synthetic data.",
		"runtime: inference of one model (--base, --channels) on the same random tiles (--batch x --size) by libtorch and by onnxruntime",
		"        (the model exported to ONNX in memory, as --runtime onnx does): images/s side by side and the outputs' difference.",
		"e2e:    (not in all: minutes) a whole training on real data (default sample-data/isles22-case0009; --data DIR with images/ and",
		"        masks/, or --images/--masks) by unet train in its own JVM and by ../shared/reference/torch_reference_train.py, with the",
		"        same settings (--size 128, --e2e-base 16, --e2e-batch 16, BCE+Dice, Adam 1e-3, flips, --epochs 30): wall time, seconds",
		"        per epoch split into training steps / waiting for data / validation / model files, loader CPU, peak RSS (Java heap and",
		"        native apart), ratios, and where the two differ. The Java process gets this JVM's heap options unless --java-opts.",
		"--threads sets libtorch's threads on both sides (0 = the engines' defaults). Run on an otherwise idle machine, and",
		"the tiling and memory parts alone (--parts tiling, --parts memory) for memory figures not inflated by earlier parts.");

	private final PrintStream out;

	Bench(PrintStream out) {
		this.out = out;
	}

	static BenchOptions options(Args a) {
		BenchOptions o = new BenchOptions();
		o.device = a.string("device", o.device);
		o.batch = a.integer("batch", o.batch);
		o.size = a.integer("size", o.size);
		o.steps = a.integer("steps", o.steps);
		o.warmup = a.integer("warmup", o.warmup);
		o.base = a.integer("base", o.base);
		o.channels = a.integer("channels", o.channels);
		o.threads = a.integer("threads", o.threads);
		o.inferSteps = a.integer("infer-steps", o.inferSteps);
		o.reference = a.string("reference", o.reference);
		o.python = a.string("python", null);
		o.data = a.optionalPath("data");
		o.epochs = a.integer("epochs", o.epochs);
		o.images = a.optionalPath("images");
		o.masks = a.optionalPath("masks");
		o.e2eBase = a.integer("e2e-base", o.e2eBase);
		o.e2eBatch = a.integer("e2e-batch", o.e2eBatch);
		o.javaOpts = a.string("java-opts", null);
		o.parts = BenchOptions.Part.parse(a.string("parts", "all"));
		o.tileSides = integers(a.string("tile-sides", "1024,2048,4096"), "tile-sides");
		o.tile = a.integer("tile", o.tile);
		o.tileBase = a.integer("tile-base", o.tileBase);
		o.memoryEpochs = a.integer("memory-epochs", o.memoryEpochs);
		o.seed = (long) a.number("seed", o.seed);
		return o;
	}

	private static int[] integers(String text, String option) {
		String[] parts = text.split(",");
		int[] values = new int[parts.length];
		for (int i = 0; i < parts.length; i++) {
			try {
				values[i] = Integer.parseInt(parts[i].trim());
			} catch (NumberFormatException e) {
				throw new UnetException("--" + option + " takes whole numbers separated by commas, e.g. 1024,2048; got '" + text + "'");
			}
		}
		return values;
	}

	/** {@code unet bench ARGS}: called by name from {@link UnetCli}, which does not depend on the benchmarks. */
	static int command(PrintStream out, List<String> args) {
		if (args.contains("--help") || args.contains("-h")) {
			out.println(HELP);
			return 0;
		}
		return new Bench(out).run(new Args("bench", args, new java.util.HashSet<>()));
	}

	int run(Args a) {
		BenchOptions o = options(a);
		a.rejectUnknown();
		o.validate();
		long start = System.nanoTime();
		String threads = configureThreads(o.threads);
		Device device = Devices.resolve(o.device)[0];
		Engine engine = Engine.getInstance();
		out.println("== UNet bench ==");
		out.printf(Locale.ROOT, "args: device=%s batch=%d size=%d steps=%d warmup=%d channels=%d base=%d threads=%s infer-steps=%d parts=%s%n", device, o.batch,
			o.size, o.steps, o.warmup, o.channels, o.base, o.threads > 0 ? String.valueOf(o.threads) : "default", o.inferSteps(),
			o.parts.toString().toLowerCase(Locale.ROOT));
		out.printf(Locale.ROOT, "machine: %d cores, load average %.2f at start; java %s, max heap %d MiB; engine DJL %s / %s %s; %s%n",
			Runtime.getRuntime().availableProcessors(), ProcessMemory.loadAverage(), System.getProperty("java.version"),
			Runtime.getRuntime().maxMemory() / (1 << 20), Engine.getDjlVersion(), engine.getEngineName(), engine.getVersion(), threads);

		if (o.parts.contains(BenchOptions.Part.TRAIN)) {
			out.println();
			out.println("== training step and inference: Java ==");
			SideResult java = TrainingBench.run(o, device, out);
			out.println();
			out.println("== training step and inference: PyTorch reference ==");
			ReferenceBench.Located where = ReferenceBench.locate(o, projectDirs());
			SideResult torch = null;
			if (where.skipReason != null)
				out.println("reference skipped: " + where.skipReason);
			else {
				CpuMeter cpu = CpuMeter.start();
				torch = ReferenceBench.run(where, o, out);
				if (torch != null) {
					torch.otherCores = cpu.otherCores();
					out.println(CpuMeter.note(torch.otherCores));
				}
			}
			out.println();
			out.printf(Locale.ROOT, "== results (batch %d, %dx%d, %d channel(s), base %d, %s, %s threads; load average now %.2f) ==%n", o.batch, o.size, o.size,
				o.channels, o.base, device, o.threads > 0 ? String.valueOf(o.threads) : "default", ProcessMemory.loadAverage());
			out.println("Java: " + java.engine + (torch != null ? "; PyTorch: " + torch.engine : ""));
			ResultTable table = ResultTable.of(java, torch);
			for (String line : table.lines())
				out.println(line);
			out.println("ratios: times and images/s as Java throughput / PyTorch throughput (above 1 = Java faster); memory as Java / PyTorch "
				+ "(above 1 = Java uses more). Step = forward+loss + backward + optimizer (median of per-step sums).");
			if (torch != null) {
				out.println(target("training images/s", table.row("train images/s").ratio(), 1.0));
				out.println(target("inference images/s", table.row("inference images/s").ratio(), 1.2));
			}
		}
		if (o.parts.contains(BenchOptions.Part.DATA)) {
			out.println();
			out.println("== data path ==");
			DataPathBench.run(o, device, dataDir(o), out);
		}
		boolean earlierParts = o.parts.contains(BenchOptions.Part.TRAIN) || o.parts.contains(BenchOptions.Part.DATA);
		if (o.parts.contains(BenchOptions.Part.TILING)) {
			out.println();
			out.println("== tiled prediction ==");
			if (earlierParts)
				out.println("note: earlier parts left memory with the allocators; run --parts tiling alone for clean memory figures");
			TilingBench.run(o, device, out);
		}
		if (o.parts.contains(BenchOptions.Part.MEMORY)) {
			out.println();
			out.println("== memory over epochs ==");
			if (earlierParts || o.parts.contains(BenchOptions.Part.TILING))
				out.println("note: earlier parts left memory with the allocators; run --parts memory alone for clean memory figures");
			MemoryBench.run(o, out);
		}
		if (o.parts.contains(BenchOptions.Part.E2E)) {
			out.println();
			out.println("== end to end: whole trainings on real data, Java and the PyTorch reference ==");
			EndToEndBench.run(o, projectDirs(), out);
		}
		if (o.parts.contains(BenchOptions.Part.RUNTIME)) {
			out.println();
			out.println("== inference runtimes: libtorch and onnxruntime ==");
			org.lesionseg.unet.bench.RuntimeBench.run(o, device, out);
		}
		out.println();
		out.printf(Locale.ROOT, "bench finished in %.1f min%n", (System.nanoTime() - start) / 60e9);
		return 0;
	}

	static String target(String what, double ratio, double goal) {
		return ResultTable.target(what, ratio, goal);
	}

	/**
	 * Asks libtorch for the given threads: through DJL's properties before the engine starts, and directly for the
	 * intra-op threads in case it had started already. Returns what was set, for the header.
	 */
	static String configureThreads(int threads) {
		if (threads > 0) {
			if (System.getProperty("ai.djl.pytorch.num_threads") == null)
				System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(threads));
			if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null)
				System.setProperty("ai.djl.pytorch.num_interop_threads", String.valueOf(threads));
		}
		Engine engine = Engine.getInstance();
		if (threads > 0 && "PyTorch".equals(engine.getEngineName()))
			ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
		return "libtorch threads: intra-op " + (threads > 0 ? threads : "default") + ", inter-op "
			+ System.getProperty("ai.djl.pytorch.num_interop_threads", "default");
	}

	/** The sample data of the project unless --data says otherwise. */
	private static Path dataDir(BenchOptions o) {
		if (o.data != null)
			return o.data;
		for (Path dir : projectDirs()) {
			Path candidate = dir.resolve("sample-data").resolve("ich-ct-bhsd");
			if (Files.isDirectory(candidate))
				return candidate;
		}
		throw new UnetException("no sample data (sample-data/ich-ct-bhsd) in the working folder or the project: give --data DIR with images/ and masks/");
	}

	/** Folders that may be the project: the working folder and the one holding target/ with this code. */
	static List<Path> projectDirs() {
		List<Path> dirs = new ArrayList<>();
		dirs.add(Paths.get("").toAbsolutePath());
		try {
			Path code = Paths.get(Bench.class.getProtectionDomain().getCodeSource().getLocation().toURI());
			// target/classes or target/unet-segmentation-*.jar -> the project folder
			Path target = code.getParent();
			if (target != null && target.getParent() != null)
				dirs.add(target.getParent());
		} catch (URISyntaxException | RuntimeException e) {
			// the working folder alone then
		}
		return dirs;
	}
}
