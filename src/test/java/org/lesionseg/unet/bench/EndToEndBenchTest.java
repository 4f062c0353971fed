package org.lesionseg.unet.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.core.train.EpochTimes;

/** The end-to-end part: a real one-epoch run of both sides on tiny images, and the parsing of what each side prints. */
class EndToEndBenchTest {

	@TempDir
	Path dir;

	/**
	 * Both sides train for one epoch on 12 tiny PNG pairs, each in a process of its own; the table has both columns
	 * with positive times and memory and a ratio. Without torch in /usr/bin/python3 the reference is skipped with one
	 * line (CI installs python3-torch, so there it runs).
	 */
	@Test
	void oneEpochOnTinyImagesGivesBothSidesAndRatios() throws Exception {
		Path data = tinyFolderPair(dir.resolve("data"), 12, 32);
		BenchOptions o = new BenchOptions();
		o.data = data;
		o.size = 32;
		o.e2eBase = 4;
		o.e2eBatch = 4;
		o.epochs = 1;
		o.validate();
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		EndToEndBench.Result r = EndToEndBench.run(o, Arrays.asList(Paths.get("").toAbsolutePath()), new PrintStream(bytes, true, StandardCharsets.UTF_8));
		String printed = bytes.toString(StandardCharsets.UTF_8);
		assertNull(r.java.failure, printed);
		assertEquals(10, r.java.trainImages, printed);
		assertEquals(1, r.java.epochSeconds.size(), printed);
		for (String metric : Arrays.asList("training (all epochs), s", "epoch, s (median)", "peak RSS (VmHWM), MiB", "process wall time (start, load, train, finish), s"))
			assertTrue(r.table.row(metric).java > 0, metric + "\n" + printed);
		assertTrue(r.java.peakHeapResidentMiB > 0 && r.java.peakNativeMiB > 0 && r.java.peakHeapResidentMiB + r.java.peakNativeMiB <= 1.5 * r.java.peakRssMiB,
			"heap and native apart\n" + printed);
		assertTrue(r.java.stepSeconds.get(0) > 0 && r.java.validationSeconds.get(0) > 0 && r.java.saveSeconds.get(0) > 0, printed);
		String skipped = ReferenceBench.locate(o, Arrays.asList(Paths.get("").toAbsolutePath()), EndToEndBench.SCRIPT).skipReason;
		if (skipped != null) { // no torch in Python here, or no reference folder beside the project
			assertTrue(skipped.contains("torch") || skipped.contains(EndToEndBench.SCRIPT), skipped);
			assertNull(r.torch);
			assertEquals(1, count(printed, "reference skipped: "), printed);
			return;
		}
		assertNotNull(r.torch, printed);
		assertEquals(10, r.torch.trainImages, printed);
		for (String metric : Arrays.asList("training (all epochs), s", "peak RSS (VmHWM), MiB", "process wall time (start, load, train, finish), s")) {
			ResultTable.Row row = r.table.row(metric);
			assertTrue(row.torch > 0 && row.ratio() > 0 && Double.isFinite(row.ratio()), metric + "\n" + printed);
		}
		assertTrue(printed.contains("target end-to-end training time >= 1.0x the reference: "), printed);
		assertTrue(printed.contains("where the two differ"), printed);
	}

	@Test
	void readsWhatEachSidePrints() {
		// lines as the two sides printed them in a real run on sample-data/isles22-case0009
		List<String> java = Arrays.asList("data: 58 training, 15 validation, 0 test images; 128x128 resize, batch 16",
			new EpochTimes(1, 31.749, 0.281, 4.32, 0.881, 0.052, 37.254, 48).line(), "epoch 1/2 loss 0.77660 val loss 0.80289 val pooled Dice 0.0000",
			new EpochTimes(2, 29.15, 0.036, 3.562, 0.297, Double.NaN, 33.048, 48).line(),
			"training: 2 epochs in 70.302 s; best val pooled Dice 0.1000 at epoch 1; load, training and model check 74.156 s",
			"engine: PyTorch 2.7.1, 0 GPU(s) visible; oneDNN off",
			"memory: peak rss (VmHWM) 1723.4 MiB; sampled peak rss 1723.7 MiB; peak heap committed 576.0 MiB; heap pools' peaks summed 412.1 MiB; peak heap resident 523.1 MiB; peak native (rss - heap resident) 1200.3 MiB; max heap 8192 MiB");
		EndToEndBench.Side j = EndToEndBench.parseJava(java);
		assertEquals(58, j.trainImages);
		assertEquals(Arrays.asList(37.254, 33.048), j.epochSeconds);
		assertEquals(31.749 + 0.281, j.trainSeconds.get(0), 1e-9);
		assertEquals(0.297, j.saveSeconds.get(1), 0);
		assertTrue(Double.isNaN(j.loaderCpuSeconds.get(1)), "a JVM without thread CPU clocks");
		assertEquals(70.302, j.trainingSeconds, 0);
		assertEquals(0.1, j.bestValidation, 0);
		assertEquals(576.0, j.peakHeapCommittedMiB, 0);
		assertEquals(523.1, j.peakHeapResidentMiB, 0);
		assertEquals(1200.3, j.peakNativeMiB, 0);
		assertEquals(48, j.imagesPerEpoch, 0);
		assertTrue(j.engine.startsWith("PyTorch 2.7.1"));

		List<String> torch = Arrays.asList("engine: PyTorch 1.13.0a0, threads 2",
			"data: train 58 slices (17 lesion), val 15 (5 lesion), test 73 (22 lesion); tensor (1, 128, 128), image range [0.000,1.000]",
			"epoch   1/2 train_loss=1.83770 val_mean_dice=0.0013 val_dice_lesion=0.0040 val_global_dice=0.0013 sec=9.6 (train 8.7 + val 0.9) *best",
			"epoch   2/2 train_loss=1.77699 val_mean_dice=0.0013 val_dice_lesion=0.0040 val_global_dice=0.0013 sec=7.6 (train 7.1 + val 0.5)",
			"training: 2 epochs in 17.2s (8.6 s/epoch); best val_mean_dice=0.0013 at epoch 1");
		EndToEndBench.Side t = EndToEndBench.parseReference(torch);
		assertEquals(58, t.trainImages);
		assertEquals(15, t.valImages);
		assertEquals(Arrays.asList(9.6, 7.6), t.epochSeconds);
		assertEquals(Arrays.asList(8.7, 7.1), t.trainSeconds);
		assertEquals(17.2, t.trainingSeconds, 0);
		assertEquals("PyTorch 1.13.0a0, threads 2", t.engine);
		ResultTable table = EndToEndBench.table(j, t);
		assertEquals(17.2 / 70.302, table.row("training (all epochs), s").ratio(), 1e-12, "PyTorch time / Java time");
		assertEquals("n/a", ResultTable.ratioText(EndToEndBench.table(j, null).row("training (all epochs), s")));
	}

