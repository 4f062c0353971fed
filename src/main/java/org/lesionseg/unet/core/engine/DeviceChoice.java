package org.lesionseg.unet.core.engine;

import java.util.Locale;

import org.lesionseg.unet.core.UnetException;

/**
 * The user's device choice, parsed once: {@code auto} (every GPU PyTorch sees, else the CPU), {@code cpu},
 * {@code gpu} (every GPU, and a GPU is required), {@code gpu:N} (one GPU) or {@code gpu:N,M,...} (those GPUs: a
 * training splits each batch over them). {@code cuda} is accepted for {@code gpu}. GPUs are numbered as PyTorch
 * sees them, that is after {@code CUDA_VISIBLE_DEVICES}. Which devices it means here is {@link Devices#resolve}'s job.
 */
public final class DeviceChoice {

	/** The kinds of choice. */
	public enum Kind {
		AUTO, CPU, GPU
	}

	public static final DeviceChoice AUTO = new DeviceChoice(Kind.AUTO, -1);
	public static final DeviceChoice CPU = new DeviceChoice(Kind.CPU, -1);

	private final Kind kind;
	/** The GPUs asked for, in order; empty for every GPU (and for auto and cpu). */
	private final int[] gpuIndices;

	private DeviceChoice(Kind kind, int... gpuIndices) {
		this.kind = kind;
		this.gpuIndices = gpuIndices;
	}

	/** Every GPU (index -1) or one GPU. */
	public static DeviceChoice gpu(int index) {
		if (index < -1)
			throw new UnetException("GPU number must not be negative, got " + index);
		return index < 0 ? new DeviceChoice(Kind.GPU) : new DeviceChoice(Kind.GPU, index);
	}

	/** Several GPUs, each once. */
	public static DeviceChoice gpus(int... indices) {
		java.util.Set<Integer> seen = new java.util.HashSet<>();
		for (int i : indices)
			if (i < 0 || !seen.add(i))
				throw new UnetException("GPU numbers must be different and not negative, got " + java.util.Arrays.toString(indices));
		return indices.length == 0 ? gpu(-1) : new DeviceChoice(Kind.GPU, indices.clone());
	}

	/** @throws UnetException for anything but auto, cpu, gpu, gpu:N or gpu:N,M,... (null or empty means auto) */
	public static DeviceChoice parse(String text) {
		String c = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
		if (c.isEmpty() || c.equals("auto"))
			return AUTO;
		if (c.equals("cpu"))
			return CPU;
		if (c.equals("gpu") || c.equals("cuda"))
			return gpu(-1);
		if (c.startsWith("gpu:") || c.startsWith("cuda:")) {
			String[] numbers = c.substring(c.indexOf(':') + 1).split(",", -1);
			int[] indices = new int[numbers.length];
			try {
				for (int i = 0; i < numbers.length; i++)
					if ((indices[i] = Integer.parseInt(numbers[i].trim())) < 0)
						throw new NumberFormatException();
			} catch (NumberFormatException e) {
				throw new UnetException("device '" + text + "' needs a GPU number after the colon, or several separated by commas: e.g. gpu:0 or gpu:0,1");
			}
			if (indices.length == 1)
				return gpu(indices[0]);
			return gpus(indices);
		}
		throw new UnetException("unknown device '" + text + "': use auto, cpu, gpu, gpu:N or gpu:N,M");
	}

	public Kind kind() {
		return kind;
	}

	/** The (first) GPU asked for, or -1 for every GPU (and for auto and cpu). */
	public int gpuIndex() {
		return gpuIndices.length == 0 ? -1 : gpuIndices[0];
	}

	/** The GPUs asked for, in order; empty for every GPU (and for auto and cpu). */
	public int[] gpuIndices() {
		return gpuIndices.clone();
	}

	/** The spelling {@link #parse} reads back: auto, cpu, gpu, gpu:N or gpu:N,M. */
	@Override
	public String toString() {
		switch (kind) {
			case AUTO:
				return "auto";
			case CPU:
				return "cpu";
			default:
				StringBuilder sb = new StringBuilder("gpu");
				for (int i = 0; i < gpuIndices.length; i++)
					sb.append(i == 0 ? ':' : ',').append(gpuIndices[i]);
				return sb.toString();
		}
	}

	@Override
	public boolean equals(Object o) {
		return o instanceof DeviceChoice && ((DeviceChoice) o).kind == kind && java.util.Arrays.equals(((DeviceChoice) o).gpuIndices, gpuIndices);
	}

	@Override
	public int hashCode() {
		return kind.hashCode() * 31 + java.util.Arrays.hashCode(gpuIndices);
	}
}
