package org.lesionseg.unet.core.engine;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;

/**
 * The memory a training can use on its devices, for the settings chosen "auto": a GPU's own memory (the sum over the
 * GPUs of a data-parallel run, which splits each batch), or the machine's physical memory on the CPU (libtorch's
 * tensors live outside the Java heap).
 */
public final class DeviceMemory {

	private DeviceMemory() {
	}

	/** @return bytes of memory of the devices, or 0 when it cannot be known */
	public static long bytes(Device[] devices) {
		long total = 0;
		for (Device d : devices) {
			if (d.isGpu()) {
				MemoryUsage gpu = CudaUtils.getGpuMemory(d);
				total += Math.max(0, gpu.getMax());
			} else {
				total += physicalMemory();
			}
		}
		return total;
	}

	/** The machine's physical memory in bytes, 0 when the JVM does not say. */
	@SuppressWarnings("deprecation") // getTotalMemorySize() is Java 14+; the project builds for Java 11
	static long physicalMemory() {
		java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
		if (os instanceof com.sun.management.OperatingSystemMXBean)
			return ((com.sun.management.OperatingSystemMXBean) os).getTotalPhysicalMemorySize();
		return 0;
	}
}
