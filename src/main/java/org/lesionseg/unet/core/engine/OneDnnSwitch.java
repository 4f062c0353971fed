package org.lesionseg.unet.core.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Locale;

import ai.djl.engine.Engine;

/**
 * Keeps libtorch's oneDNN (MKL-DNN) CPU kernels exact on CPUs that hide their cache topology: it limits oneDNN to its
 * SSE4.1 kernels there, and switches it off (as {@code torch.backends.mkldnn.enabled = False} does in Python) where
 * even those disagree with libtorch's own kernels.
 * <p>
 * Why: some virtual machines (seen on an AMD EPYC Zen 5 Firecracker VM) answer the CPUID cache leaves
 * (0x8000001D, 4) with zeros. oneDNN's AVX-512, AVX2 and AVX kernels then go wrong: the multi-threaded 3×3
 * convolution backward returns NaN and run-to-run different input gradients (training goes NaN within the first
 * batches), and inference with some layer sizes is off by up to 0.3 in probability (InferenceKernelsTest, e.g. 2
 * input channels and 6 base features). Its SSE4.1 kernels ({@code ONEDNN_MAX_CPU_ISA=SSE41}) agree with libtorch's
 * reference kernels on every layer size tried, and trained about 2-3x faster end to end than libtorch without oneDNN
 * (docs/benchmarks.md). The same VMs have no {@code /sys/devices/system/cpu/cpu0/cache} (the kernel found no
 * cache leaves either), NNPACK refuses to start ("Unsupported hardware"), and OpenBLAS needs
 * OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE there. That sysfs folder is the test used here; NNPACK is switched off on them
 * so that each convolution does not retry it.
 * <p>
 * oneDNN reads {@code ONEDNN_MAX_CPU_ISA} from the process environment when it creates its first kernel, so the
 * variable is set through the C library (JNA) before the engine loads; a plugin cannot set it for the Fiji it runs
 * in otherwise. Whether it took is then checked, not assumed: a few small convolutions (forward and backward, where
 * the unlimited kernels fail) are compared with libtorch's own kernels, and oneDNN is switched off through the two
 * {@code at::Context} setters that Python uses when they disagree (the variable came too late, or the CPU is wrong
 * another way). Override with the system property or environment variable {@code unet.onednn} /
 * {@code UNET_ONEDNN}: {@code auto} (default), {@code on} (leave libtorch alone) or {@code off}; a
 * {@code ONEDNN_MAX_CPU_ISA} the user set is kept (and checked). CPU prediction and validation, 8-11x slower in libtorch
 * there than in onnxruntime, run in onnxruntime when the runtime is left at auto
 * ({@link #engineInferenceIsSlow}). Nothing here ever throws: on failure oneDNN stays as it was and
 * {@link #state()} says why.
 */
public final class OneDnnSwitch {

	private static String state;
	/** What the device line says of the CPU kernels where they are not libtorch's default; null otherwise. */
	private static String brief;
	/** Set where oneDNN goes off only around training steps (never now: kept for a CPU where only backward is wrong); null otherwise. */
	private static Switch duringTraining;
	/** True where auto limited oneDNN or switched it off because the CPU hides its cache sizes. */
	private static boolean slowKernelsByAuto;
	/** Training steps running now (several trainings may run in one JVM, e.g. in Fiji). */
	private static int trainingSteps;

	private OneDnnSwitch() {
	}

	/**
	 * Decides once per JVM (later calls return at once); call before the first convolution. {@code off}, and
	 * {@code auto} on an affected CPU, switch oneDNN off for good: there its backward pass gives NaN and its forward
	 * pass wrong values for some layer sizes.
	 */
	public static synchronized void apply() {
		NativeMemory.apply(); // the other once-per-JVM setting of the CPU engine, due before the first large tensors
		if (state != null)
			return;
		String choice = choice();
		boolean always = "off".equals(choice) || "false".equals(choice);
		boolean affected = !always && !("on".equals(choice) || "true".equals(choice)) && cacheTopologyHidden();
		if (!always && !affected) {
			state = "oneDNN on (libtorch default)";
			return;
		}
		String why = always ? "unet.onednn=" + choice : "the CPU hides its cache sizes (no /sys/devices/system/cpu/cpu0/cache)";
		// before the engine loads: oneDNN reads its ISA limit once, when it creates its first kernel
		String limit = affected ? limitInstructionSet() : null;
		try {
			if (!"PyTorch".equals(Engine.getInstance().getEngineName())) {
				state = "oneDNN left alone (engine " + Engine.getInstance().getEngineName() + ")";
				return;
			}
			Path library = loadedLibrary("libtorch_cpu.so");
			if (library == null) {
				state = "oneDNN on: could not find the loaded libtorch_cpu to switch it off (" + why + ")";
				return;
			}
			Switch mkldnn = new Switch(com.sun.jna.NativeLibrary.getInstance(library.toString()));
			mkldnn.nnpack(false); // NNPACK refuses these CPUs anyway and would be retried on every convolution
			String disagreement = null;
			if (limit != null) {
				disagreement = KernelCheck.disagreement(mkldnn);
				if (disagreement == null) {
					mkldnn.set(true);
					slowKernelsByAuto = true;
					brief = "oneDNN on, " + limit;
					state = brief + ": " + why + ", where its wider kernels give NaN and wrong values; checked against libtorch's own kernels";
					return;
				}
			}
			mkldnn.set(false);
			if (mkldnn.enabled()) {
				state = "oneDNN on: switching it off had no effect (" + why + ")";
				return;
			}
			slowKernelsByAuto = !always;
			brief = "oneDNN off";
			state = brief + ": " + why + (always ? "" : limit == null ? ", where its convolutions give NaN and wrong values"
				: "; its kernels, " + limit + ", still disagreed with libtorch's own (" + disagreement + ")");
		} catch (RuntimeException | LinkageError e) {
			state = "oneDNN on: could not switch it off (" + e + "; " + why + ")";
		}
	}

