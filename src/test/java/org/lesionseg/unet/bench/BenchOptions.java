package org.lesionseg.unet.bench;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

import org.lesionseg.unet.core.UnetException;

/**
 * What {@code unet bench} measures and at which size. The training-step options mean the same as those of the
 * PyTorch reference script ({@code torch_unet_bench.py}), which gets the same values.
 */
public final class BenchOptions {

	/** The parts of a benchmark run. */
	public enum Part {
		/** Training step and inference, side by side with the PyTorch reference. */
		TRAIN,
		/** Loading and augmenting versus what training consumes; end-to-end epochs on real data. */
		DATA,
		/** Tiled prediction of large images: time and memory against image size. */
		TILING,
		/** Resident memory over many short epochs. */
		MEMORY,
		/** Inference of the same model on the same tiles by libtorch and by onnxruntime. */
		RUNTIME,
		/** Whole trainings on real data, side by side with the PyTorch reference training script (not in "all": minutes). */
		E2E;

		public static Set<Part> parse(String spec) {
			String s = spec.trim().toLowerCase(Locale.ROOT);
			if (s.equals("all"))
				return EnumSet.complementOf(EnumSet.of(E2E));
			Set<Part> parts = EnumSet.noneOf(Part.class);
			for (String name : s.split(",")) {
				String n = name.trim();
				if (n.isEmpty())
					continue;
				if (n.equals("step"))
					n = "train";
				Part found = null;
				for (Part p : values())
					if (p.name().equalsIgnoreCase(n))
						found = p;
				if (found == null)
					throw new UnetException("unknown bench part '" + name.trim() + "': use all or a list of train, data, tiling, memory, runtime, e2e");
				parts.add(found);
			}
			if (parts.isEmpty())
				throw new UnetException("--parts names no part: use all or a list of train, data, tiling, memory");
			return parts;
		}
	}

	/** cpu, gpu, auto (one device: a benchmark compares one device with one device). */
	public String device = "cpu";
	public int batch = 4;
	public int size = 128;
	public int steps = 10;
	public int warmup = 3;
	public int base = 64;
	public int channels = 3;
	/** Intra-op (and inter-op) threads of libtorch on both sides; 0 leaves the engines' defaults. */
	public int threads = 2;
	/** Timed inference batches; -1 means as many as {@link #steps}. */
	public int inferSteps = -1;
	/** auto (find the script, skip with a note if Python or torch is missing), off, or the script's path. */
	public String reference = "auto";
	/** The Python interpreter for the reference; null finds one with torch. */
	public String python;
	/** Image and mask folders (images/, masks/) for the data part; null means the sample data. */
	public Path data;
	/** Image and mask folders of the e2e part; null means {@link #data} or the sample data. */
	public Path images, masks;
	/** Epochs of the trainings in the data part (default 2) and the e2e part (default 30); -1 = those defaults. */
	public int epochs = -1;
	/** U-Net base features and batch size of the e2e part. */
	public int e2eBase = 16, e2eBatch = 16;
	/** JVM options of the e2e part's Java process; null = this JVM's heap options (the launcher's). */
	public String javaOpts;
	public Set<Part> parts = EnumSet.allOf(Part.class);
	/** Square image sides for the tiling part. */
	public int[] tileSides = { 1024, 2048, 4096 };
	public int tile = 256;
	public int tileBase = 16;
	/** Epochs of the memory part (each takes a fraction of a second). */
	public int memoryEpochs = 60;
	public long seed = 0;

	public int dataEpochs() {
		return epochs < 0 ? 2 : epochs;
	}

	public int e2eEpochs() {
		return epochs < 0 ? 30 : epochs;
	}

	public int inferSteps() {
		return inferSteps < 0 ? steps : inferSteps;
	}

	/** Checks the values, with a message that names the option. */
	public BenchOptions validate() {
		require(batch >= 1 && batch <= 4096, "--batch must be at least 1, got " + batch);
		require(size >= 16 && size <= 8192 && size % 16 == 0, "--size must be a multiple of 16 (a U-Net of depth 4 halves it four times), got " + size);
		require(steps >= 1, "--steps must be at least 1, got " + steps);
		require(warmup >= 0, "--warmup must not be negative, got " + warmup);
		require(base >= 1 && base <= 1024, "--base must be between 1 and 1024, got " + base);
		require(channels >= 1 && channels <= 16, "--channels must be between 1 and 16, got " + channels);
		require(threads >= 0 && threads <= 1024, "--threads must be 0 (engine default) or a positive count, got " + threads);
		require(inferSteps >= -1, "--infer-steps must not be negative, got " + inferSteps);
		require(epochs >= 1 || epochs == -1, "--epochs must be at least 1, got " + epochs);
		require(e2eBase >= 1 && e2eBase <= 1024, "--e2e-base must be between 1 and 1024, got " + e2eBase);
		require(e2eBatch >= 1 && e2eBatch <= 4096, "--e2e-batch must be at least 1, got " + e2eBatch);
		require(memoryEpochs >= 1, "--memory-epochs must be at least 1, got " + memoryEpochs);
		require(tile >= 16 && tile % 16 == 0, "--tile must be a multiple of 16, got " + tile);
		require(tileBase >= 1 && tileBase <= 1024, "--tile-base must be between 1 and 1024, got " + tileBase);
		for (int side : tileSides)
			require(side >= 16 && side <= 32768, "--tile-sides must be image sides between 16 and 32768, got " + side);
		String r = reference.trim().toLowerCase(Locale.ROOT);
		require(!r.isEmpty(), "--reference must be auto, off or the path of torch_unet_bench.py");
		return this;
	}

	private static void require(boolean ok, String message) {
		if (!ok)
			throw new UnetException(message);
	}
}
