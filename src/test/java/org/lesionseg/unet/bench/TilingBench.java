package org.lesionseg.unet.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.lesionseg.unet.core.data.Sample;
import org.lesionseg.unet.core.modelfile.ModelInfo;
import org.lesionseg.unet.core.model.UNetBlock;
import org.lesionseg.unet.core.model.UNetConfig;
import org.lesionseg.unet.core.predict.TiledPredictor;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Tiled prediction of large square images: seconds and peak resident memory per size. Time should grow with the
 * pixels (tiles), while the network's memory stays that of one batch of tiles; the image, the blending sums and
 * the output map are O(pixels) floats on the Java heap, reported on their own.
 */
public final class TilingBench {

	/** One image size's figures. */
	public static final class Row {
		public int side;
		public int tiles;
		public double seconds;
		/** Peak resident memory during the prediction minus resident memory before it, MiB. */
		public double peakGrowthMiB;
		/** Image + blending sum and weight arrays on the Java heap (the output map reuses the sum), MiB. */
		public double pixelArraysMiB;
		/** Peak growth of the Java heap reserved from the system during the prediction, MiB. */
		public double heapGrowthMiB;
		/** Peak growth of the resident memory outside the Java heap (libtorch's tensors), MiB. */
		public double nativeGrowthMiB;
	}

	private TilingBench() {
	}

	public static List<Row> run(BenchOptions o, Device device, PrintStream out) {
		List<Row> rows = new ArrayList<>();
		CpuMeter cpu = CpuMeter.start();
		UNetConfig config = new UNetConfig().depth(4).baseFeatures(o.tileBase).inputChannels(1);
		ModelInfo info = ModelInfo.of(config);
		info.trainingSize = o.tile;
		info.inputScale = 1.0;
		TiledPredictor.Options options = new TiledPredictor.Options();
		options.tile = o.tile;
		int overlap = o.tile / 4;
		try (NDManager manager = NDManager.newBaseManager(device)) {
			UNetBlock block = new UNetBlock(config);
			block.initialize(manager, DataType.FLOAT32, new Shape(1, 1, o.tile, o.tile));
			TiledPredictor predictor = new TiledPredictor(block, info, manager, options);
			Random random = new Random(o.seed);
			// warm-up, and the memory of one batch of tiles through the network
			predictor.probability(randomImage(random, o.tile * 2));
			System.gc();
			double batchSeconds, batchGrowth;
			try (MemorySampler sampler = new MemorySampler()) {
				long t0 = System.nanoTime();
				predictor.probability(randomImage(random, o.tile * 2));
				batchSeconds = (System.nanoTime() - t0) / 1e9;
				batchGrowth = sampler.peakNativeGrowth();
			}
			out.printf(Locale.ROOT, "model: U-Net base %d, 1 channel; tiles %dx%d, overlap %d, %d tiles per batch; a %dx%d image (%d tiles): %.2f s, peak native growth %.1f MiB%n",
				o.tileBase, o.tile, o.tile, overlap, options.tileBatch, o.tile * 2, o.tile * 2, tileCount(o.tile * 2, o.tile, overlap), batchSeconds,
				batchGrowth);
			out.println("| image | pixels | tiles | seconds | s per Mpixel | ms per tile | peak RSS growth, MiB | peak native growth (RSS - Java heap), MiB "
				+ "| peak Java heap growth, MiB | image + blend arrays (O(pixels)), MiB |");
			out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
			for (int side : o.tileSides) {
				System.gc();
				Row row = new Row();
				float[] map;
				try (MemorySampler sampler = new MemorySampler()) {
					Sample image = randomImage(random, side);
					long s0 = System.nanoTime();
					map = predictor.probability(image);
					row.seconds = (System.nanoTime() - s0) / 1e9;
					row.peakGrowthMiB = sampler.peakRssGrowth();
					row.heapGrowthMiB = sampler.peakHeapGrowth();
					row.nativeGrowthMiB = sampler.peakNativeGrowth();
				}
				row.side = side;
				row.tiles = tileCount(side, o.tile, overlap);
				long pixels = (long) side * side;
				row.pixelArraysMiB = 3.0 * pixels * Float.BYTES / (1024.0 * 1024.0);
				if (map.length != pixels)
					throw new IllegalStateException("tiled prediction returned " + map.length + " values for " + pixels + " pixels");
				rows.add(row);
				out.printf(Locale.ROOT, "| %dx%d | %.2f M | %d | %.2f | %.2f | %.0f | %.1f | %.1f | %.1f | %.1f |%n", side, side, pixels / 1e6, row.tiles,
					row.seconds, row.seconds / (pixels / 1e6), 1000 * row.seconds / row.tiles, row.peakGrowthMiB, row.nativeGrowthMiB, row.heapGrowthMiB,
					row.pixelArraysMiB);
			}
		}
		if (rows.size() >= 2) {
			Row a = rows.get(0), b = rows.get(rows.size() - 1);
			double pixelRatio = (double) b.side * b.side / ((double) a.side * a.side);
			out.printf(Locale.ROOT, "scaling %dx%d -> %dx%d: %.1fx the pixels, %.1fx the tiles, %.1fx the time; peak native growth %.1f -> %.1f MiB "
				+ "(the network's tiles), peak Java heap growth %.1f -> %.1f MiB (O(pixels) arrays %.1f -> %.1f MiB)%n", a.side, a.side, b.side, b.side,
				pixelRatio, (double) b.tiles / a.tiles, b.seconds / a.seconds, a.nativeGrowthMiB, b.nativeGrowthMiB, a.heapGrowthMiB, b.heapGrowthMiB,
				a.pixelArraysMiB, b.pixelArraysMiB);
		}
		out.println(CpuMeter.note(cpu.otherCores()));
		return rows;
	}

	/**
	 * Samples resident memory and the Java heap every few milliseconds on a daemon thread, from its creation to
	 * {@link #close()}: peak growth of the RSS, of the committed Java heap and of the rest (native memory).
	 */
	static final class MemorySampler implements AutoCloseable {
		private final double rss0 = ProcessMemory.rssMiB(), heap0 = ProcessMemory.heapCommittedMiB();
		private volatile double maxRss = rss0, maxHeap = heap0, maxNative = rss0 - heap0;
		private final Thread thread;

		MemorySampler() {
			thread = ProcessMemory.sampleEvery(5, this::sample);
		}

		private synchronized void sample() {
			double rss = ProcessMemory.rssMiB(), heap = ProcessMemory.heapCommittedMiB();
			maxRss = Math.max(maxRss, rss);
			maxHeap = Math.max(maxHeap, heap);
			maxNative = Math.max(maxNative, rss - heap);
		}

		double peakRssGrowth() {
			sample();
			return maxRss - rss0;
		}

		double peakHeapGrowth() {
			sample();
			return maxHeap - heap0;
		}

		double peakNativeGrowth() {
			sample();
			return maxNative - (rss0 - heap0);
		}

		@Override
		public void close() {
			thread.interrupt();
			try {
				thread.join(1000);
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/** Tiles of the predictor's layout: evenly stepped origins, the last flush with the border. */
	static int tileCount(int side, int tile, int overlap) {
		if (side <= tile)
			return 1;
		int step = Math.max(1, tile - overlap);
		int perAxis = (int) Math.ceil((side - tile) / (double) step) + 1;
		return perAxis * perAxis;
	}

	static Sample randomImage(Random random, int side) {
		float[] pixels = new float[side * side];
		for (int i = 0; i < pixels.length; i++)
			pixels[i] = random.nextFloat();
		return Sample.of("random" + side, pixels, side, side, 1, null);
	}
}
