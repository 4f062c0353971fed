package org.lesionseg.unet.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.lesionseg.unet.core.UnetException;

class MetricsSummaryTest {

	/** A: partly right; B: empty and predicted empty; C: lesion missed. */
	private static List<ImageMetrics> threeImages() {
		return Arrays.asList(new ImageMetrics("a", new ConfusionCounts(2, 1, 1, 2)),
				new ImageMetrics("b", new ConfusionCounts(0, 0, 0, 6)),
				new ImageMetrics("c", new ConfusionCounts(0, 0, 3, 3)));
	}

	@Test
	void handComputedSummary() {
		MetricsSummary summary = new MetricsSummary(threeImages());
		assertEquals(3, summary.images());
		assertEquals((2.0 / 3.0 + 1 + 0) / 3, summary.meanDice(), 1e-12);
		assertEquals((2.0 / 3.0 + 0) / 2, summary.meanDiceNonEmpty(), 1e-12);
		// pooled tp=2 fp=1 fn=4 tn=11: 4 / (4 + 1 + 4)
		assertEquals(new ConfusionCounts(2, 1, 4, 11), summary.pooledCounts());
		assertEquals(4.0 / 9.0, summary.pooledDice(), 1e-12);
		assertEquals((0.5 + 1 + 0) / 3, summary.meanIou(), 1e-12);
		assertEquals((4.0 / 6.0 + 1 + 0.5) / 3, summary.meanAccuracy(), 1e-12);
		assertEquals(2.0 / 3.0, summary.pooledPrecision(), 1e-12);
		assertEquals(2.0 / 6.0, summary.pooledRecall(), 1e-12);
		assertEquals("summary: images=3 mean_dice=0.5556 mean_dice_nonempty=0.3333 pooled_dice=0.4444"
				+ " mean_iou=0.5000 accuracy=0.7222", summary.summaryLine());
	}

	@Test
	void summaryLineIgnoresTheUsersLocale() {
		Locale before = Locale.getDefault();
		try {
			Locale.setDefault(Locale.GERMANY);
			assertTrue(new MetricsSummary(threeImages()).summaryLine().contains("mean_dice=0.5556"));
		} finally {
			Locale.setDefault(before);
		}
	}

	@Test
	void missingValuesPrintAsNan() {
		assertEquals("summary: images=0 mean_dice=nan mean_dice_nonempty=nan pooled_dice=nan mean_iou=nan accuracy=nan",
				new MetricsSummary(Collections.<ImageMetrics>emptyList()).summaryLine());
		MetricsSummary onlyEmpty = new MetricsSummary(
				Collections.singletonList(new ImageMetrics("empty", new ConfusionCounts(0, 0, 0, 9))));
		assertEquals("summary: images=1 mean_dice=1.0000 mean_dice_nonempty=nan pooled_dice=1.0000 mean_iou=1.0000"
				+ " accuracy=1.0000", onlyEmpty.summaryLine());
	}

	@Test
	void missingInputIsExplained() {
		assertThrows(UnetException.class, () -> new MetricsSummary(null));
		assertThrows(UnetException.class, () -> new MetricsSummary(Arrays.asList(threeImages().get(0), null)));
		assertThrows(UnetException.class, () -> new ImageMetrics(null, ConfusionCounts.ZERO));
	}

	/**
	 * An empty prediction on the 73 ISLES'22 slices of case 0009: the 51 slices without lesion score Dice 1, the
	 * 22 with lesion 0, and the pooled Dice is 0. The lesion sizes must match the index shipped with the data, which
	 * checks that the masks are read as raster samples.
	 */
	@Test
	void emptyPredictionOnIslesMasks() throws IOException {
		Path data = Paths.get("sample-data/isles22-case0009");
		if (!Files.isDirectory(data)) {
			data = Paths.get("/work/main/sample-data/isles22-case0009");
		}
		Map<String, Long> indexedPixels = new HashMap<>();
		List<String> index = Files.readAllLines(data.resolve("index.csv"), StandardCharsets.UTF_8);
		for (String line : index.subList(1, index.size())) {
			String[] fields = line.split(",");
			indexedPixels.put(fields[0], Long.parseLong(fields[2]));
		}
		List<ImageMetrics> metrics = new ArrayList<>();
		try (DirectoryStream<Path> masks = Files.newDirectoryStream(data.resolve("masks"), "*.png")) {
			for (Path mask : masks) {
				byte[] truth = readMask(mask);
				String name = mask.getFileName().toString().replace(".png", "");
				ConfusionCounts counts = ConfusionCounts.of(new float[truth.length], 0.5f, truth);
				assertEquals(indexedPixels.get(name).longValue(), counts.truthPixels(), name);
				assertEquals(0, counts.predictedPixels());
				metrics.add(new ImageMetrics(name, counts));
			}
		}
		MetricsSummary summary = new MetricsSummary(metrics);
		assertEquals(73, summary.images());
		assertEquals(51.0 / 73.0, summary.meanDice(), 1e-12);
		assertEquals(0.0, summary.meanDiceNonEmpty());
		assertEquals(0.0, summary.pooledDice());
		assertEquals(51.0 / 73.0, summary.meanIou(), 1e-12);
		assertEquals(0.0, summary.pooledRecall());
		assertTrue(summary.summaryLine().startsWith("summary: images=73 mean_dice=0.6986 mean_dice_nonempty=0.0000"
				+ " pooled_dice=0.0000 mean_iou=0.6986 accuracy="), summary.summaryLine());
	}

	/** Reads an 8-bit mask PNG as raster samples (getRGB would colour-convert grey values). */
	private static byte[] readMask(Path file) throws IOException {
		BufferedImage image = ImageIO.read(file.toFile());
		Raster raster = image.getRaster();
		int width = raster.getWidth();
		int height = raster.getHeight();
		byte[] mask = new byte[width * height];
		for (int y = 0; y < height; y++) {
			for (int x = 0; x < width; x++) {
				mask[y * width + x] = (byte) (raster.getSample(x, y, 0) != 0 ? 1 : 0);
			}
		}
		return mask;
	}
}
