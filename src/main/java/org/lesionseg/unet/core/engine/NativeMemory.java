package org.lesionseg.unet.core.engine;

import java.util.Locale;

/**
 * Trades training speed for native (off-heap) memory, when asked: a fixed glibc malloc mmap threshold.
 * <p>
 * Why: libtorch allocates every step's activations, gradients and convolution buffers (megabytes each) with malloc and
 * frees them when the step ends. glibc serves blocks above its mmap threshold with mappings of their own, returned to
 * the system when freed, but raises that threshold (from 128 KiB up to 32 MiB) each time such a block is freed; after
 * a few steps these blocks come from malloc's heap, which keeps their pages. That is most of the gap to PyTorch in
 * peak memory: in the end-to-end bench (docs/benchmarks.md, section 5) a fixed 1 MiB threshold took the peak from
 * 1,316-1,400 to 936-943 MiB (oneDNN on; PyTorch 1,002) and from 1,743-1,847 to 1,230-1,235 MiB (oneDNN off), but every
 * large block is then mapped and its pages faulted in again at each step: epochs took 4-5x as long with oneDNN and 1.5x
 * without. So glibc is left alone unless the user asks (a laptop short of memory inside Fiji), with the system property
 * or environment variable {@code unet.mmapThreshold} / {@code UNET_MMAP_THRESHOLD}: a number of bytes (suffix k or m),
 * or {@code off} (the default). A plugin cannot set {@code MALLOC_MMAP_THRESHOLD_} for the Fiji it runs in, so
 * {@code mallopt(M_MMAP_THRESHOLD)} is called through JNA (as {@link OneDnnSwitch} calls libtorch); a
 * {@code MALLOC_MMAP_THRESHOLD_} in the environment wins (glibc read it at start). Linux with glibc only; nothing here
 * ever throws: on failure malloc stays as it was and {@link #state()} says why.
 */
public final class NativeMemory {

	/** glibc's {@code M_MMAP_THRESHOLD} parameter of {@code mallopt}. */
	private static final int M_MMAP_THRESHOLD = -3;
	/** What glibc does by itself, said by `unet info`. */
	static final String LEFT_ALONE = "malloc as glibc sets it (unet.mmapThreshold=1m: about a quarter less peak memory, 1.5-5x slower steps; docs/benchmarks.md)";

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
			bytes = choice == null || choice.trim().isEmpty() ? -1 : parseBytes(choice);
		} catch (NumberFormatException e) {
			return LEFT_ALONE + "; unet.mmapThreshold=" + choice + " is not a number of bytes (up to 32m) or off";
		}
		if (bytes < 0)
			return LEFT_ALONE;
		String failure = setThreshold(bytes);
		return failure == null ? "malloc mmap threshold " + describe(bytes) + " (unet.mmapThreshold: freed tensors go back to the system; slower steps)"
			: LEFT_ALONE + "; " + failure;
	}

	/** Calls mallopt; null when it took, else why not. */
	static String setThreshold(long bytes) {
		try {
			com.sun.jna.Function mallopt = com.sun.jna.NativeLibrary.getInstance("c").getFunction("mallopt");
			int ok = mallopt.invokeInt(new Object[] { M_MMAP_THRESHOLD, (int) Math.min(bytes, Integer.MAX_VALUE) });
			return ok == 1 ? null : "mallopt refused the mmap threshold (not glibc?)";
		} catch (RuntimeException | LinkageError e) {
			return "mallopt is not reachable (" + e.getMessage() + ")";
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
