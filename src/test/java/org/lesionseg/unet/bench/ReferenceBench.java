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
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.lesionseg.unet.core.UnetException;

/**
 * Runs the PyTorch reference ({@code torch_unet_bench.py}) with the same arguments as the Java side, echoes its
 * output and reads its figures back. It is found at {@code ../shared/reference/} beside the project (or given by
 * path); Python is {@code /usr/bin/python3} or {@code python3} on the PATH, whichever imports torch.
 */
public final class ReferenceBench {

	/** The script's file name. */
	public static final String SCRIPT = "torch_unet_bench.py";

	/** Where the reference is and what runs it, or why it cannot run. */
	public static final class Located {
		public final Path script;
		public final String python;
		/** Why the reference is skipped; null when it can run. */
		public final String skipReason;

		Located(Path script, String python, String skipReason) {
			this.script = script;
			this.python = python;
			this.skipReason = skipReason;
		}
	}

	private ReferenceBench() {
	}

	/**
	 * Finds the script and a Python with torch. {@code auto} skips (with the reason) when either is missing; an
	 * explicit path must exist.
	 *
	 * @param projectDirs folders that may be the project (the working folder, the folder of the jar's target/)
	 */
	public static Located locate(BenchOptions o, List<Path> projectDirs) {
		return locate(o, projectDirs, SCRIPT);
	}

	/**
	 * As {@link #locate(BenchOptions, List)} for another script of the reference folder (e.g. the end-to-end
	 * training script): {@code --reference PATH} may name that folder or any script in it.
	 */
	public static Located locate(BenchOptions o, List<Path> projectDirs, String scriptName) {
		String ref = o.reference.trim();
		if (ref.equalsIgnoreCase("off"))
			return new Located(null, null, "--reference off");
		Path script = null;
		if (ref.equalsIgnoreCase("auto")) {
			for (Path dir : projectDirs) {
				Path candidate = dir.toAbsolutePath().normalize().resolve("../shared/reference").resolve(scriptName).normalize();
				if (Files.isRegularFile(candidate)) {
					script = candidate;
					break;
				}
			}
			if (script == null)
				return new Located(null, null, "no " + scriptName + " in ../shared/reference/ beside the project; give --reference PATH");
		} else {
			script = Paths.get(ref);
			if (Files.isDirectory(script))
				script = script.resolve(scriptName);
			else if (!script.getFileName().toString().equals(scriptName) && script.getParent() != null)
				script = script.getParent().resolve(scriptName); // the folder of the other script
			if (!Files.isRegularFile(script))
				throw new UnetException("the reference script " + script + " does not exist: give the path of " + scriptName + ", or --reference auto|off");
		}
		List<String> pythons = new ArrayList<>();
		if (o.python != null)
			pythons.add(o.python);
		else
			pythons.addAll(Arrays.asList("/usr/bin/python3", "python3"));
		for (String python : pythons)
			if (importsTorch(python))
				return new Located(script, python, null);
		String reason = "no Python with torch (" + String.join(", ", pythons) + "); on Debian: apt-get install python3-torch";
		if (o.python != null && !ref.equalsIgnoreCase("auto"))
			throw new UnetException("the reference cannot run: " + reason);
		return new Located(script, null, reason);
	}

	private static boolean importsTorch(String python) {
		try {
			Process p = new ProcessBuilder(python, "-c", "import torch").redirectErrorStream(true).start();
			p.getInputStream().readAllBytes();
			return p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
		} catch (IOException e) {
			return false;
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/** The command line for the reference, with the benchmark's arguments. */
	public static List<String> command(Located where, BenchOptions o) {
		String device = o.device.trim().toLowerCase(Locale.ROOT).startsWith("gpu") || o.device.trim().toLowerCase(Locale.ROOT).startsWith("cuda") ? "cuda"
			: "cpu";
		return new ArrayList<>(Arrays.asList(where.python, where.script.toString(), "--device", device, "--batch", String.valueOf(o.batch), "--size",
			String.valueOf(o.size), "--steps", String.valueOf(o.steps), "--warmup", String.valueOf(o.warmup), "--base", String.valueOf(o.base),
			"--channels", String.valueOf(o.channels), "--threads", String.valueOf(o.threads), "--infer-steps", String.valueOf(o.inferSteps()),
			"--seed", String.valueOf(o.seed)));
	}

	/**
	 * Runs the reference, echoing each line with a prefix, and parses its figures. Returns null (after saying why)
	 * when it fails.
	 */
	public static SideResult run(Located where, BenchOptions o, PrintStream out) {
		List<String> command = command(where, o);
		out.println("running: " + String.join(" ", command));
		List<String> lines = new ArrayList<>();
		try {
			Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
			try (BufferedReader reader = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = reader.readLine()) != null) {
					lines.add(line);
					out.println("  torch| " + line);
				}
			}
			int code = p.waitFor();
			if (code != 0) {
				out.println("note: the reference exited with code " + code + "; its column stays empty");
				return null;
			}
		} catch (IOException e) {
			out.println("note: the reference could not run: " + e.getMessage());
			return null;
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			out.println("note: interrupted while the reference ran");
			return null;
		}
		return parse(lines);
	}

