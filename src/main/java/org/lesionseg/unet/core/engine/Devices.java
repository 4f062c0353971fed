package org.lesionseg.unet.core.engine;

import org.lesionseg.unet.core.UnetException;

import ai.djl.Device;
import ai.djl.engine.Engine;

/**
 * Turns the user's device choice into DJL devices, and says plainly which one is used and why.
 * {@code auto} takes every GPU that PyTorch sees and otherwise the CPU; {@code gpu} insists on a GPU.
 */
public final class Devices {

	private Devices() {
	}

	/** The devices of a choice given as text (at the edges: command line, macro keys); see {@link DeviceChoice#parse}. */
	public static Device[] resolve(String choice) {
		return resolve(DeviceChoice.parse(choice));
	}

	public static Device[] resolve(DeviceChoice choice) {
		engine(); // a libtorch that cannot load is reported here, in one line, before anything else uses it
		return choice.kind() == DeviceChoice.Kind.CPU ? new Device[] { Device.cpu() } : resolve(choice, gpuCount(), System.getenv("CUDA_VISIBLE_DEVICES"));
	}

	/**
	 * The devices of a choice on a machine where PyTorch sees {@code gpus} GPUs (the seam for tests without a GPU).
	 *
	 * @param visible CUDA_VISIBLE_DEVICES, or null: named in the message when a GPU number does not exist, since it
	 *        renumbers the GPUs from 0 (under SLURM's --gres=gpu:1 the job's GPU is always gpu:0)
	 */
	static Device[] resolve(DeviceChoice choice, int gpus, String visible) {
		switch (choice.kind()) {
			case CPU:
				return new Device[] { Device.cpu() };
			case AUTO:
				return gpus > 0 ? allGpus(gpus) : new Device[] { Device.cpu() };
			default:
				if (gpus == 0)
					throw new UnetException("a GPU was asked for, but PyTorch sees none (" + engineDescription()
						+ "). Use device auto or cpu, or set up a CUDA build of libtorch with UNet GPU Setup: see docs/gpu.md");
				int[] indices = choice.gpuIndices();
				if (indices.length == 0)
					return allGpus(gpus);
				Device[] devices = new Device[indices.length];
				for (int i = 0; i < indices.length; i++) {
					if (indices[i] >= gpus)
						throw new UnetException("GPU " + indices[i] + " does not exist: PyTorch sees " + gpus + " GPU(s), numbered 0 to " + (gpus - 1)
							+ (visible != null && !visible.trim().isEmpty() ? " (CUDA_VISIBLE_DEVICES=" + visible.trim() + " renumbers the GPUs it lists from 0)" : ""));
					devices[i] = Device.gpu(indices[i]);
				}
				return devices;
		}
	}

	/**
	 * An engine failure in one line: the first line of PyTorch's message (the rest is a native stack trace), and
	 * what to do when it is a known sign of a libtorch that does not fit the JNI library.
	 */
	public static String describeEngineFailure(String message) {
		String first = String.valueOf(message).trim().split("\\R", 2)[0];
		if (first.length() > 300)
			first = first.substring(0, 300) + "...";
		if (first.contains("doesn't have storage") || first.contains("undefined symbol") || first.contains("version `"))
			first += " (the libtorch in use does not fit DJL's JNI library, which needs libtorch " + LIBTORCH_VERSION + ": see docs/gpu.md)";
		else if (first.contains("UnsatisfiedLinkError") || first.contains("file too short") || first.contains("invalid ELF header")
			|| first.contains("cannot open shared object file"))
			first += " (a library of the libtorch in use cannot be loaded: its folder is incomplete or damaged, or a CUDA library it needs is missing)";
		return first;
	}

	/**
	 * Why the engine did not start, in one line: DJL wraps the loader's error ("Failed to load PyTorch native
	 * library"), so the innermost cause names the real fault (a missing or foreign library); with the libtorch the
	 * user chose, what to do.
	 */
	static String startFailure(Throwable e) {
		Throwable root = e;
		while (root.getCause() != null && root.getCause() != root)
			root = root.getCause();
		String message = root == e ? String.valueOf(e.getMessage()) : e.getMessage() + ": " + root;
		String line = describeEngineFailure(message);
		String path = EngineReport.setting(EngineSettings.LIBRARY_PATH);
		if (path != null)
			line += " (libtorch from " + path + (EngineSettings.apply().fromFile ? ", chosen with UNet GPU Setup: ./unet gpu-setup --reset goes back to the built-in CPU engine"
				: ", set by PYTORCH_LIBRARY_PATH") + ")";
		return line;
	}

