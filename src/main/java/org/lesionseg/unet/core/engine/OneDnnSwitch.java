package org.lesionseg.unet.core.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Locale;

import ai.djl.engine.Engine;

/**
 * Switches libtorch's oneDNN (MKL-DNN) CPU kernels off on CPUs that hide their cache topology, as
 * {@code torch.backends.mkldnn.enabled = False} does in Python.
 * <p>
 * Why: some virtual machines (seen on an AMD EPYC Zen 5 Firecracker VM) answer the CPUID cache leaves
 * (0x8000001D, 4) with zeros. oneDNN then sizes its blocking for 1-byte caches, and its multi-threaded 3×3
 * convolution backward (jit:avx512_core backward_data, rarely also with ONEDNN_MAX_CPU_ISA=AVX2) returns NaN and
 * run-to-run different input gradients: training goes NaN within the first batches. With one thread, or with
 * oneDNN off, the same convolutions are exact and repeatable. The same VMs have no
 * {@code /sys/devices/system/cpu/cpu0/cache} (the kernel found no cache leaves either), NNPACK refuses to start
 * ("Unsupported hardware"), and OpenBLAS needs OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE there. That sysfs folder is
 * the test used here; NNPACK is switched off with oneDNN so that each convolution does not retry it.
 * <p>
 * libtorch has no environment variable for this and DJL no API, so the two {@code at::Context} setters that
 * Python uses are called through JNA. Override with the system property or environment variable
 * {@code unet.onednn} / {@code UNET_ONEDNN}: {@code auto} (default), {@code on} (leave libtorch alone) or
 * {@code off}. With {@code auto} on such a CPU oneDNN is switched off for good: its forward kernels are wrong there
 * too (up to 0.1 in probability for some channel counts, e.g. 2 input channels and 6 base features; see
 * InferenceKernelsTest), so prediction and validation, which are slower without it, run in onnxruntime instead when
 * the runtime is left at auto ({@link #cpuInferenceWithoutOneDnn}). Nothing here ever throws: on failure oneDNN
 * stays as it was and {@link #state()} says why.
 */
public final class OneDnnSwitch {

	private static String state;
	/** Set where oneDNN goes off only around training steps (never now: kept for a CPU where only backward is wrong); null otherwise. */
	private static Switch duringTraining;
	/** True where auto switched oneDNN off because the CPU hides its cache sizes. */
	private static boolean offByAuto;
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
		boolean training = !always && !("on".equals(choice) || "true".equals(choice)) && cacheTopologyHidden();
		if (!always && !training) {
			state = "oneDNN on (libtorch default)";
			return;
		}
		String why = always ? "unet.onednn=" + choice
			: "the CPU hides its cache sizes (no /sys/devices/system/cpu/cpu0/cache), where oneDNN's convolutions give NaN and wrong values";
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
			mkldnn.set(false);
			if (mkldnn.enabled()) {
				state = "oneDNN on: switching it off had no effect (" + why + ")";
				return;
			}
			offByAuto = !always;
			state = "oneDNN off: " + why;
		} catch (RuntimeException | LinkageError e) {
			state = "oneDNN on: could not switch it off (" + e + "; " + why + ")";
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

	/** What {@link #apply} did, for reports and tests (null before it ran). */
	public static synchronized String state() {
		return state;
	}

	/**
	 * True where auto found a CPU whose oneDNN kernels are wrong and switched them off: the engine's CPU inference is
	 * then exact but several times slower, and CPU prediction is better run in onnxruntime.
	 */
	public static synchronized boolean cpuInferenceWithoutOneDnn() {
		apply();
		return offByAuto;
	}

	/** True when inference on this device is better run in onnxruntime: a CPU where {@link #cpuInferenceWithoutOneDnn}. */
	public static boolean prefersOnnxruntime(ai.djl.Device device) {
		return !device.isGpu() && cpuInferenceWithoutOneDnn();
	}

	/** Whether training steps in this JVM run without oneDNN (always, or only during the steps). */
	public static synchronized boolean isOffForTraining() {
		return state != null && (state.startsWith("oneDNN off"));
	}

	/** libtorch's global switches, called through JNA as Python's torch.backends.mkldnn.enabled does. */
	private static final class Switch {
		private final com.sun.jna.NativeLibrary torch;
		private final com.sun.jna.Pointer context;

		Switch(com.sun.jna.NativeLibrary torch) {
			this.torch = torch;
			this.context = torch.getFunction("_ZN2at13globalContextEv").invokePointer(new Object[0]);
		}

		void set(boolean enabled) {
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