	/** The oneDNN ISA limit for an affected CPU: the user's, or SSE4.1 set now; null if it cannot be set. */
	private static String limitInstructionSet() {
		for (String name : new String[] { "ONEDNN_MAX_CPU_ISA", "DNNL_MAX_CPU_ISA" }) {
			String own = System.getenv(name);
			if (own != null && !own.trim().isEmpty())
				return "limited by " + name + "=" + own.trim();
		}
		try {
			int failed = com.sun.jna.NativeLibrary.getInstance("c").getFunction("setenv").invokeInt(new Object[] { "ONEDNN_MAX_CPU_ISA", "SSE41", 0 });
			return failed == 0 ? "limited to its SSE4.1 kernels" : null;
		} catch (RuntimeException | LinkageError e) {
			return null; // no C library reachable: oneDNN goes off instead
		}
	}

	/**
	 * Marks a training step (forward and backward): where {@link #apply} chose so, oneDNN is off until the last
	 * running step closes its scope. Use as {@code try (OneDnnSwitch.Scope s = OneDnnSwitch.trainingStep()) {...}}.
	 */
	public static Scope trainingStep() {
		apply();
		synchronized (OneDnnSwitch.class) {
			if (duringTraining == null)
				return NOTHING;
			if (trainingSteps++ == 0)
				duringTraining.set(false);
		}
		return () -> {
			synchronized (OneDnnSwitch.class) {
				if (--trainingSteps == 0)
					duringTraining.set(true);
			}
		};
	}

	/** The end of a training step; closing it throws nothing. */
	public interface Scope extends AutoCloseable {
		@Override
		void close();
	}

	private static final Scope NOTHING = () -> {
	};

	/**
	 * What the device line adds for a CPU whose kernels are not libtorch's default, e.g. "oneDNN on, limited to its
	 * SSE4.1 kernels" or "oneDNN off"; null where libtorch is left as it is (or before {@link #apply} ran).
	 */
	public static synchronized String brief() {
		return brief;
	}

	/** What {@link #apply} did, for reports and tests (null before it ran). */
	public static synchronized String state() {
		return state;
	}

	/**
	 * True where auto found a CPU whose wider oneDNN kernels are wrong and limited or switched them off: the engine's
	 * CPU inference is then exact but 8-11x slower than onnxruntime's (docs/benchmarks.md), so CPU prediction is better
	 * run in onnxruntime.
	 */
	public static synchronized boolean engineInferenceIsSlow() {
		apply();
		return slowKernelsByAuto;
	}

	/** True when inference on this device is better run in onnxruntime: a CPU where {@link #engineInferenceIsSlow}. */
	public static boolean prefersOnnxruntime(ai.djl.Device device) {
		return !device.isGpu() && engineInferenceIsSlow();
	}

	/** Whether training steps in this JVM run without oneDNN (always, or only during the steps). */
	public static synchronized boolean isOffForTraining() {
		return state != null && (state.startsWith("oneDNN off"));
	}

	/** libtorch's global switches, called through JNA as Python's torch.backends.mkldnn.enabled does. */
	private static final class Switch implements KernelCheck.Toggle {
		private final com.sun.jna.NativeLibrary torch;
		private final com.sun.jna.Pointer context;

		Switch(com.sun.jna.NativeLibrary torch) {
			this.torch = torch;
			this.context = torch.getFunction("_ZN2at13globalContextEv").invokePointer(new Object[0]);
		}

		@Override
		public void set(boolean enabled) {
			torch.getFunction("_ZN2at7Context20setUserEnabledMkldnnEb").invokeVoid(new Object[] { context, enabled });
		}

		void nnpack(boolean enabled) {
			torch.getFunction("_ZN2at7Context20setUserEnabledNNPACKEb").invokeVoid(new Object[] { context, enabled });
		}

		boolean enabled() {
			return torch.getFunction("_ZNK2at7Context17userEnabledMkldnnEv").invokeInt(new Object[] { context }) != 0;
		}
	}

	private static String choice() {
		String value = System.getProperty("unet.onednn");
		if (value == null || value.trim().isEmpty())
			value = System.getenv("UNET_ONEDNN");
		return value == null || value.trim().isEmpty() ? "auto" : value.trim().toLowerCase(Locale.ROOT);
	}

	/** Linux only: the kernel lists no CPU caches, i.e. CPUID reports none (other systems: assumed fine). */
	static boolean cacheTopologyHidden() {
		if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux"))
			return false;
		return Files.isDirectory(Paths.get("/sys/devices/system/cpu/cpu0")) && !Files.isDirectory(Paths.get("/sys/devices/system/cpu/cpu0/cache"));
	}

	/** The path of a shared library this process has loaded, from /proc/self/maps (Linux), or null. */
	private static Path loadedLibrary(String fileName) {
		try {
			List<String> maps = Files.readAllLines(Paths.get("/proc/self/maps"));
			for (String line : maps) {
				int slash = line.indexOf('/');
				if (slash >= 0 && line.endsWith("/" + fileName))
					return Paths.get(line.substring(slash));
			}
		} catch (IOException | RuntimeException e) {
			// not Linux, or no /proc
		}
		return null;
	}
}
