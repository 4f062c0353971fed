package org.lesionseg.unet.workflow;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.io.AtomicFiles;
import org.lesionseg.unet.core.io.CsvWriter;
import org.lesionseg.unet.core.metrics.ImageMetrics;
import org.lesionseg.unet.core.metrics.MetricsCsv;
import org.lesionseg.unet.core.predict.UncertaintyTable;
import org.lesionseg.unet.core.predict.ObjectTable;

/**
 * The records that make a sharded segmentation resumable and mergeable, in {@code OUTPUT/parts/}: a manifest (the
 * sorted input files and the settings, the same for every shard) and, per input file, its objects
 * ({@code FILE.objects.csv}) and, written last, a record of the result files ({@code FILE.done}). An image counts as
 * done only when its record exists, its objects table is whole and every file it lists is there: the result files and
 * the records are written atomically, so a task killed half-way leaves no half file and its image is simply done again.
 * {@link #merge(Path)} joins the objects of all images, in input order, into {@code objects.csv}: the same bytes as a
 * single run.
 */
public final class ShardedOutput {

	/** The folder of the records, inside the output folder. */
	public static final String PARTS = "parts";
	static final String MANIFEST = "manifest.txt";
	private static final String MAGIC = "unet shard manifest 1";
	private static final String HEADER_LINE = String.join(",", SegmentationJob.OBJECTS_HEADER) + "\n";

	private final Path output;
	private final Path parts;
	private final List<String> files;
	private final int shards;

	private ShardedOutput(Path output, List<String> files, int shards) {
		this.output = output;
		this.parts = output.resolve(PARTS);
		this.files = files;
		this.shards = shards;
	}

	/**
	 * Starts the records of a sharded run, or checks that those already there are of the same input and settings.
	 *
	 * @throws UnetException when the folder holds results of other images or other settings
	 */
	static ShardedOutput open(Path output, List<String> fileNames, String settings, int shards) {
		ShardedOutput records = new ShardedOutput(output, new ArrayList<>(fileNames), shards);
		Path manifest = records.parts.resolve(MANIFEST);
		String wanted = manifestText(fileNames, settings, shards);
		if (Files.isRegularFile(manifest)) {
			String existing = read(manifest);
			if (!withoutShardCount(existing).equals(withoutShardCount(wanted)))
				throw new UnetException("the output folder " + output + " holds results of another run (other images or settings: " + firstDifference(existing, wanted)
					+ "): choose a new output folder, or delete " + records.parts + " to start again");
			if (existing.equals(wanted))
				return records;
		}
		AtomicFiles.write(manifest, out -> out.write(wanted.getBytes(StandardCharsets.UTF_8)));
		return records;
	}

	private static String manifestText(List<String> fileNames, String settings, int shards) {
		StringBuilder sb = new StringBuilder(MAGIC).append('\n').append("shards=").append(shards).append('\n');
		sb.append("settings=").append(settings.replace('\n', ' ')).append('\n');
		for (String f : fileNames)
			sb.append("file=").append(f).append('\n');
		return sb.toString();
	}

	/** The shard count is told by the run that last wrote the manifest; resubmitting with another count is fine. */
	private static String withoutShardCount(String manifest) {
		return manifest.replaceAll("(?m)^shards=.*\n", "");
	}

	private static String firstDifference(String a, String b) {
		String[] x = a.split("\n"), y = b.split("\n");
		for (int i = 0; i < Math.max(x.length, y.length); i++) {
			String l = i < x.length ? x[i] : "(nothing)", r = i < y.length ? y[i] : "(nothing)";
			if (!l.equals(r))
				return "was " + l + ", now " + r;
		}
		return "?";
	}

	/** Whether this input file has a complete, valid result (an image that could not be read is tried again). */
	boolean isDone(String fileName) {
		Record r = record(fileName);
		return r != null && r.error == null;
	}

