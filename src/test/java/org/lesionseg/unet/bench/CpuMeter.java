package org.lesionseg.unet.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;

/**
 * How busy the machine was with other work during a measurement: CPU time of all processes (from
 * {@code /proc/stat}) minus this process's own and its finished children's (from {@code /proc/self/stat}), in
 * cores on average. On a shared machine this says whether a timing can be trusted; NaN off Linux.
 */
public final class CpuMeter {

	private final long startTotalBusy;
	private final long startOwn;
	private final long startNanos;

	private CpuMeter(long totalBusy, long own) {
		this.startTotalBusy = totalBusy;
		this.startOwn = own;
		this.startNanos = System.nanoTime();
	}

	/** Starts measuring now. */
	public static CpuMeter start() {
		return new CpuMeter(machineBusyTicks(), ownTicks());
	}

	/** Cores that other processes kept busy on average since the start (0 = the machine was ours alone). */
	public double otherCores() {
		long busy = machineBusyTicks(), own = ownTicks();
		if (busy < 0 || own < 0 || startTotalBusy < 0 || startOwn < 0)
			return Double.NaN;
		double seconds = (System.nanoTime() - startNanos) / 1e9;
		if (seconds <= 0)
			return Double.NaN;
		double otherTicks = (busy - startTotalBusy) - (own - startOwn);
		return Math.max(0, otherTicks / TICKS_PER_SECOND / seconds);
	}

	/** One line for a report: how much other work there was, and whether that skews the timings. */
	public static String note(double otherCores) {
		return String.format(java.util.Locale.ROOT, "other processes used %.2f cores on average meanwhile%s", otherCores,
			otherCores > 0.2 ? " - the machine was not quiet: timings are skewed" : "");
	}

	/** Linux reports CPU time in clock ticks of 1/100 s (USER_HZ) on all common platforms. */
	private static final double TICKS_PER_SECOND = 100.0;

	/** Busy ticks of all CPUs: user, nice, system, irq, softirq, steal (idle and iowait left out). */
	static long machineBusyTicks() {
		try {
			String first = Files.readAllLines(Paths.get("/proc/stat"), StandardCharsets.US_ASCII).get(0);
			String[] f = first.trim().split("\\s+");
			long busy = 0;
			int[] fields = { 1, 2, 3, 6, 7, 8 };
			for (int i : fields)
				if (i < f.length)
					busy += Long.parseLong(f[i]);
			return busy;
		} catch (IOException | RuntimeException e) {
			return -1;
		}
	}

	/** This process's user + system ticks, with those of children it has waited for (the reference script). */
	static long ownTicks() {
		try {
			String stat = new String(Files.readAllBytes(Paths.get("/proc/self/stat")), StandardCharsets.US_ASCII);
			// fields after the command name in parentheses: state is field 3; utime 14, stime 15, cutime 16, cstime 17
			String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
			return Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
		} catch (IOException | RuntimeException e) {
			return -1;
		}
	}
}
