package org.lesionseg.unet.core.engine;

import java.util.Locale;

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

	public static Device[] resolve(String choice) {
		String c = choice == null ? "auto" : choice.trim().toLowerCase(Locale.ROOT);
		int gpus = gpuCount();
		if (c.equals("cpu"))
			return new Device[] { Device.cpu() };
		if (c.equals("auto"))
			return gpus > 0 ? allGpus(gpus) : new Device[] { Device.cpu() };
		if (c.equals("gpu") || c.equals("cuda") || c.startsWith("gpu:") || c.startsWith("cuda:")) {
			if (gpus == 0)
				throw new UnetException("a GPU was asked for, but PyTorch sees none (" + engineDescription()
					+ "). Use device auto or cpu, or install a CUDA build of libtorch: see docs/gpu.md");
			if (c.contains(":")) {
				int index = parseIndex(c);
				if (index < 0 || index >= gpus)
					throw new UnetException("GPU " + index + " does not exist: PyTorch sees " + gpus + " GPU(s), numbered 0 to " + (gpus - 1));
				return new Device[] { Device.gpu(index) };
			}
			return allGpus(gpus);
		}
		throw new UnetException("unknown device '" + choice + "': use auto, cpu, gpu or gpu:N");
	}

	/**
	 * An engine failure in one line: the first line of PyTorch's message (the rest is a native stack trace), and
	 * what to do when it is a known sign of a libtorch that does not fit the JNI library.
	 */
	public static String describeEngineFailure(String message) {
		String first = String.valueOf(message).trim().split("\\R", 2)[0];
		if (first.length() > 300)
			first = first.substring(0, 300) + "...";
		if (first.contains("doesn't have storage") || first.contains("undefined symbol") || first.contains("UnsatisfiedLinkError"))
			first += " (the libtorch in use does not fit DJL's JNI library, which needs libtorch " + LIBTORCH_VERSION
				+ ": see docs/gpu.md)";
		return first;
	}

	/** The libtorch version the bundled JNI library (pytorch-jni 2.7.1-0.36.0) was built for. */
	static final String LIBTORCH_VERSION = "2.7.1";

	private static int parseIndex(String c) {
		try {
			return Integer.parseInt(c.substring(c.indexOf(':') + 1));
		} catch (NumberFormatException e) {
			throw new UnetException("device '" + c + "' needs a GPU number after the colon, e.g. gpu:0");
		}
	}

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
		} catch (RuntimeException e) {
			return 0;
		}
	}

	/** One loud line: the device(s) used, and for a CPU on a machine meant to have a GPU, why. */
	public static String describe(Device[] devices) {
		StringBuilder sb = new StringBuilder("device: ");
		for (int i = 0; i < devices.length; i++)
			sb.append(i == 0 ? "" : ", ").append(devices[i].isGpu() ? "GPU " + devices[i].getDeviceId() : "CPU");
		sb.append(" (").append(engineDescription()).append(')');
		if (!devices[0].isGpu())
			sb.append(gpuCount() == 0 ? " - no GPU visible to PyTorch, running on the CPU" : " - CPU chosen although a GPU is visible");
		return sb.toString();
	}

	public static String engineDescription() {
		try {
			Engine engine = Engine.getInstance();
			OneDnnSwitch.apply();
			return engine.getEngineName() + " " + engine.getVersion() + ", " + gpuCount() + " GPU(s) visible";
		} catch (RuntimeException e) {
			throw new UnetException("the PyTorch engine could not start: " + e.getMessage());
		}
	}
}