	/**
	 * Records the image's objects, metrics (null without true masks) and slice uncertainty scores (null without
	 * uncertainty maps), then (last) the files written for it.
	 */
	void recordDone(String fileName, ObjectTable objects, List<String> writtenFiles, List<ImageMetrics> metrics, UncertaintyTable uncertainty) {
		String table = CsvWriter.text(SegmentationJob.OBJECTS_HEADER, objects.rows());
		AtomicFiles.write(objectsFile(fileName), out -> out.write(table.getBytes(StandardCharsets.UTF_8)));
		List<String> listed = new ArrayList<>(writtenFiles);
		if (metrics != null) {
			String rows = MetricsCsv.text(metrics);
			AtomicFiles.write(metricsFile(fileName), out -> out.write(rows.getBytes(StandardCharsets.UTF_8)));
			listed.add(PARTS + "/" + metricsFile(fileName).getFileName());
		}
		if (uncertainty != null) {
			String rows = CsvWriter.text(uncertainty.header(), uncertainty.rows());
			AtomicFiles.write(uncertaintyFile(fileName), out -> out.write(rows.getBytes(StandardCharsets.UTF_8)));
			listed.add(PARTS + "/" + uncertaintyFile(fileName).getFileName());
		}
		writeDone(fileName, "files=" + String.join("\t", listed) + "\n");
	}

	private Path metricsFile(String fileName) {
		return parts.resolve(fileName + ".metrics.csv");
	}

	private Path uncertaintyFile(String fileName) {
		return parts.resolve(fileName + ".uncertainty.csv");
	}

	/** Records that the file could not be read: the merge reports it as a single run does, a new run tries it again. */
	void recordUnreadable(String fileName, String message) {
		AtomicFiles.write(objectsFile(fileName), out -> out.write(HEADER_LINE.getBytes(StandardCharsets.UTF_8)));
		writeDone(fileName, "files=\nerror=" + message.replace('\n', ' ') + "\n");
	}

