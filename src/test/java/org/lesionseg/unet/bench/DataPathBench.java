package org.lesionseg.unet.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.data.Batch;
import org.lesionseg.unet.core.data.BatchStream;
import org.lesionseg.unet.core.data.DataSplit;
import org.lesionseg.unet.core.data.MaskPolicy;
import org.lesionseg.unet.core.data.Normalization;
import org.lesionseg.unet.core.data.Pairing;
import org.lesionseg.unet.core.data.Sample;
import org.lesionseg.unet.core.data.SampleTransform;
import org.lesionseg.unet.core.train.EpochRecord;
import org.lesionseg.unet.core.train.TrainingData;
import org.lesionseg.unet.core.train.TrainingListener;
import org.lesionseg.unet.core.modelfile.TrainingSettings;
import org.lesionseg.unet.core.train.TrainingConfig;
import org.lesionseg.unet.core.train.UNetTrainer;
import org.lesionseg.unet.workflow.LabelledImages;

import ai.djl.Device;

/**
 * The data path against the network: how many images per second loading, and then resizing + augmenting in the
 * batch workers, deliver; how long a training loop fed by those workers waits for data; and real epochs of
 * {@link UNetTrainer} on the data, to say whether the network or the data is the bottleneck.
 */
public final class DataPathBench {

	/** What the data part found, for the summary. */
	public static final class Result {
		public int images;
		public double loadImagesPerSecond = Double.NaN;
		/** Images per second delivered by the batch workers with the trainer's default worker count, network idle. */
		public double deliveredImagesPerSecond = Double.NaN;
		public int workers;
		/** Images per second the network trains on in the fed loop. */
		public double consumedImagesPerSecond = Double.NaN;
		/** Share of the fed loop's time spent waiting for the next batch. */
		public double waitShare = Double.NaN;
		public double epochSeconds = Double.NaN;
		public String bottleneck = "";
	}

	private DataPathBench() {
	}