	@Test
	void epochTimesReadBackWhatTheyWrite() {
		EpochTimes t = new EpochTimes(3, 1.5, 0.25, 0.5, 0.125, 0.75, 2.5, 64);
		EpochTimes back = EpochTimes.parse("  java| " + t.line());
		assertEquals(3, back.epoch);
		assertEquals(1.5, back.stepSeconds, 0);
		assertEquals(0.25, back.dataWaitSeconds, 0);
		assertEquals(0.5, back.validationSeconds, 0);
		assertEquals(0.125, back.saveSeconds, 0);
		assertEquals(0.75, back.loaderCpuSeconds, 0);
		assertEquals(2.5, back.totalSeconds, 0);
		assertEquals(0.125, back.otherSeconds(), 1e-12);
		assertEquals(64, back.images);
		assertNull(EpochTimes.parse("epoch 3/30 loss 0.5"));
		assertFalse(BenchOptions.Part.parse("all").contains(BenchOptions.Part.E2E), "minutes long: only when asked for");
		assertTrue(BenchOptions.Part.parse("e2e").contains(BenchOptions.Part.E2E));
	}

	/** Mappings as a JVM with -Xmx8g showed them: the heap is one reservation, split where it is committed. */
	@Test
	void findsTheJavaHeapAmongTheMappings() {
		List<String> maps = Arrays.asList("55d0c0000000-55d0c0001000 r--p 00000000 fe:00 1234   /usr/bin/java",
			"600000000-648400000 rw-p 00000000 00:00 0", "648400000-7ff800000 ---p 00000000 00:00 0", "7ff800000-800000000 rw-p 00000000 00:00 0",
			"800000000-840000000 rw-p 00000000 00:00 0", "7f414c140000-7f418c000000 ---p 00000000 00:00 0");
		long[] heap = ProcessMemory.heapRange(maps, 8L << 30);
		assertEquals(0x600000000L, heap[0]);
		assertEquals(0x800000000L, heap[1], "not the class space mapped right after it");
		assertNull(ProcessMemory.heapRange(maps, 2L << 30), "no run starts with 2 GiB");
		List<String> smaps = Arrays.asList("600000000-648400000 rw-p 00000000 00:00 0", "Size:    1184768 kB", "Rss:      500000 kB",
			"648400000-7ff800000 ---p 00000000 00:00 0", "Rss:           0 kB", "800000000-840000000 rw-p 00000000 00:00 0", "Rss:        9000 kB",
			"7f414c140000-7f418c000000 rw-p 00000000 00:00 0 ", "Rss:   7 kB");
		assertEquals(500000, ProcessMemory.residentKbIn(smaps, heap));
		if (ProcessMemory.javaHeapRange() != null) // Linux: this JVM's own heap is found and partly resident
			assertTrue(ProcessMemory.residentMiBIn(ProcessMemory.javaHeapRange()) > 0);
	}

	private static int count(String text, String part) {
		int n = 0;
		for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1))
			n++;
		return n;
	}

	/** {@code n} grey 8-bit PNGs with a bright square and its mask, in dir/images and dir/masks. */
	static Path tinyFolderPair(Path dir, int n, int side) throws Exception {
		Path images = Files.createDirectories(dir.resolve("images")), masks = Files.createDirectories(dir.resolve("masks"));
		Random random = new Random(5);
		for (int i = 0; i < n; i++) {
			BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY), mask = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY);
			int x0 = 4 + random.nextInt(side / 2), y0 = 4 + random.nextInt(side / 2);
			for (int y = 0; y < side; y++)
				for (int x = 0; x < side; x++) {
					boolean inside = x >= x0 && x < x0 + 8 && y >= y0 && y < y0 + 8;
					image.getRaster().setSample(x, y, 0, (inside ? 180 : 60) + random.nextInt(30));
					mask.getRaster().setSample(x, y, 0, inside ? 255 : 0);
				}
			String name = String.format("s%02d.png", i);
			ImageIO.write(image, "png", images.resolve(name).toFile());
			ImageIO.write(mask, "png", masks.resolve(name).toFile());
		}
		return dir;
	}
}
