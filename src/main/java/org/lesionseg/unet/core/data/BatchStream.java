package org.lesionseg.unet.core.data;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.lesionseg.unet.core.UnetException;

/**
 * The batches of one epoch, prepared ahead of the consumer by worker threads.
 * <p>
 * The epoch's order is a shuffle seeded with {@code seed + epoch} (or the input order). Each sample is transformed
 * with its own {@link Random} derived from (seed, epoch, sample index), so the batches are the same whatever the
 * number of workers or the timing. Workers build whole batches; at most {@code prefetch} batches are in flight or
 * waiting, which bounds memory while letting training run without waiting for data when workers keep up.
 * An exception in a worker surfaces from the consumer's {@code next()}; {@link #close()} stops the workers.
 * <p>
 * Use one stream per epoch, in try-with-resources:
 *
 * <pre>
 * BatchStream.Config config = BatchStream.config().batchSize(4).seed(42).transform(augment.andThen(SampleTransform.resize(256, 256)));
 * try (BatchStream batches = config.open(trainSamples, epoch)) {
 * 	for (Batch batch : batches)
 * 		step(batch);
 * }
 * </pre>
 */
public final class BatchStream implements Iterable<Batch>, AutoCloseable {

	/** Batches prepared ahead by default. */
	public static final int DEFAULT_PREFETCH = 4;

	private static final AtomicInteger STREAMS = new AtomicInteger();

	private final List<Sample> samples;
	private final int batchSize;
	private final long seed;
	private final int epoch;
	private final SampleTransform transform;
	private final int workers;
	private final int prefetch;
	private final List<Integer> order;
	private final int batchCount;

	private ExecutorService executor;
	/** CPU time spent building batches, on whichever threads built them (nanoseconds). */
	private final java.util.concurrent.atomic.AtomicLong buildCpuNanos = new java.util.concurrent.atomic.AtomicLong();
	private volatile boolean cpuClockMissing;
	private boolean iterated;
	private volatile boolean closed;

	/**
	 * @param samples the data set (not modified: transforms must return new samples)
	 * @param shuffle whether to shuffle the order, with {@code new Random(seed + epoch)}
	 * @param transform applied to every sample with its own random generator (e.g. augment, then resize)
	 * @param dropLast whether to leave out a last batch smaller than batchSize
	 * @param workers threads preparing batches; 0 prepares each batch in {@code next()} on the calling thread
	 */
	public BatchStream(List<Sample> samples, int batchSize, boolean shuffle, long seed, int epoch, SampleTransform transform, boolean dropLast, int workers) {
		this(samples, batchSize, shuffle, seed, epoch, transform, dropLast, workers, DEFAULT_PREFETCH);
	}

	/** As the other constructor, with the number of batches to prepare ahead. */
	public BatchStream(List<Sample> samples, int batchSize, boolean shuffle, long seed, int epoch, SampleTransform transform, boolean dropLast, int workers,
			int prefetch) {
		if (batchSize < 1)
			throw new UnetException("the batch size must be at least 1, not " + batchSize);
		if (workers < 0 || prefetch < 1)
			throw new IllegalArgumentException("workers must be >= 0 and prefetch >= 1");
		this.samples = new ArrayList<>(samples);
		this.batchSize = batchSize;
		this.seed = seed;
		this.epoch = epoch;
		this.transform = transform == null ? SampleTransform.identity() : transform;
		this.workers = workers;
		this.prefetch = prefetch;
		List<Integer> indices = new ArrayList<>(samples.size());
		for (int i = 0; i < samples.size(); i++)
			indices.add(i);
		if (shuffle)
			Collections.shuffle(indices, new Random(seed + epoch));
		this.order = Collections.unmodifiableList(indices);
		this.batchCount = batchCount(samples.size(), batchSize, dropLast);
	}

	/** Number of batches in an epoch of {@code samples} samples. */
	public static int batchCount(int samples, int batchSize, boolean dropLast) {
		return dropLast ? samples / batchSize : (samples + batchSize - 1) / batchSize;
	}

	/** The number of batches this stream gives. */
	public int size() {
		return batchCount;
	}

	/** Indices into the sample list in this epoch's order. */
	public List<Integer> order() {
		return order;
	}

	/** The random generator for one sample in one epoch: a mix of the three numbers, independent of threads. */
	public static Random randomFor(long seed, int epoch, int sampleIndex) {
		long mixed = mix(mix(mix(seed) + epoch) + sampleIndex);
		return new Random(mixed);
	}

	/** SplitMix64's finaliser: spreads nearby inputs over unrelated seeds. */
	private static long mix(long z) {
		z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
		z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
		return z ^ (z >>> 31);
	}

	/**
	 * CPU seconds the loader spent building this stream's batches so far (reading, augmenting, packing), from the
	 * threads' CPU clocks; NaN where the JVM cannot measure thread CPU time.
	 */
	public double loaderCpuSeconds() {
		return cpuClockMissing ? Double.NaN : buildCpuNanos.get() / 1e9;
	}

