package org.lesionseg.unet.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The side-by-side table of a benchmark: metric | Java | PyTorch | ratio. Each row says which way its ratio goes:
 * for times and throughputs the ratio is Java's throughput over PyTorch's (above 1 means Java is faster), for
 * memory it is Java's over PyTorch's (above 1 means Java uses more). Printed as a Markdown table.
 */
public final class ResultTable {

	/** How a row's ratio is formed. */
	public enum Kind {
		/** A count that must be equal on both sides. */
		COUNT,
		/** Seconds: ratio = PyTorch time / Java time (= Java throughput / PyTorch throughput). */
		TIME,
		/** Items per second: ratio = Java / PyTorch. */
		THROUGHPUT,
		/** MiB: ratio = Java / PyTorch. */
		MEMORY,
		/** Shown for information, no ratio. */
		INFO
	}

	/** One row. */
	public static final class Row {
		public final String metric;
		public final double java;
		public final double torch;
		public final Kind kind;

		Row(String metric, double java, double torch, Kind kind) {
			this.metric = metric;
			this.java = java;
			this.torch = torch;
			this.kind = kind;
		}

		/** The ratio as described for the kind; NaN when either side is missing. */
		public double ratio() {
			switch (kind) {
				case TIME:
					return torch / java;
				case THROUGHPUT:
				case MEMORY:
					return java / torch;
				default:
					return Double.NaN;
			}
		}
	}

	private final List<Row> rows = new ArrayList<>();

	/** The rows of a comparison; {@code torch} may be null when the reference did not run. */
	public static ResultTable of(SideResult java, SideResult torch) {
		SideResult t = torch == null ? new SideResult() : torch;
		ResultTable table = new ResultTable();
		table.add("trainable parameters", java.trainableParameters, t.trainableParameters, Kind.COUNT);
		table.add("train forward+loss, s/step", java.forwardSeconds, t.forwardSeconds, Kind.TIME);
		table.add("train backward, s/step", java.backwardSeconds, t.backwardSeconds, Kind.TIME);
		table.add("train optimizer (Adam), s/step", java.updateSeconds, t.updateSeconds, Kind.TIME);
		table.add("train step, s/step", java.stepSeconds, t.stepSeconds, Kind.TIME);
		table.add("train images/s", java.trainImagesPerSecond, t.trainImagesPerSecond, Kind.THROUGHPUT);
		table.add("inference, s/batch", java.inferBatchSeconds, t.inferBatchSeconds, Kind.TIME);
		table.add("inference images/s", java.inferImagesPerSecond, t.inferImagesPerSecond, Kind.THROUGHPUT);
		table.add("peak RSS (VmHWM), MiB", java.peakRssMiB, t.peakRssMiB, Kind.MEMORY);
		table.add("RSS after warm-up, MiB", java.rssAfterWarmupMiB, t.rssAfterWarmupMiB, Kind.MEMORY);
		table.add("RSS after last step, MiB", java.rssAfterTrainingMiB, t.rssAfterTrainingMiB, Kind.MEMORY);
		table.add("Java heap in use, MiB", java.heapUsedMiB, t.heapUsedMiB, Kind.INFO);
		table.add("Java heap committed, MiB", java.heapCommittedMiB, t.heapCommittedMiB, Kind.INFO);
		table.add("final training loss (random data)", java.finalLoss, t.finalLoss, Kind.INFO);
		table.add("CPU used by other processes meanwhile, cores", java.otherCores, t.otherCores, Kind.INFO);
		return table;
	}

	public void add(String metric, double java, double torch, Kind kind) {
		rows.add(new Row(metric, java, torch, kind));
	}

	public List<Row> rows() {
		return rows;
	}

	/** The row of a metric, or null. */
	public Row row(String metric) {
		for (Row r : rows)
			if (r.metric.equals(metric))
				return r;
		return null;
	}

	/** The table as Markdown lines. */
	public List<String> lines() {
		List<String> lines = new ArrayList<>();
		lines.add("| metric | Java | PyTorch | ratio Java/PyTorch |");
		lines.add("|---|---:|---:|---|");
		for (Row r : rows)
			lines.add("| " + r.metric + " | " + format(r.java, r.kind) + " | " + format(r.torch, r.kind) + " | " + ratioText(r) + " |");
		return lines;
	}

	/** One line: whether a speed ratio reaches its goal. */
	public static String target(String what, double ratio, double goal) {
		return String.format(Locale.ROOT, "target %s >= %.1fx the reference: %s (%.2fx)", what, goal, Double.isNaN(ratio) ? "unknown" : ratio >= goal ? "met" : "NOT met",
			ratio);
	}

	static String ratioText(Row r) {
		if (Double.isNaN(r.java) || Double.isNaN(r.torch) || (r.kind == Kind.COUNT && (r.java < 0 || r.torch < 0)))
			return "n/a";
		switch (r.kind) {
			case COUNT:
				return r.java == r.torch ? "equal" : "DIFFERENT";
			case TIME:
			case THROUGHPUT: {
				double q = r.ratio();
				return String.format(Locale.ROOT, "%.2fx (%s)", q, q >= 1 ? "Java faster" : "Java slower");
			}
			case MEMORY: {
				double q = r.ratio();
				return String.format(Locale.ROOT, "%.2fx (%s)", q, q > 1 ? "Java uses more" : "Java uses less");
			}
			default:
				return "";
		}
	}

	static String format(double v, Kind kind) {
		if (Double.isNaN(v) || (kind == Kind.COUNT && v < 0))
			return "n/a";
		if (kind == Kind.COUNT)
			return String.format(Locale.ROOT, "%,d", (long) v);
		if (kind == Kind.MEMORY || Math.abs(v) >= 10)
			return String.format(Locale.ROOT, "%.1f", v);
		return String.format(Locale.ROOT, "%.4f", v);
	}
}
