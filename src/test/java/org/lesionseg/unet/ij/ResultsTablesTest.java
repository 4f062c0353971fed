package org.lesionseg.unet.ij;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.metrics.ConfusionCounts;
import org.lesionseg.unet.core.metrics.ImageMetrics;
import org.lesionseg.unet.core.metrics.MetricsSummary;
import org.lesionseg.unet.core.predict.ObjectTable;
import org.lesionseg.unet.core.predict.SegmentedObject;
import org.lesionseg.unet.core.train.EpochRecord;

import ij.ImagePlus;
import ij.measure.Calibration;
import ij.measure.ResultsTable;
import ij.process.ByteProcessor;

class ResultsTablesTest {

	@TempDir
	Path folder;

	/** Image a: tp 6, fp 2, fn 4, tn 88. Image b: nothing anywhere (an empty slice predicted empty). */
	private static List<ImageMetrics> twoImages() {
		return Arrays.asList(new ImageMetrics("a", new ConfusionCounts(6, 2, 4, 88)), new ImageMetrics("b, empty", new ConfusionCounts(0, 0, 0, 100)));
	}

	@Test
	void metricsTableHasOneRowPerImageWithHandValues() {
		ResultsTable rt = ResultsTables.fromMetrics(twoImages());
		assertArrayEquals(new String[] { "Image", "Dice", "IoU", "Accuracy", "Precision", "Recall", "Truth px", "Predicted px" }, rt.getHeadings());
		assertEquals(2, rt.size());
		assertEquals("a", rt.getStringValue("Image", 0));
		assertEquals(12.0 / 18, rt.getValue("Dice", 0), 1e-12); // 2·6 / (2·6 + 2 + 4)
		assertEquals(6.0 / 12, rt.getValue("IoU", 0), 1e-12); // 6 / (6 + 2 + 4)
		assertEquals(94.0 / 100, rt.getValue("Accuracy", 0), 1e-12);
		assertEquals(6.0 / 8, rt.getValue("Precision", 0), 1e-12);
		assertEquals(6.0 / 10, rt.getValue("Recall", 0), 1e-12);
		assertEquals(10, rt.getValue("Truth px", 0));
		assertEquals(8, rt.getValue("Predicted px", 0));
		assertEquals(1.0, rt.getValue("Dice", 1), 1e-12, "both empty: Dice 1");
		assertEquals("0.6667", rt.getStringValue("Dice", 0));
		assertEquals("10", rt.getStringValue("Truth px", 0));
	}

	@Test
	void summaryTableGivesMeanAndPooledValues() {
		MetricsSummary summary = new MetricsSummary(twoImages());
		ResultsTable rt = ResultsTables.fromSummary(summary);
		assertEquals(1, rt.size());
		assertEquals(2, rt.getValue("Images", 0));
		assertEquals((12.0 / 18 + 1) / 2, rt.getValue("Mean Dice", 0), 1e-12);
		assertEquals(12.0 / 18, rt.getValue("Mean Dice (lesion)", 0), 1e-12);
		assertEquals(12.0 / 18, rt.getValue("Pooled Dice", 0), 1e-12);
		assertEquals((0.5 + 1) / 2, rt.getValue("Mean IoU", 0), 1e-12);
		assertEquals((0.94 + 1) / 2, rt.getValue("Mean accuracy", 0), 1e-12);
		assertEquals(0.75, rt.getValue("Pooled precision", 0), 1e-12);
		assertEquals(0.6, rt.getValue("Pooled recall", 0), 1e-12);
		assertEquals(10, rt.getValue("Truth px", 0));
		assertEquals(8, rt.getValue("Predicted px", 0));
	}

	@Test
	void historyTableHasOneRowPerEpoch() {
		List<EpochRecord> history = Arrays.asList(new EpochRecord(1, 0.9, 0.8, 0.2, 0.25, 0.11, 0.97, 1e-4, 12.34),
			new EpochRecord(2, 0.7, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 5e-5, 11.0));
		ResultsTable rt = ResultsTables.fromHistory(history);
		assertArrayEquals(new String[] { "Epoch", "Train loss", "Val loss", "Val Dice", "Val mean Dice", "Val IoU", "Val accuracy", "Learning rate",
			"Seconds" }, rt.getHeadings());
		assertEquals(2, rt.size());
		assertEquals(2, rt.getValue("Epoch", 1));
		assertEquals(0.9, rt.getValue("Train loss", 0), 1e-12);
		assertEquals(0.25, rt.getValue("Val mean Dice", 0), 1e-12);
		assertEquals(0.97, rt.getValue("Val accuracy", 0), 1e-12);
		assertTrue(Double.isNaN(rt.getValue("Val Dice", 1)));
		assertEquals(5e-5, rt.getValue("Learning rate", 1), 1e-18);
		assertEquals("1.00E-4", rt.getStringValue("Learning rate", 0));
		assertEquals("12.3", rt.getStringValue("Seconds", 0));
	}