	private static final Pattern PARAMS = Pattern.compile("params: trainable=([0-9,]+) \\((\\d+) tensors\\)");
	private static final Pattern ENGINE = Pattern.compile("engine: (.*)");
	private static final Pattern MEDIAN = Pattern.compile("train (fwd|bwd|optim)\\s+median: ([0-9.eE+-]+) s");
	private static final Pattern STEP = Pattern.compile("train step\\s+median: ([0-9.eE+-]+) s/step\\s+->\\s+([0-9.eE+-]+) images/s");
	private static final Pattern INFER = Pattern.compile("infer batch median: ([0-9.eE+-]+) s/batch -> ([0-9.eE+-]+) images/s");
	private static final Pattern PEAK = Pattern.compile("peak rss \\(VmHWM\\): ([0-9.]+) MiB, rss now");
	private static final Pattern RSS = Pattern.compile("rss after warm-up: ([0-9.]+|n/a)(?: MiB)?, after last step: ([0-9.]+) MiB");
	private static final Pattern LOSS = Pattern.compile("final loss: ([0-9.eE+-]+|nan)");
	private static final Pattern STEP_TIMES = Pattern.compile("step times \\(s, post-warm-up\\):(.*)");

	/** Reads the figures out of the reference's output; missing figures stay NaN. */
	public static SideResult parse(List<String> lines) {
		SideResult r = new SideResult();
		for (String line : lines) {
			Matcher m;
			if ((m = PARAMS.matcher(line)).find()) {
				r.trainableParameters = Long.parseLong(m.group(1).replace(",", ""));
				r.parameterTensors = Integer.parseInt(m.group(2));
			} else if ((m = ENGINE.matcher(line)).lookingAt()) {
				r.engine = m.group(1).trim();
			} else if ((m = MEDIAN.matcher(line)).find()) {
				double v = Double.parseDouble(m.group(2));
				if (m.group(1).equals("fwd"))
					r.forwardSeconds = v;
				else if (m.group(1).equals("bwd"))
					r.backwardSeconds = v;
				else
					r.updateSeconds = v;
			} else if ((m = STEP.matcher(line)).find()) {
				r.stepSeconds = Double.parseDouble(m.group(1));
				r.trainImagesPerSecond = Double.parseDouble(m.group(2));
			} else if ((m = INFER.matcher(line)).find()) {
				r.inferBatchSeconds = Double.parseDouble(m.group(1));
				r.inferImagesPerSecond = Double.parseDouble(m.group(2));
			} else if ((m = PEAK.matcher(line)).find()) {
				if (Double.isNaN(r.peakRssMiB)) // the first one: after training and inference, before the save/load check
					r.peakRssMiB = Double.parseDouble(m.group(1));
			} else if ((m = RSS.matcher(line)).find()) {
				r.rssAfterWarmupMiB = m.group(1).equals("n/a") ? Double.NaN : Double.parseDouble(m.group(1));
				r.rssAfterTrainingMiB = Double.parseDouble(m.group(2));
			} else if ((m = LOSS.matcher(line)).find()) {
				r.finalLoss = m.group(1).equals("nan") ? Double.NaN : Double.parseDouble(m.group(1));
			} else if ((m = STEP_TIMES.matcher(line)).find()) {
				for (String t : m.group(1).trim().split("\\s+"))
					if (!t.isEmpty())
						r.stepTimes.add(Double.parseDouble(t));
			}
		}
		return r;
	}
}
