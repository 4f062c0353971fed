package org.lesionseg.unet.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.data.Sample;
import org.lesionseg.unet.core.train.EpochRecord;
import org.lesionseg.unet.core.train.TrainingData;
import org.lesionseg.unet.core.train.TrainingListener;
import org.lesionseg.unet.core.modelfile.TrainingSettings;
import org.lesionseg.unet.core.train.UNetTrainer;

/**
 * Resident memory over a long training: many short epochs of the real trainer (validation and checkpoints
 * included) on tiny synthetic data. A leak shows as RSS that keeps climbing from epoch to epoch.
 */
public final class MemoryBench {

	/** Memory after one epoch. */
	public static final class Row {
		public int epoch;
		public double seconds;
		public double rssMiB;
		/** Java heap in use after the last garbage collection. */
		public double liveHeapMiB;
		/** Java heap reserved from the system (part of the RSS). */
		public double committedHeapMiB;
	}

	private MemoryBench() {
	}

	public static List<Row> run(BenchOptions o, PrintStream out) {
		TrainingSettings s = new TrainingSettings();
		s.epochs = o.memoryEpochs;
		s.batchSize = 4;
		s.imageSize = 64;
		s.baseFeatures = 8;
		s.loss = "bce";
		s.optimizer = "adam";
		s.learningRate = 1e-3f;
		s.augment = "default";
		s.device = o.device;
		s.seed = o.seed;
		Random random = new Random(o.seed);
		List<Sample> train = new ArrayList<>(), val = new ArrayList<>();
		for (int i = 0; i < 16; i++)
			train.add(disc("train" + i, 64, random));
		for (int i = 0; i < 4; i++)
			val.add(disc("val" + i, 64, random));
		TrainingData data = new TrainingData(train, val, new ArrayList<>(), 8);
		List<Row> rows = new ArrayList<>();
		CpuMeter cpu = CpuMeter.start();
		out.printf(Locale.ROOT, "training %d epochs: U-Net base %d, 64x64, batch 4, 16 training + 4 validation synthetic images, adam, checkpoints every epoch%n",
			s.epochs, s.baseFeatures);
		out.printf(Locale.ROOT, "rss before: %.1f MiB%n", ProcessMemory.rssMiB());
		out.println("| epoch | seconds | RSS, MiB | Java heap committed, MiB | Java heap after last GC, MiB |");
		out.println("|---:|---:|---:|---:|---:|");
		Path dir = null;
		try {
			dir = Files.createTempDirectory("unet-bench-memory-");
			TrainingListener listener = new TrainingListener() {
				@Override
				public void epochDone(EpochRecord record, int epochs, boolean improved, double etaSeconds) {
					Row row = new Row();
					row.epoch = record.epoch;
					row.seconds = record.seconds;
					row.rssMiB = ProcessMemory.rssMiB();
					row.committedHeapMiB = ProcessMemory.heapCommittedMiB();
					row.liveHeapMiB = ProcessMemory.heapAfterLastGcMiB();
					rows.add(row);
					out.printf(Locale.ROOT, "| %d | %.2f | %.1f | %.1f | %.1f |%n", row.epoch, row.seconds, row.rssMiB, row.committedHeapMiB, row.liveHeapMiB);
				}
			};
			new UNetTrainer(s, listener, new AtomicBoolean()).train(data, dir.resolve("model.zip"), null, false);
		} catch (IOException e) {
			throw new UnetException("cannot create a temporary folder for the memory run: " + e.getMessage());
		} finally {
			DataPathBench.deleteTree(dir);
		}
		out.println(summary(rows));
		out.printf(Locale.ROOT, "the Java heap has %.0f MiB reserved (of at most %d MiB): the RSS grows by up to that much as the JVM first touches it; "
			+ "-Xms/-Xmx bound it%n", ProcessMemory.heapCommittedMiB(), Runtime.getRuntime().maxMemory() / (1 << 20));
		out.println(CpuMeter.note(cpu.otherCores()));
		return rows;
	}

	/**
	 * RSS of the first and last epoch, and the growth per epoch (least squares) from epoch 2 on and over the last
	 * half: allocators settle in the first epochs, a leak keeps climbing to the end.
	 */
	static String summary(List<Row> rows) {
		if (rows.isEmpty())
			return "memory: no epoch finished";
		Row first = rows.get(0), last = rows.get(rows.size() - 1);
		double fromSecond = slope(rows.size() > 2 ? rows.subList(1, rows.size()) : rows);
		double lastHalf = slope(rows.subList(rows.size() / 2, rows.size()));
		double heap = heapSlope(rows.size() > 2 ? rows.subList(1, rows.size()) : rows);
		// flat: what the last half's trend adds over the last half is under 3% of the resident memory
		double halfEpochs = rows.size() - rows.size() / 2;
		String verdict = Double.isNaN(lastHalf) || rows.size() < 6 ? "too few epochs to tell"
			: Math.abs(lastHalf * halfEpochs) < 0.03 * last.rssMiB ? "flat at the end" : lastHalf > 0 ? "still growing" : "shrinking";
		return String.format(Locale.ROOT,
			"memory: RSS %.1f MiB after epoch %d, %.1f MiB after epoch %d; %+.2f MiB/epoch from epoch 2, %+.2f MiB/epoch over the last half (%s); live heap %+.3f MiB/epoch",
			first.rssMiB, first.epoch, last.rssMiB, last.epoch, orZero(fromSecond), orZero(lastHalf), verdict, orZero(heap));
	}

	private static double slope(List<Row> rows) {
		double[] x = new double[rows.size()], y = new double[rows.size()];
		for (int i = 0; i < x.length; i++) {
			x[i] = rows.get(i).epoch;
			y[i] = rows.get(i).rssMiB;
		}
		return Stats.slope(x, y);
	}

	private static double heapSlope(List<Row> rows) {
		double[] x = new double[rows.size()], y = new double[rows.size()];
		for (int i = 0; i < x.length; i++) {
			x[i] = rows.get(i).epoch;
			y[i] = rows.get(i).liveHeapMiB;
		}
		return Stats.slope(x, y);
	}

	private static double orZero(double v) {
		return Double.isNaN(v) ? 0 : v;
	}

	/** A noisy image with a brighter disc, and the disc as its mask. */
	static Sample disc(String name, int side, Random random) {
		float[] pixels = new float[side * side];
		byte[] mask = new byte[side * side];
		double cx = side * (0.3 + 0.4 * random.nextDouble()), cy = side * (0.3 + 0.4 * random.nextDouble()), r = side * (0.1 + 0.1 * random.nextDouble());
		for (int y = 0; y < side; y++)
			for (int x = 0; x < side; x++) {
				boolean inside = (x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r;
				pixels[y * side + x] = (float) ((inside ? 0.7 : 0.3) + 0.1 * random.nextGaussian());
				mask[y * side + x] = (byte) (inside ? 1 : 0);
			}
		return Sample.of(name, pixels, side, side, 1, mask);
	}
}
