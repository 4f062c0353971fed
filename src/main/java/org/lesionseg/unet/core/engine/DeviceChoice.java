package org.lesionseg.unet.core.engine;

import java.util.Locale;

import org.lesionseg.unet.core.UnetException;

/**
 * The user's device choice, parsed once: {@code auto} (every GPU PyTorch sees, else the CPU), {@code cpu},
 * {@code gpu} (every GPU, and a GPU is required) or {@code gpu:N} (one GPU). {@code cuda} and {@code cuda:N} are
 * accepted for {@code gpu}. Which devices it means on this machine is {@link Devices#resolve}'s job.
 */
public final class DeviceChoice {

	/** The kinds of choice. */
	public enum Kind {
		AUTO, CPU, GPU
	}

	public static final DeviceChoice AUTO = new DeviceChoice(Kind.AUTO, -1);
	public static final DeviceChoice CPU = new DeviceChoice(Kind.CPU, -1);

	private final Kind kind;
	private final int gpuIndex;

	private DeviceChoice(Kind kind, int gpuIndex) {
		this.kind = kind;
		this.gpuIndex = gpuIndex;
	}

	/** Every GPU (index -1) or one GPU. */
	public static DeviceChoice gpu(int index) {
		if (index < -1)
			throw new UnetException("GPU number must not be negative, got " + index);
		return new DeviceChoice(Kind.GPU, index);
	}

	/** @throws UnetException for anything but auto, cpu, gpu or gpu:N (null or empty means auto) */
	public static DeviceChoice parse(String text) {
		String c = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
		if (c.isEmpty() || c.equals("auto"))
			return AUTO;
		if (c.equals("cpu"))
			return CPU;
		if (c.equals("gpu") || c.equals("cuda"))
			return gpu(-1);
		if (c.startsWith("gpu:") || c.startsWith("cuda:")) {
			String number = c.substring(c.indexOf(':') + 1);
			try {
				int index = Integer.parseInt(number);
				if (index >= 0)
					return gpu(index);
			} catch (NumberFormatException e) {
				// the message below
			}
			throw new UnetException("device '" + text + "' needs a GPU number after the colon, e.g. gpu:0");
		}
		throw new UnetException("unknown device '" + text + "': use auto, cpu, gpu or gpu:N");
	}

	public Kind kind() {
		return kind;
	}

	/** The GPU asked for, or -1 for every GPU (and for auto and cpu). */
	public int gpuIndex() {
		return gpuIndex;
	}

	/** The spelling {@link #parse} reads back: auto, cpu, gpu or gpu:N. */
	@Override
	public String toString() {
		switch (kind) {
			case AUTO:
				return "auto";
			case CPU:
				return "cpu";
			default:
				return gpuIndex < 0 ? "gpu" : "gpu:" + gpuIndex;
		}
	}

	@Override
	public boolean equals(Object o) {
		return o instanceof DeviceChoice && ((DeviceChoice) o).kind == kind && ((DeviceChoice) o).gpuIndex == gpuIndex;
	}

	@Override
	public int hashCode() {
		return kind.hashCode() * 31 + gpuIndex;
	}
}