	/** Builds batch number {@code index}, adding the CPU time it took to {@link #loaderCpuSeconds()}. */
	private Batch build(int index) {
		java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
		long cpu = threads.getCurrentThreadCpuTime(); // -1 where unsupported
		try {
			return buildBatch(index);
		} finally {
			if (cpu < 0)
				cpuClockMissing = true;
			else
				buildCpuNanos.addAndGet(threads.getCurrentThreadCpuTime() - cpu);
		}
	}

	/** Transforms the samples of batch number {@code index} in order and packs them. */
	private Batch buildBatch(int index) {
		int from = index * batchSize, to = Math.min(from + batchSize, order.size());
		List<Sample> transformed = new ArrayList<>(to - from);
		for (int position = from; position < to; position++) {
			if (closed || Thread.currentThread().isInterrupted())
				throw new CancellationException("batch stream closed");
			int sampleIndex = order.get(position);
			Sample sample = transform.apply(samples.get(sampleIndex), randomFor(seed, epoch, sampleIndex));
			transformed.add(sample);
		}
		return Batch.of(transformed);
	}

	/**
	 * The batches in order. Can be called once per stream; workers start here.
	 */
	@Override
	public synchronized Iterator<Batch> iterator() {
		if (iterated)
			throw new IllegalStateException("a batch stream can be iterated only once: open a new one for each epoch");
		if (closed)
			throw new IllegalStateException("batch stream is closed");
		iterated = true;
		if (workers > 0)
			executor = Executors.newFixedThreadPool(workers, daemonThreads());
		return new Prefetcher();
	}

	private ThreadFactory daemonThreads() {
		int stream = STREAMS.incrementAndGet();
		AtomicInteger count = new AtomicInteger();
		return runnable -> {
			Thread thread = new Thread(runnable, "unet-batches-" + stream + "-" + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

	private final class Prefetcher implements Iterator<Batch> {

		private final ArrayDeque<Future<Batch>> pending = new ArrayDeque<>();
		private int nextToSubmit;
		private int nextToReturn;

		Prefetcher() {
			fill();
		}

		private void fill() {
			if (executor == null)
				return;
			while (pending.size() < prefetch && nextToSubmit < batchCount && !closed) {
				int index = nextToSubmit++;
				pending.add(executor.submit(() -> build(index)));
			}
		}

		@Override
		public boolean hasNext() {
			return nextToReturn < batchCount && !closed;
		}

		@Override
		public Batch next() {
			if (closed)
				throw new IllegalStateException("batch stream is closed");
			if (nextToReturn >= batchCount)
				throw new NoSuchElementException();
			int index = nextToReturn++;
			if (executor == null)
				return build(index);
			Future<Batch> head = pending.poll();
			fill(); // keep the workers busy while we wait for the head
			if (nextToReturn == batchCount)
				executor.shutdown(); // all submitted: let the threads end even if close() is forgotten
			try {
				return head.get();
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				close();
				throw new UnetException("loading training batches was interrupted", e);
			} catch (ExecutionException e) {
				close();
				Throwable cause = e.getCause();
				if (cause instanceof RuntimeException)
					throw (RuntimeException) cause;
				if (cause instanceof Error)
					throw (Error) cause;
				throw new UnetException("preparing batch " + (index + 1) + " failed: " + cause, cause);
			} catch (CancellationException e) {
				throw new IllegalStateException("batch stream is closed", e);
			}
		}
	}

	/** Stops the workers: queued batches are dropped and running ones stop at their next sample. */
	@Override
	public void close() {
		closed = true;
		ExecutorService running = executor;
		if (running != null) {
			running.shutdownNow();
			try {
				running.awaitTermination(10, TimeUnit.SECONDS);
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/** Reusable settings from which one {@link BatchStream} per epoch is opened. */
	public static Config config() {
		return new Config();
	}

	/** Settings of a {@link BatchStream}; defaults: batch 4, shuffled, seed 0, no transform, keep last, 2 workers, prefetch 4. */
	public static final class Config {

		private int batchSize = 4;
		private boolean shuffle = true;
		private long seed;
		private SampleTransform transform = SampleTransform.identity();
		private boolean dropLast;
		private int workers = 2;
		private int prefetch = DEFAULT_PREFETCH;

		public Config batchSize(int value) {
			batchSize = value;
			return this;
		}

		public Config shuffle(boolean value) {
			shuffle = value;
			return this;
		}

		public Config seed(long value) {
			seed = value;
			return this;
		}

		public Config transform(SampleTransform value) {
			transform = value;
			return this;
		}

		public Config dropLast(boolean value) {
			dropLast = value;
			return this;
		}

		public Config workers(int value) {
			workers = value;
			return this;
		}

		public Config prefetch(int value) {
			prefetch = value;
			return this;
		}

		/** The stream of one epoch over the samples. */
		public BatchStream open(List<Sample> samples, int epoch) {
			return new BatchStream(samples, batchSize, shuffle, seed, epoch, transform, dropLast, workers, prefetch);
		}
	}
}