	@Test
	void objectsTableHasTheColumnsOfObjectsCsv() {
		ObjectTable objects = new ObjectTable();
		objects.add("brain", 3, new SegmentedObject(1, 42, 10.5, 20.25, 5, 15, 12, 11, 0.8765, 0.99), null);
		objects.add("brain", 3, new SegmentedObject(2, 7, 30, 5, 28, 3, 4, 4, 0.61, 0.7), null);
		ResultsTable rt = ResultsTables.fromObjects(objects);
		assertArrayEquals(ObjectTable.PIXEL_COLUMNS.toArray(new String[0]), rt.getHeadings());
		assertEquals(2, rt.size());
		assertEquals("brain", rt.getStringValue("image", 1));
		assertEquals(3, rt.getValue("slice", 0));
		assertEquals(2, rt.getValue("object", 1));
		assertEquals(42, rt.getValue("area_px", 0));
		assertEquals(0.8765, rt.getValue("mean_probability", 0), 1e-12);
		assertEquals(10.5, rt.getValue("centroid_x", 0), 1e-12);
		assertEquals(20.25, rt.getValue("centroid_y", 0), 1e-12);
		assertEquals(12, rt.getValue("bwidth", 0));
	}

	@Test
	void calibratedImagesAddCalibratedColumnsAndKeepThePixelOnes() {
		SegmentedObject o = new SegmentedObject(4, 10, 2.5, 4.5, 1, 3, 3, 3, 0.7, 0.9);
		ObjectTable objects = new ObjectTable();
		objects.add("pixels", 1, o, null);
		assertFalse(objects.calibrated());
		Calibration cal = new Calibration();
		cal.pixelWidth = 0.5;
		cal.pixelHeight = 2;
		cal.setUnit("mm");
		ImagePlus imp = new ImagePlus("img", new ByteProcessor(8, 8));
		assertEquals(null, ImagePlanes.calibration(imp), "an image in pixels has no calibration");
		imp.setCalibration(cal);
		objects.add("img", 2, o, ImagePlanes.calibration(imp));
		ResultsTable rt = ResultsTables.fromObjects(objects);
		List<String> headings = Arrays.asList(rt.getHeadings());
		assertEquals(objects.header(), headings);
		assertTrue(headings.containsAll(ObjectTable.PIXEL_COLUMNS) && headings.containsAll(ObjectTable.CALIBRATED_COLUMNS), headings.toString());
		assertEquals(10, rt.getValue("area_px", 1), 0);
		assertEquals(2.5, rt.getValue("centroid_x", 1), 0);
		assertEquals(10 * 0.5 * 2, rt.getValue("area_calibrated", 1), 1e-12);
		assertEquals(1.25, rt.getValue("centroid_x_calibrated", 1), 1e-12);
		assertEquals(9, rt.getValue("centroid_y_calibrated", 1), 1e-12);
		assertEquals("mm", rt.getStringValue("unit", 1));
		assertTrue(Double.isNaN(rt.getValue("area_calibrated", 0)), "the uncalibrated image has no calibrated area");
		assertEquals(0.7, rt.getValue("mean_probability", 1), 1e-12);
	}

	@Test
	void savedCsvHasHeaderQuotedTextAndTheShownNumbers() throws IOException {
		Path csv = folder.resolve("sub/metrics.csv");
		ResultsTables.save(ResultsTables.fromMetrics(twoImages()), csv);
		List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
		assertEquals(Arrays.asList("Image,Dice,IoU,Accuracy,Precision,Recall,Truth px,Predicted px", "a,0.6667,0.5000,0.9400,0.7500,0.6000,10,8",
			"\"b, empty\",1.0000,1.0000,1.0000,1.0000,1.0000,0,0"), // empty truth and prediction: precision and recall 1
			lines);
		// no temporary file is left beside it
		try (Stream<Path> files = Files.list(csv.getParent())) {
			assertEquals(1, files.count());
		}
	}

	@Test
	void emptyTablesSaveAndBadArgumentsAreExplained() throws IOException {
		Path csv = folder.resolve("empty.csv");
		ResultsTables.save(ResultsTables.fromObjects(new ObjectTable()), csv);
		assertTrue(Files.exists(csv));
		assertThrows(UnetException.class, () -> ResultsTables.fromMetrics(null));
		UnetException e = assertThrows(UnetException.class, () -> ResultsTables.save(null, csv));
		assertEquals("cannot save the table: no table given", e.getMessage());
	}

	@Test
	void showDoesNothingHeadless() {
		assertFalse(ResultsTables.show(ResultsTables.fromMetrics(twoImages()), ResultsTables.METRICS_TITLE));
	}
}
