package org.lesionseg.unet.core.engine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.lesionseg.unet.core.UnetException;

/**
 * What a user needs to know about the deep-learning engine: its version, the devices it sees, whether a GPU is used,
 * where libtorch came from, and what to do when the GPU is not used. Plain text lines, no UI; {@code unet info} and
 * the "UNet Engine Info" command both print them (through {@code workflow.InfoReport}, which adds a model's details).
 */
public final class EngineReport {

	/** The libtorch version the shipped JNI library was built for; any other version fails at run time. */
	public static final String LIBTORCH_VERSION = "2.7.1";

	private EngineReport() {
	}

	/** The report, one line per fact; never throws for an engine that cannot start (that is reported with advice). */
	public static List<String> lines() {
		List<String> lines = new ArrayList<>();
		lines.add("UNet Segmentation " + Version.get());
		EngineSettings.Applied choice = EngineSettings.apply();
		lines.add("libtorch choice: " + choice.source);
		if (choice.warning != null)
			lines.add("WARNING: " + choice.warning);
		boolean gpuUsed = false, started = false;
		try {
			lines.add("engine: " + Devices.engineDescription());
			started = true;
			lines.add("auto " + Devices.describe(Devices.resolve(DeviceChoice.AUTO)));
			gpuUsed = Devices.gpuCount() > 0;
			lines.add("GPU used: " + (gpuUsed ? "yes (device auto takes every GPU; choose one with gpu:N, some with gpu:N,M)" : "no, the CPU is used"));
		} catch (UnetException | LinkageError e) {
			lines.add("engine: could not start (" + e.getMessage() + ")");
			if (choice.fromFile)
				lines.add("The libtorch chosen with UNet GPU Setup did not start: go back to the built-in CPU engine with UNet GPU Setup (reset) or ./unet gpu-setup --reset");
		}
		String loaded = started ? loadedLibtorch() : null;
		lines.add("libtorch: " + (loaded != null ? loaded + " (loaded, libtorch " + ai.djl.pytorch.jni.LibUtils.getVersion() + ")" : libtorchLocation()));
		if (loaded != null && choice.fromFile && !java.nio.file.Paths.get(loaded).toAbsolutePath().normalize()
			.equals(java.nio.file.Paths.get(System.getProperty(EngineSettings.LIBRARY_PATH)).toAbsolutePath().normalize()))
			lines.add("WARNING: the engine was started before the GPU set-up was applied (by another plugin?), so the libtorch above is used: restart Fiji");
		if (OneDnnSwitch.state() != null)
			lines.add("CPU kernels: " + OneDnnSwitch.state() + " (set unet.onednn or UNET_ONEDNN to auto, on or off)");
		if (NativeMemory.state() != null)
			lines.add("native memory: " + NativeMemory.state());
		for (String name : new String[] { "PYTORCH_FLAVOR", "PYTORCH_VERSION", "PYTORCH_LIBRARY_PATH", "DJL_CACHE_DIR" }) {
			String value = setting(name);
			if (value != null)
				lines.add(name + "=" + value);
		}
		String version = setting("PYTORCH_VERSION");
		if (version != null && !version.trim().equals(LIBTORCH_VERSION))
			lines.add("WARNING: PYTORCH_VERSION=" + version + " but the plugin's JNI library is built for libtorch " + LIBTORCH_VERSION
				+ " exactly; another version starts and then fails (e.g. \"Cannot access data pointer of Tensor that doesn't have storage\"). "
				+ "Use libtorch " + LIBTORCH_VERSION + ".");
		lines.add("downloads: " + ("false".equalsIgnoreCase(System.getProperty("ai.djl.offline")) ? "allowed" : "off (ai.djl.offline=true)"));
		Runtime rt = Runtime.getRuntime();
		lines.add("java: " + System.getProperty("java.version") + ", max heap " + rt.maxMemory() / (1 << 20) + " MiB, " + rt.availableProcessors() + " cores");
		if (!gpuUsed)
			lines.addAll(gpuAdvice());
		return lines;
	}

	/** The folder DJL loaded libtorch from, once the PyTorch engine runs; null otherwise. */
	static String loadedLibtorch() {
		try {
			return ai.djl.pytorch.jni.LibUtils.getLibtorchPath();
		} catch (RuntimeException | LinkageError e) {
			return null;
		}
	}

	/** What to do when the GPU is not used (see docs/gpu.md). */
	public static List<String> gpuAdvice() {
		List<String> advice = new ArrayList<>();
		advice.add("To use an NVIDIA GPU (see docs/gpu.md): run Plugins > Segmentation > UNet GPU Setup (or ./unet gpu-setup --folder DIR | --archive ZIP | --download)");
		advice.add("  with a CUDA build of libtorch " + LIBTORCH_VERSION + ", then restart; or start ImageJ/Fiji or the command line with either");
		advice.add("  a) PYTORCH_FLAVOR=cu128 and downloads allowed (UNET_ALLOW_DOWNLOAD=1, or -Dai.djl.offline=false): DJL fetches the CUDA build of libtorch "
			+ LIBTORCH_VERSION + " once into its cache, or");
		advice.add("  b) an existing CUDA libtorch " + LIBTORCH_VERSION + ": PYTORCH_LIBRARY_PATH=/path/to/libtorch/lib PYTORCH_VERSION=" + LIBTORCH_VERSION
			+ " PYTORCH_FLAVOR=cu128.");
		advice.add("  The libtorch version must be " + LIBTORCH_VERSION + " exactly; the NVIDIA driver must support CUDA 12.8.");
		return advice;
	}

	/** Where libtorch came from: an existing installation named by the user, or DJL's cache. */
	public static String libtorchLocation() {
		String userPath = setting("PYTORCH_LIBRARY_PATH");
		if (userPath != null && !userPath.isEmpty())
			return userPath + " (PYTORCH_LIBRARY_PATH)";
		String cache = setting("DJL_CACHE_DIR");
		Path dir = cache != null ? Paths.get(cache).resolve("pytorch") : Paths.get(System.getProperty("user.home"), ".djl.ai", "pytorch");
		if (Files.isDirectory(dir)) {
			try (Stream<Path> versions = Files.list(dir)) {
				return versions.map(Path::toString).sorted().reduce((a, b) -> b)
					.map(p -> p + (p.contains("-cpu-") ? " (CPU build, unpacked from the pytorch-native-cpu jar)" : "")).orElse(dir.toString());
			} catch (java.io.IOException e) {
				return dir.toString();
			}
		}
		return "not yet unpacked (it is unpacked from the pytorch-native-cpu jar on first use)";
	}

	/** An environment variable, or else the system property of that name, as DJL reads them. */
	static String setting(String name) {
		String value = System.getenv(name);
		if (value == null || value.isEmpty())
			value = System.getProperty(name);
		return value == null || value.isEmpty() ? null : value;
	}
}
