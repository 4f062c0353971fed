package org.lesionseg.unet.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one side of an end-to-end comparison as a process of its own, echoing its output with a prefix, and
 * measures it from outside the same way whatever it is (Java or Python): wall time, and peak resident memory
 * (VmHWM) and CPU time read from {@code /proc/PID/} every {@link #POLL_MILLIS} ms until it exits.
 */
final class ChildProcess {

	static final long POLL_MILLIS = 100;

	/** What a run gave. */
	static final class Outcome {
		final List<String> lines = new ArrayList<>();
		int exitCode = -1;
		double wallSeconds = Double.NaN;
		/** The last VmHWM read before the process ended, MiB (NaN off Linux). */
		double peakRssMiB = Double.NaN;
		/** User + system CPU time of the process, the last value read, seconds. */
		double cpuSeconds = Double.NaN;
		/** Why it could not run, or null. */
		String failure;
	}

	private ChildProcess() {
	}

	static Outcome run(List<String> command, String prefix, PrintStream out) {
		Outcome o = new Outcome();
		out.println("running: " + String.join(" ", command));
		long start = System.nanoTime();
		Process p;
		try {
			p = new ProcessBuilder(command).redirectErrorStream(true).start();
		} catch (IOException e) {
			o.failure = "could not start: " + e.getMessage();
			return o;
		}
		Path proc = Paths.get("/proc", String.valueOf(p.pid()));
		Thread poller = new Thread(() -> {
			while (p.isAlive()) {
				poll(proc, o);
				try {
					Thread.sleep(POLL_MILLIS);
				} catch (InterruptedException e) {
					return;
				}
			}
		}, "unet-bench-poll");
		poller.setDaemon(true);
		poller.start();
		try (BufferedReader reader = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				synchronized (o) {
					o.lines.add(line);
				}
				out.println(prefix + line);
			}
			o.exitCode = p.waitFor();
			poller.interrupt();
			poller.join();
		} catch (IOException e) {
			o.failure = "output could not be read: " + e.getMessage();
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			p.destroy();
			o.failure = "interrupted";
		}
		o.wallSeconds = (System.nanoTime() - start) / 1e9;
		return o;
	}

	/** Reads the peak and the CPU time while the process lives; a read after it ended changes nothing. */
	private static void poll(Path proc, Outcome o) {
		try {
			long hwm = ProcessMemory.parseStatusKb(Files.readAllLines(proc.resolve("status"), StandardCharsets.US_ASCII), "VmHWM");
			String stat = new String(Files.readAllBytes(proc.resolve("stat")), StandardCharsets.US_ASCII);
			String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
			double cpu = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // utime + stime in USER_HZ ticks
			synchronized (o) {
				if (hwm > 0)
					o.peakRssMiB = Double.isNaN(o.peakRssMiB) ? hwm / 1024.0 : Math.max(o.peakRssMiB, hwm / 1024.0);
				o.cpuSeconds = Double.isNaN(o.cpuSeconds) ? cpu : Math.max(o.cpuSeconds, cpu);
			}
		} catch (IOException | RuntimeException e) {
			// the process ended between two reads, or this is not Linux
		}
	}
}
