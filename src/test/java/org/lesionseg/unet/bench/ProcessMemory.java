package org.lesionseg.unet.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/**
 * Memory of this process as Linux reports it ({@code /proc/self/status}: resident set VmRSS and its peak VmHWM),
 * and the Java heap. Resident memory covers everything, native libtorch buffers included, which the Java heap
 * figures do not see. Off Linux the resident figures are NaN.
 */
public final class ProcessMemory {

	private static final Path STATUS = Paths.get("/proc/self/status");
	private static final Path CLEAR_REFS = Paths.get("/proc/self/clear_refs");

	private ProcessMemory() {
	}

	/** A field of /proc/self/status in KiB (e.g. "VmRSS"), or -1 when it cannot be read. */
	public static long statusKb(String key) {
		try {
			List<String> lines = Files.readAllLines(STATUS, StandardCharsets.UTF_8);
			return parseStatusKb(lines, key);
		} catch (IOException | RuntimeException e) {
			return -1;
		}
	}

	static long parseStatusKb(List<String> lines, String key) {
		for (String line : lines)
			if (line.startsWith(key + ":")) {
				String[] parts = line.substring(key.length() + 1).trim().split("\\s+");
				return Long.parseLong(parts[0]);
			}
		return -1;
	}

	/** Resident memory now, MiB (NaN when unknown). */
	public static double rssMiB() {
		return toMiB(statusKb("VmRSS"));
	}

	/** Peak resident memory since the start or since {@link #resetPeak()}, MiB (NaN when unknown). */
	public static double peakRssMiB() {
		return toMiB(statusKb("VmHWM"));
	}

	/**
	 * Resets the peak (VmHWM) to the current resident size, so that the peak of one phase can be measured
	 * (Linux 4.0+, writing 5 to clear_refs). Returns false where this is not possible.
	 */
	public static boolean resetPeak() {
		try {
			Files.write(CLEAR_REFS, "5".getBytes(StandardCharsets.US_ASCII));
			return true;
		} catch (IOException | RuntimeException e) {
			return false;
		}
	}

	/** Java heap in use now (live and not yet collected objects), MiB. */
	public static double heapUsedMiB() {
		Runtime r = Runtime.getRuntime();
		return (r.totalMemory() - r.freeMemory()) / (1024.0 * 1024.0);
	}

	/** Java heap reserved from the system now, MiB. */
	public static double heapCommittedMiB() {
		return Runtime.getRuntime().totalMemory() / (1024.0 * 1024.0);
	}

	/**
	 * Java heap in use right after the last garbage collection (live data then), MiB; 0 before the first
	 * collection. Read from the collector's statistics, so that measuring does not force a collection (which
	 * would shrink the heap and disturb the resident figures it is compared with).
	 */
	public static double heapAfterLastGcMiB() {
		long used = 0;
		for (java.lang.management.MemoryPoolMXBean pool : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
			if (pool.getType() != java.lang.management.MemoryType.HEAP)
				continue;
			java.lang.management.MemoryUsage after = pool.getCollectionUsage();
			if (after != null)
				used += after.getUsed();
		}
		return used / (1024.0 * 1024.0);
	}

	/**
	 * The address range the JVM reserved for the Java heap, {start, end}, or null where it cannot be told: the run of
	 * adjacent mappings in /proc/self/maps that begins with an anonymous read-write one and spans the maximum heap
	 * (HotSpot reserves -Xmx in one piece and commits parts of it, which splits it into several mappings).
	 */
	public static long[] javaHeapRange() {
		try {
			return heapRange(Files.readAllLines(Paths.get("/proc/self/maps"), StandardCharsets.US_ASCII), Runtime.getRuntime().maxMemory());
		} catch (IOException | RuntimeException e) {
			return null;
		}
	}

	static long[] heapRange(List<String> maps, long maxHeap) {
		int n = maps.size();
		long[] start = new long[n], end = new long[n];
		boolean[] anonymous = new boolean[n], writable = new boolean[n];
		for (int i = 0; i < n; i++) {
			String[] f = maps.get(i).trim().split("\\s+");
			String[] range = f[0].split("-");
			start[i] = Long.parseUnsignedLong(range[0], 16);
			end[i] = Long.parseUnsignedLong(range[1], 16);
			anonymous[i] = f.length < 6 && "0".equals(f[4]);
			writable[i] = f[1].startsWith("rw");
		}
		for (int i = 0; i < n; i++) {
			if (!anonymous[i] || !writable[i])
				continue;
			// contiguous mappings from there: the archived (CDS) heap regions near its top are mapped from a file
			for (int j = i; j < n && (j == i || start[j] == end[j - 1]); j++) {
				long size = end[j] - start[i];
				if (size >= maxHeap) {
					if (size <= maxHeap + maxHeap / 10)
						return new long[] { start[i], end[j] };
					break;
				}
			}
		}
		return null;
	}

	/** Resident memory of the mappings inside [start, end) from /proc/self/smaps, MiB (NaN when unknown). */
	public static double residentMiBIn(long[] range) {
		if (range == null)
			return Double.NaN;
		try {
			return residentKbIn(Files.readAllLines(Paths.get("/proc/self/smaps"), StandardCharsets.US_ASCII), range) / 1024.0;
		} catch (IOException | RuntimeException e) {
			return Double.NaN;
		}
	}

	static long residentKbIn(List<String> smaps, long[] range) {
		long kb = 0;
		boolean inside = false;
		for (String line : smaps) {
			int space = line.indexOf(' ');
			String first = space < 0 ? line : line.substring(0, space);
			if (!first.endsWith(":") && first.indexOf('-') > 0) { // a mapping's header: start-end perms ...
				long s = Long.parseUnsignedLong(first.substring(0, first.indexOf('-')), 16);
				inside = s >= range[0] && s < range[1];
				continue;
			}
			if (inside && line.startsWith("Rss:"))
				kb += Long.parseLong(line.substring(4).trim().split("\\s+")[0]);
		}
		return kb;
	}

	/** Calls {@code sample} every {@code millis} ms on a daemon thread until the thread is interrupted. */
	static Thread sampleEvery(long millis, Runnable sample) {
		Thread thread = new Thread(() -> {
			while (!Thread.currentThread().isInterrupted()) {
				sample.run();
				try {
					Thread.sleep(millis);
				} catch (InterruptedException e) {
					return;
				}
			}
		}, "unet-bench-memory");
		thread.setDaemon(true);
		thread.start();
		return thread;
	}

	/** The 1-minute load average of the machine, NaN when unknown: other work on the cores skews every timing. */
	public static double loadAverage() {
		try {
			String text = new String(Files.readAllBytes(Paths.get("/proc/loadavg")), StandardCharsets.US_ASCII);
			return Double.parseDouble(text.trim().split("\\s+")[0]);
		} catch (IOException | RuntimeException e) {
			return Double.NaN;
		}
	}

	private static double toMiB(long kb) {
		return kb < 0 ? Double.NaN : kb / 1024.0;
	}
}