	private void writeDone(String fileName, String text) {
		AtomicFiles.write(doneFile(fileName), out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
	}

	private Path objectsFile(String fileName) {
		return parts.resolve(fileName + ".objects.csv");
	}

	private Path doneFile(String fileName) {
		return parts.resolve(fileName + ".done");
	}

	/** A valid record, or null when the image is not done (no record, a part missing, a listed file missing or empty). */
	private Record record(String fileName) {
		Path done = doneFile(fileName), objects = objectsFile(fileName);
		if (!Files.isRegularFile(done) || !Files.isRegularFile(objects))
			return null;
		String table = read(objects);
		if (!table.startsWith(HEADER_LINE) || !table.endsWith("\n"))
			return null;
		String error = null;
		for (String line : read(done).split("\n")) {
			if (line.startsWith("files=")) {
				for (String f : line.substring("files=".length()).split("\t"))
					if (!f.isEmpty() && !nonEmptyFile(output.resolve(f)))
						return null;
			} else if (line.startsWith("error=")) {
				error = line.substring("error=".length());
			}
		}
		return new Record(table.substring(HEADER_LINE.length()), error);
	}

	private static boolean nonEmptyFile(Path f) {
		try {
			return Files.isRegularFile(f) && Files.size(f) > 0;
		} catch (IOException e) {
			return false;
		}
	}

	/** The input files without a complete result, in input order. */
	List<String> missing() {
		List<String> missing = new ArrayList<>();
		for (String f : files)
			if (record(f) == null)
				missing.add(f);
		return missing;
	}

	private static final class Record {
		final String rows;
		final String error;

		Record(String rows, String error) {
			this.rows = rows;
			this.error = error;
		}
	}

	/** What a merge gave. */
	public static final class Merged {
		public final Path objectsCsv;
		/** The joined metrics.csv when the run compared with true masks, else null. */
		public final Path metricsCsv;
		/** The joined uncertainty.csv when the run had uncertainty maps, else null. */
		public final Path uncertaintyCsv;
		public final int images;
		public final int objects;
		/** "file: reason" for each image that could not be read. */
		public final List<String> unreadable;

		Merged(Path objectsCsv, Path metricsCsv, Path uncertaintyCsv, int images, int objects, List<String> unreadable) {
			this.objectsCsv = objectsCsv;
			this.metricsCsv = metricsCsv;
			this.uncertaintyCsv = uncertaintyCsv;
			this.images = images;
			this.objects = objects;
			this.unreadable = Collections.unmodifiableList(unreadable);
		}
	}

	/** Whether the folder holds the records of a sharded run. */
	public static boolean isSharded(Path output) {
		return Files.isRegularFile(output.resolve(PARTS).resolve(MANIFEST));
	}

	/**
	 * Joins the objects of every image of a sharded run, in input order, into {@code OUTPUT/objects.csv}.
	 *
	 * @throws UnetException when the folder is not a sharded output, or naming the images still without a result and
	 *             the shards that hold them
	 */
	public static Merged merge(Path output) {
		Path manifest = output.resolve(PARTS).resolve(MANIFEST);
		if (!Files.isRegularFile(manifest))
			throw new UnetException(output + " holds no sharded results (no " + PARTS + "/" + MANIFEST
				+ "): give the output folder of a segmentation run with --shard i/N (macro key shard)");
		List<String> files = new ArrayList<>();
		int shards = 1;
		for (String line : read(manifest).split("\n")) {
			if (line.startsWith("file="))
				files.add(line.substring("file=".length()));
			else if (line.startsWith("shards="))
				shards = Integer.parseInt(line.substring("shards=".length()).trim());
		}
		return new ShardedOutput(output, files, shards).merge();
	}

	/** Joins the records into {@code objects.csv}; called by the last shard to finish, and by {@code unet merge}. */
	Merged merge() {
		StringBuilder table = new StringBuilder(HEADER_LINE), metrics = new StringBuilder(MetricsCsv.HEADER + "\n");
		String uncertaintyHeader = String.join(",", UncertaintyTable.COLUMNS) + "\n";
		StringBuilder uncertainty = new StringBuilder(uncertaintyHeader);
		boolean withMetrics = false, withUncertainty = false;
		List<String> missing = new ArrayList<>(), unreadable = new ArrayList<>();
		List<Integer> missingShards = new ArrayList<>();
		int objects = 0;
		for (int i = 0; i < files.size(); i++) {
			Record r = record(files.get(i));
			if (r == null) {
				missing.add(files.get(i));
				int shard = Shard.indexOf(i, files.size(), shards);
				if (!missingShards.contains(shard))
					missingShards.add(shard);
				continue;
			}
			if (r.error != null)
				unreadable.add(r.error);
			table.append(r.rows);
			Path m = metricsFile(files.get(i));
			if (r.error == null && Files.isRegularFile(m)) {
				withMetrics = true;
				metrics.append(read(m).substring(MetricsCsv.HEADER.length() + 1));
			}
			Path u = uncertaintyFile(files.get(i));
			if (r.error == null && Files.isRegularFile(u)) {
				withUncertainty = true;
				uncertainty.append(read(u).substring(uncertaintyHeader.length()));
			}
			objects += r.rows.isEmpty() ? 0 : r.rows.split("\n").length;
		}
		if (!missing.isEmpty())
			throw new UnetException(missing.size() + " of " + files.size() + " images have no complete result yet (first: " + missing.get(0) + "; shards "
				+ joined(missingShards) + " of " + shards + "): run those shards again (finished images are skipped), then merge");
		Path csv = output.resolve("objects.csv");
		byte[] bytes = table.toString().getBytes(StandardCharsets.UTF_8);
		AtomicFiles.write(csv, out -> out.write(bytes));
		Path metricsCsv = null;
		if (withMetrics) {
			metricsCsv = output.resolve("metrics.csv");
			byte[] metricsBytes = metrics.toString().getBytes(StandardCharsets.UTF_8);
			AtomicFiles.write(metricsCsv, out -> out.write(metricsBytes));
		}
		Path uncertaintyCsv = null;
		if (withUncertainty) {
			uncertaintyCsv = output.resolve(SegmentationJob.UNCERTAINTY_CSV);
			byte[] uncertaintyBytes = uncertainty.toString().getBytes(StandardCharsets.UTF_8);
			AtomicFiles.write(uncertaintyCsv, out -> out.write(uncertaintyBytes));
		}
		return new Merged(csv, metricsCsv, uncertaintyCsv, files.size() - unreadable.size(), objects, unreadable);
	}

	private static String joined(List<Integer> numbers) {
		StringBuilder sb = new StringBuilder();
		for (int n : numbers)
			sb.append(sb.length() == 0 ? "" : ",").append(n);
		return sb.toString();
	}

	private static String read(Path file) {
		try {
			return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
		} catch (IOException e) {
			throw new UnetException("cannot read " + file + " (" + e.getMessage() + "): check the file and your read permission", e);
		}
	}
}
