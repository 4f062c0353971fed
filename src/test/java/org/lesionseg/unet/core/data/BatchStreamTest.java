package org.lesionseg.unet.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.lesionseg.unet.core.UnetException;

class BatchStreamTest {

	/** n samples of 6x5, 2 channels, filled with distinct values, masks with one set pixel. */
	static List<Sample> samples(int n) {
		List<Sample> samples = new ArrayList<>();
		for (int s = 0; s < n; s++) {
			float[] pixels = new float[6 * 5 * 2];
			for (int i = 0; i < pixels.length; i++)
				pixels[i] = s * 1000 + i;
			byte[] mask = new byte[30];
			mask[s % 30] = 1;
			samples.add(Sample.of("s" + s, pixels, 6, 5, 2, mask));
		}
		return samples;
	}

	/** A transform that uses its random generator: a random crop and random noise. */
	static final SampleTransform RANDOM = SampleTransform.randomCrop(4).andThen((sample, random) -> {
		float[] copy = sample.imageData().clone();
		for (int i = 0; i < copy.length; i++)
			copy[i] += random.nextFloat();
		return sample.withImage(copy, sample.width(), sample.height(), sample.channels(), sample.maskData());
	});

	static List<Batch> all(BatchStream stream) {
		List<Batch> batches = new ArrayList<>();
		try (BatchStream s = stream) {
			for (Batch b : s)
				batches.add(b);
		}
		return batches;
	}

	@Test
	void packsSamplesInOrderWithoutShuffle() {
		List<Batch> batches = all(new BatchStream(samples(5), 2, false, 0, 0, null, false, 1));
		assertEquals(3, batches.size());
		Batch first = batches.get(0);
		assertEquals(Arrays.asList("s0", "s1"), first.names());
		assertArrayEquals(new long[] { 2, 2, 5, 6 }, first.imageShape());
		assertArrayEquals(new long[] { 2, 1, 5, 6 }, first.maskShape());
		assertTrue(first.images == first.images() && first.masks == first.masks());
		assertArrayEquals(new int[] { 2, 2, 5, 6 }, new int[] { first.n, first.c, first.h, first.w });
		// s0 fills indices 0..59 with 0..59, s1 starts at 60 with 1000, 1001, ...
		assertEquals(59f, first.images()[59], 0f);
		assertEquals(1000f, first.images()[60], 0f);
		assertEquals(1031f, first.images()[60 + 31], 0f); // s1, channel 1, pixel 1
		assertEquals(1f, first.masks()[0], 0f); // s0 mask pixel 0
		assertEquals(1f, first.masks()[30 + 1], 0f); // s1 mask pixel 1
		assertEquals(Arrays.asList("s4"), batches.get(2).names());
		assertEquals(2, all(new BatchStream(samples(5), 2, false, 0, 0, null, true, 0)).size());
	}

	@Test
	void sameBatchesWhateverTheWorkerCount() {
		List<Sample> data = samples(11);
		for (int epoch = 0; epoch < 2; epoch++) {
			List<Batch> reference = all(new BatchStream(data, 3, true, 42, epoch, RANDOM, false, 0));
			for (int workers : new int[] { 1, 3 }) {
				List<Batch> batches = all(new BatchStream(data, 3, true, 42, epoch, RANDOM, false, workers));
				assertEquals(reference.size(), batches.size());
				for (int b = 0; b < batches.size(); b++) {
					assertEquals(reference.get(b).names(), batches.get(b).names());
					assertArrayEquals(reference.get(b).images(), batches.get(b).images(), 0f);
					assertArrayEquals(reference.get(b).masks(), batches.get(b).masks(), 0f);
				}
			}
		}
		// a new epoch reshuffles and redraws
		List<Batch> e0 = all(new BatchStream(data, 11, true, 42, 0, RANDOM, false, 2));
		List<Batch> e1 = all(new BatchStream(data, 11, true, 42, 1, RANDOM, false, 2));
		assertNotEquals(e0.get(0).names(), e1.get(0).names());
		assertEquals(new HashSet<>(e0.get(0).names()), new HashSet<>(e1.get(0).names()));
	}