	public static Result run(BenchOptions o, Device device, Path dataDir, PrintStream out) {
		Result result = new Result();
		CpuMeter cpu = CpuMeter.start();
		Path images = dataDir.resolve("images"), masks = dataDir.resolve("masks");
		if (!Files.isDirectory(images) || !Files.isDirectory(masks))
			throw new UnetException("no data at " + dataDir.toAbsolutePath() + " (expected images/ and masks/): give --data DIR");
		TrainingSettings settings = new TrainingSettings();
		settings.imageSize = o.size;
		settings.batchSize = o.batch;
		settings.baseFeatures = o.base;
		settings.epochs = o.dataEpochs();
		settings.loss = "bce";
		settings.optimizer = "adam";
		settings.learningRate = 1e-4f;
		settings.augment = "default";
		settings.device = o.device;
		settings.seed = o.seed;
		settings.testFraction = 0;

		long t0 = System.nanoTime();
		LabelledImages set = LabelledImages.fromFolders(images, masks, Pairing.BY_NAME, MaskPolicy.STRICT, Normalization.fromName(settings.normalization));
		double loadSeconds = (System.nanoTime() - t0) / 1e9;
		List<Sample> samples = set.samples;
		Sample first = samples.get(0);
		result.images = samples.size();
		result.loadImagesPerSecond = samples.size() / loadSeconds;
		out.printf(Locale.ROOT, "data: %s, %d images like %s (%dx%d, %d channel(s))%n", dataDir, samples.size(), first.name(), first.width(), first.height(),
			first.channels());
		out.printf(Locale.ROOT, "load (read + decode + normalise, once per training): %.2f s -> %.1f images/s%n", loadSeconds, result.loadImagesPerSecond);
		if (samples.size() < o.batch)
			throw new UnetException("the data part needs at least --batch " + o.batch + " images; " + dataDir + " has " + samples.size());

		// per epoch: resize to the training size + default augmentation, in the trainer's batch workers
		SampleTransform transform = UNetTrainer.trainingTransform(TrainingConfig.of(settings));
		result.workers = settings.loaderThreads;
		int[] workerCounts = settings.loaderThreads == 1 ? new int[] { 1 } : new int[] { 1, settings.loaderThreads };
		for (int workers : workerCounts) {
			result.deliveredImagesPerSecond = deliveryRate(samples, o.batch, o.seed, transform, workers);
			out.printf(Locale.ROOT, "resize to %d + augment (default) + batch, %d worker(s), network idle: %.1f images/s%n", o.size, workers,
				result.deliveredImagesPerSecond);
		}

		// the network fed by the workers, as in training: how long does each step wait for its batch?
		int channels = first.channels();
		int fedSteps = Math.max(2, Math.min(o.steps, 10));
		try (BenchModel model = new BenchModel(device, o.base, channels, o.batch, o.size, 1e-4f, o.seed)) {
			List<Double> steps = new ArrayList<>();
			double waited = 0, stepped = 0;
			int done = 0;
			for (int epoch = 0; done < fedSteps + 1; epoch++) {
				try (BatchStream stream = new BatchStream(samples, o.batch, true, o.seed, epoch, transform, true, settings.loaderThreads)) {
					Iterator<Batch> it = stream.iterator();
					while (done < fedSteps + 1) {
						long w0 = System.nanoTime();
						if (!it.hasNext())
							break;
						Batch batch = it.next();
						long w1 = System.nanoTime();
						model.step(batch, null);
						long w2 = System.nanoTime();
						if (done > 0) { // the first step warms up
							waited += (w1 - w0) / 1e9;
							stepped += (w2 - w1) / 1e9;
							steps.add((w2 - w1) / 1e9);
						}
						done++;
					}
				}
			}
			double median = Stats.median(steps);
			result.consumedImagesPerSecond = o.batch / median;
			result.waitShare = waited / (waited + stepped);
			out.printf(Locale.ROOT, "training fed by %d workers (%d steps, base %d, %dx%d, batch %d, %d channel(s)): step %.3f s median -> %.2f images/s; "
				+ "waiting for data %.1f ms/step (%.1f%% of the time)%n", settings.loaderThreads, steps.size(), o.base, o.size, o.size, o.batch, channels,
				median, result.consumedImagesPerSecond, 1000 * waited / steps.size(), 100 * result.waitShare);
		}

		// real epochs of the trainer: loading, augmenting, training, validation and checkpoints together
		List<String> names = new ArrayList<>();
		for (Sample s : samples)
			names.add(s.name());
		DataSplit.Split split = DataSplit.split(names, 0.2, 0.0, o.seed, "");
		TrainingData data = new TrainingData(set.select(split.train()), set.select(split.val()), new ArrayList<>(), set.bitDepth);
		List<EpochRecord> records = new ArrayList<>();
		Path dir = null;
		try {
			dir = Files.createTempDirectory("unet-bench-");
			long[] marks = new long[2]; // [0] end of the previous epoch (or start), [1] last batch of this epoch
			List<Double> loops = new ArrayList<>(), rest = new ArrayList<>();
			TrainingListener listener = new TrainingListener() {
				@Override
				public void started(String description) {
					marks[0] = System.nanoTime();
				}

				@Override
				public void batchDone(int epoch, int epochs, int batch, int batches, double loss) {
					marks[1] = System.nanoTime();
				}

				@Override
				public void epochDone(EpochRecord record, int epochs, boolean improved, double etaSeconds) {
					long now = System.nanoTime();
					// the epoch's own time ends after validation; the model files are written after it
					double loop = (marks[1] - marks[0]) / 1e9, validation = Math.max(0, record.seconds - loop);
					double files = Math.max(0, (now - marks[1]) / 1e9 - validation);
					marks[0] = now;
					records.add(record);
					loops.add(loop);
					rest.add(files);
					out.printf(Locale.ROOT, "epoch %d/%d: %.1f s (batches %.1f s, validation %.1f s) + writing model and checkpoint %.1f s; train loss %.4f, val Dice %.4f%n",
						record.epoch, epochs, record.seconds, loop, validation, files, record.trainLoss, record.valDice);
				}
			};
			new UNetTrainer(settings, listener, new AtomicBoolean()).train(data, dir.resolve("model.zip"), null, false);
			int batches = data.train.size() / o.batch;
			List<Double> seconds = new ArrayList<>();
			for (EpochRecord e : records)
				seconds.add(e.seconds);
			result.epochSeconds = Stats.median(seconds);
			double loop = Stats.median(loops);
			out.printf(Locale.ROOT, "end to end: %d training + %d validation images, %d batches/epoch; epoch %.1f s median -> %.2f training images/s; "
				+ "batches %.1f s (%.3f s/batch, the fed loop above: %.3f s/step); model files %.1f s per epoch on top%n", data.train.size(), data.val.size(), batches,
				result.epochSeconds, batches * o.batch / result.epochSeconds, loop, loop / batches, o.batch / result.consumedImagesPerSecond, Stats.median(rest));
		} catch (IOException e) {
			throw new UnetException("cannot create a temporary folder for the end-to-end training: " + e.getMessage());
		} finally {
			deleteTree(dir);
		}
		boolean network = result.deliveredImagesPerSecond > result.consumedImagesPerSecond && result.waitShare < 0.05;
		result.bottleneck = network
			? String.format(Locale.ROOT, "the network: the workers deliver %.1f images/s (network idle), %.0fx what training consumes (%.2f images/s), and steps wait for data %.1f%% of the time",
				result.deliveredImagesPerSecond, result.deliveredImagesPerSecond / result.consumedImagesPerSecond, result.consumedImagesPerSecond,
				100 * result.waitShare)
			: String.format(Locale.ROOT, "the data: the workers deliver %.1f images/s, training could consume %.2f images/s, and steps wait for data %.1f%% of the time",
				result.deliveredImagesPerSecond, result.consumedImagesPerSecond, 100 * result.waitShare);
		out.println("bottleneck: " + result.bottleneck);
		out.println(CpuMeter.note(cpu.otherCores()));
		return result;
	}

	/** Images per second the batch workers deliver when nothing consumes them but this loop (>= 2 s or 50 epochs). */
	static double deliveryRate(List<Sample> samples, int batch, long seed, SampleTransform transform, int workers) {
		long start = System.nanoTime();
		long images = 0;
		for (int epoch = 0; epoch < 50; epoch++) {
			try (BatchStream stream = new BatchStream(samples, batch, true, seed, epoch, transform, true, workers)) {
				for (Batch b : stream)
					images += b.size();
			}
			if (System.nanoTime() - start > 2_000_000_000L)
				break;
		}
		return images / ((System.nanoTime() - start) / 1e9);
	}

	static void deleteTree(Path dir) {
		if (dir == null)
			return;
		try (Stream<Path> walk = Files.walk(dir)) {
			walk.sorted(Comparator.reverseOrder()).forEach(p -> {
				try {
					Files.deleteIfExists(p);
				} catch (IOException e) {
					// a leftover temporary file is harmless
				}
			});
		} catch (IOException e) {
			// same
		}
	}
}
