package org.lesionseg.unet.core.engine;

import java.util.Locale;

/**
 * Keeps the native (off-heap) memory of trainings near what they use, by giving glibc's malloc a fixed mmap threshold.
 * <p>
 * Why: libtorch allocates every step's activations, gradients and convolution buffers (megabytes each) with malloc and
 * frees them when the step ends. glibc serves blocks above its mmap threshold with their own mappings, returned to the
 * system when freed, but it raises that threshold (from 128 KiB up to 32 MiB) each time such a block is freed; after
 * a few steps these blocks come from malloc's heap, whose free holes are kept and fragment. In the end-to-end bench
 * (docs/benchmarks.md, section 5) the process's peak resident memory fell from 1,758 to 1,224 MiB with a fixed
 * threshold, as with {@code MALLOC_MMAP_THRESHOLD_} set in the environment, which a plugin cannot do for the Fiji it
 * runs in. So {@code mallopt(M_MMAP_THRESHOLD)} is called through JNA (as {@link OneDnnSwitch} calls libtorch).
 * <p>
 * Override with the system property or environment variable {@code unet.mmapThreshold} / {@code UNET_MMAP_THRESHOLD}:
 * a number of bytes (suffix k or m allowed), or {@code off} to leave malloc as it is. A {@code MALLOC_MMAP_THRESHOLD_}
 * in the environment wins (glibc read it at start). Linux with glibc only; nothing here ever throws: on failure malloc
 * stays as it was and {@link #state()} says why.
 */
public final class NativeMemory {

	/** glibc's {@code M_MMAP_THRESHOLD} parameter of {@code mallopt}. */
	private static final int M_MMAP_THRESHOLD = -3;
	/** 1 MiB: as low as 64 KiB gave the same peak; larger blocks are few, so their own mappings cost little. */
	public static final int DEFAULT_THRESHOLD = 1 << 20;

	private static String state;

	private NativeMemory() {
	}

	/** Sets the threshold once per JVM (later calls return at once); call before the engine's first large allocations. */
	public static synchronized void apply() {
		if (state != null)
			return;
		state = configure();
	}

	/** What {@link #apply()} did, for `unet info` and the logs; null before it ran. */
	public static synchronized String state() {
		return state;
	}

	private static String configure() {
		if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux"))
			return null; // other systems' allocators are not glibc's
		String fromEnvironment = System.getenv("MALLOC_MMAP_THRESHOLD_");
		if (fromEnvironment != null && !fromEnvironment.trim().isEmpty())
			return "malloc mmap threshold " + fromEnvironment.trim() + " bytes (MALLOC_MMAP_THRESHOLD_)";
		String choice = System.getProperty("unet.mmapThreshold");
		if (choice == null || choice.trim().isEmpty())
			choice = System.getenv("UNET_MMAP_THRESHOLD");
		long bytes;
		try {
			bytes = choice == null || choice.trim().isEmpty() ? DEFAULT_THRESHOLD : parseBytes(choice);
		} catch (NumberFormatException e) {
			return "malloc left alone: unet.mmapThreshold=" + choice + " is not a number of bytes or off";
		}
		if (bytes < 0)
			return "malloc left alone (unet.mmapThreshold=off)";
		try {
			com.sun.jna.Function mallopt = com.sun.jna.NativeLibrary.getInstance("c").getFunction("mallopt");
			int ok = mallopt.invokeInt(new Object[] { M_MMAP_THRESHOLD, (int) Math.min(bytes, Integer.MAX_VALUE) });
			return ok == 1 ? "malloc mmap threshold " + describe(bytes) + " (freed tensors go back to the system; unet.mmapThreshold)"
				: "malloc left alone: mallopt refused the mmap threshold (not glibc?)";
		} catch (RuntimeException | LinkageError e) {
			return "malloc left alone: mallopt is not reachable (" + e.getMessage() + ")";
		}
	}

	/** Bytes of "1048576", "512k" or "1m"; -1 for "off". */
	static long parseBytes(String value) {
		String v = value.trim().toLowerCase(Locale.ROOT);
		if (v.equals("off") || v.equals("false") || v.equals("no"))
			return -1;
		long unit = 1;
		if (v.endsWith("k") || v.endsWith("m")) {
			unit = v.endsWith("k") ? 1L << 10 : 1L << 20;
			v = v.substring(0, v.length() - 1);
		}
		long n = Long.parseLong(v.trim());
		if (n < 0 || n * unit > 32L << 20)
			throw new NumberFormatException(value); // glibc accepts up to 32 MiB on 64-bit systems
		return n * unit;
	}

	private static String describe(long bytes) {
		return bytes % (1 << 20) == 0 ? bytes / (1 << 20) + " MiB" : bytes % (1 << 10) == 0 ? bytes / (1 << 10) + " KiB" : bytes + " bytes";
	}
}