	@Test
	void workersRunAhead() throws InterruptedException {
		AtomicInteger calls = new AtomicInteger();
		SampleTransform counting = (sample, random) -> {
			calls.incrementAndGet();
			return sample;
		};
		try (BatchStream stream = new BatchStream(samples(40), 2, false, 0, 0, counting, false, 2, 4)) {
			Iterator<Batch> it = stream.iterator();
			// without any next(): the 4 prefetched batches (8 samples) get prepared, and no more
			long deadline = System.currentTimeMillis() + 5000;
			while (calls.get() < 8 && System.currentTimeMillis() < deadline)
				Thread.sleep(5);
			Thread.sleep(50);
			assertEquals(8, calls.get());
			it.next();
			deadline = System.currentTimeMillis() + 5000;
			while (calls.get() < 10 && System.currentTimeMillis() < deadline)
				Thread.sleep(5);
			assertEquals(10, calls.get());
		}
	}

	@Test
	void workerErrorsSurfaceInNext() {
		SampleTransform failing = (sample, random) -> {
			if (sample.name().equals("s5"))
				throw new UnetException("broken sample s5");
			return sample;
		};
		for (int workers : new int[] { 0, 2 }) {
			try (BatchStream stream = new BatchStream(samples(8), 2, false, 0, 0, failing, false, workers)) {
				Iterator<Batch> it = stream.iterator();
				it.next();
				it.next();
				UnetException e = assertThrows(UnetException.class, it::next);
				assertEquals("broken sample s5", e.getMessage());
			}
		}
	}

	@Test
	void mixedSizesInOneBatchAreAnError() {
		List<Sample> data = new ArrayList<>(samples(1));
		data.add(Sample.of("big", new float[8 * 8 * 2], 8, 8, 2, new byte[64]));
		UnetException e = assertThrows(UnetException.class, () -> all(new BatchStream(data, 2, false, 0, 0, null, false, 1)));
		assertTrue(e.getMessage().startsWith("sample big is 8x8x2 but s0 is 6x5x2 in the same batch"), e.getMessage());
	}

	@Test
	void samplesWithoutMasks() {
		List<Sample> data = Arrays.asList(Sample.of("a", new float[] { 1 }, 1, 1, 1, null), Sample.of("b", new float[] { 2 }, 1, 1, 1, null));
		Batch batch = all(new BatchStream(data, 2, false, 0, 0, null, false, 1)).get(0);
		assertNull(batch.masks());
		assertArrayEquals(new float[] { 1, 2 }, batch.images(), 0f);
	}

	@Test
	void closeStopsThreadsPromptly() throws InterruptedException {
		SampleTransform slow = (sample, random) -> {
			long until = System.nanoTime() + 20_000_000L; // 20 ms of busy work per sample
			while (System.nanoTime() < until) {
				// burn
			}
			return sample;
		};
		BatchStream stream = new BatchStream(samples(60), 4, false, 0, 0, slow, false, 2);
		Iterator<Batch> it = stream.iterator();
		it.next();
		long start = System.nanoTime();
		stream.close();
		assertTrue((System.nanoTime() - start) / 1e6 < 1000, "close took too long");
		assertFalse(it.hasNext());
		assertThrows(IllegalStateException.class, it::next);
		Thread.sleep(20);
		Set<String> alive = new HashSet<>();
		for (Thread t : Thread.getAllStackTraces().keySet())
			if (t.isAlive() && t.getName().startsWith("unet-batches-"))
				alive.add(t.getName());
		assertTrue(alive.isEmpty(), "still running: " + alive);
		assertThrows(IllegalStateException.class, stream::iterator);
	}

	@Test
	void configOpensEpochs() {
		BatchStream.Config config = BatchStream.config().batchSize(4).seed(3).workers(1).dropLast(true);
		try (BatchStream stream = config.open(samples(10), 0)) {
			assertEquals(2, stream.size());
			assertEquals(10, new HashSet<>(stream.order()).size());
		}
		assertEquals(3, BatchStream.batchCount(10, 4, false));
		assertEquals(2, BatchStream.batchCount(10, 4, true));
		assertThrows(UnetException.class, () -> config.batchSize(0).open(samples(2), 0));
	}
}