	/** The libtorch version the bundled JNI library (pytorch-jni 2.7.1-0.36.0) was built for. */
	static final String LIBTORCH_VERSION = "2.7.1";

	private static Device[] allGpus(int count) {
		Device[] devices = new Device[count];
		for (int i = 0; i < count; i++)
			devices[i] = Device.gpu(i);
		return devices;
	}

	/**
	 * PyTorch's gradient recording is switched per thread and is on by default in a new thread; DJL turns it off
	 * only on the thread that started the engine. Call this on any thread before training or predicting there
	 * (a command's thread in Fiji, a worker): otherwise in-place weight updates fail and predictions record graphs.
	 * Also switches libtorch's oneDNN off where it computes wrong gradients ({@link OneDnnSwitch}).
	 */
	public static void prepareThread() {
		OneDnnSwitch.apply();
		try {
			if ("PyTorch".equals(Engine.getInstance().getEngineName()))
				ai.djl.pytorch.jni.JniUtils.setGradMode(false);
		} catch (RuntimeException | LinkageError e) {
			// an engine that cannot start is reported, with its own message, by the first real use
		}
	}

	public static int gpuCount() {
		try {
			return Engine.getInstance().getGpuCount();
		} catch (RuntimeException | LinkageError e) {
			return 0;
		}
	}

	/**
	 * One loud line: the device(s) used, and for a CPU on a machine meant to have a GPU, why; on a shared node also which
	 * physical GPUs these are and which node and SLURM job ran it (the line is stored in the model file).
	 */
	public static String describe(Device[] devices) {
		StringBuilder sb = new StringBuilder("device: ");
		for (int i = 0; i < devices.length; i++)
			sb.append(i == 0 ? "" : ", ").append(devices[i].isGpu() ? "GPU " + devices[i].getDeviceId() : "CPU");
		sb.append(" (").append(engineDescription()).append(')');
		if (!devices[0].isGpu()) {
			sb.append(gpuCount() == 0 ? " - no GPU visible to PyTorch, running on the CPU" : " - CPU chosen although a GPU is visible");
			String kernels = OneDnnSwitch.brief();
			if (kernels != null)
				sb.append("; CPU kernels: ").append(kernels).append(" (why: UNet Engine Info, or unet info)");
		}
		sb.append(placement(devices, System.getenv()));
		return sb.toString();
	}

	/**
	 * Where the work runs, from the environment: CUDA_VISIBLE_DEVICES renumbers the GPUs PyTorch sees (so "GPU 0" of a
	 * task may be the node's GPU 3), and a SLURM task names its node and job. Empty outside both.
	 */
	static String placement(Device[] devices, java.util.Map<String, String> env) {
		StringBuilder sb = new StringBuilder();
		String visible = env.get("CUDA_VISIBLE_DEVICES");
		if (visible != null && !visible.trim().isEmpty()) {
			String[] listed = visible.trim().split(",");
			sb.append("; CUDA_VISIBLE_DEVICES=").append(visible.trim());
			String sep = ": ";
			for (Device d : devices)
				if (d.isGpu() && d.getDeviceId() < listed.length) {
					sb.append(sep).append("GPU ").append(d.getDeviceId()).append(" is the node's GPU ").append(listed[d.getDeviceId()].trim());
					sep = ", ";
				}
		}
		String node = env.get("SLURMD_NODENAME"), job = env.get("SLURM_JOB_ID");
		if (node != null || job != null) {
			sb.append("; SLURM");
			if (node != null)
				sb.append(" node ").append(node);
			if (job != null) {
				String arrayJob = env.get("SLURM_ARRAY_JOB_ID"), task = env.get("SLURM_ARRAY_TASK_ID");
				sb.append(" job ").append(arrayJob != null && task != null ? arrayJob + "_" + task : job);
			}
		}
		return sb.toString();
	}

	public static String engineDescription() {
		Engine engine = engine();
		OneDnnSwitch.apply();
		return engine.getEngineName() + " " + engine.getVersion() + ", " + gpuCount() + " GPU(s) visible";
	}

	/**
	 * The engine, started if needed.
	 *
	 * @throws UnetException in one line when it cannot start (a libtorch that is missing, damaged or of another version)
	 */
	public static Engine engine() {
		try {
			return Engine.getInstance();
		} catch (RuntimeException | LinkageError e) {
			throw new UnetException("the PyTorch engine could not start: " + startFailure(e));
		}
	}
}
