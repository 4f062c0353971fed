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
 * {@code off}. Nothing here ever throws: on failure oneDNN stays as it was and {@link #state()} says why.
 */
public final class OneDnnSwitch {

	private static String state;

	private OneDnnSwitch() {
	}

	/** Applies the setting once per JVM (later calls return at once); call before the first convolution. */
	public static synchronized void apply() {
		if (state != null)
			return;
		String choice = choice();
		boolean off;
		if ("off".equals(choice) || "false".equals(choice))
			off = true;
		else if ("on".equals(choice) || "true".equals(choice))
			off = false;
		else
			off = cacheTopologyHidden();
		if (!off) {
			state = "oneDNN on (libtorch default)";
			return;
		}
		String why = "auto".equals(choice) ? "the CPU hides its cache sizes (no /sys/devices/system/cpu/cpu0/cache), where oneDNN's "
			+ "multi-threaded convolution backward gives NaN" : "unet.onednn=" + choice;
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
			com.sun.jna.NativeLibrary torch = com.sun.jna.NativeLibrary.getInstance(library.toString());
			com.sun.jna.Pointer context = torch.getFunction("_ZN2at13globalContextEv").invokePointer(new Object[0]);
			torch.getFunction("_ZN2at7Context20setUserEnabledMkldnnEb").invokeVoid(new Object[] { context, Boolean.FALSE });
			torch.getFunction("_ZN2at7Context20setUserEnabledNNPACKEb").invokeVoid(new Object[] { context, Boolean.FALSE });
			boolean stillOn = torch.getFunction("_ZNK2at7Context17userEnabledMkldnnEv").invokeInt(new Object[] { context }) != 0;
			state = stillOn ? "oneDNN on: switching it off had no effect (" + why + ")" : "oneDNN off: " + why;
		} catch (RuntimeException | LinkageError e) {
			state = "oneDNN on: could not switch it off (" + e + "; " + why + ")";
		}
	}

	/** What {@link #apply} did, for reports and tests (null before it ran). */
	public static synchronized String state() {
		return state;
	}

	/** Whether libtorch's oneDNN kernels are switched off in this JVM. */
	public static synchronized boolean isOff() {
		return state != null && state.startsWith("oneDNN off");
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
