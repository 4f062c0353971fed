package org.lesionseg.unet.ij;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.core.train.EpochRecord;
import org.lesionseg.unet.core.train.TrainingListener;

import ij.ImagePlus;
import ij.gui.Plot;
import ij.process.ImageProcessor;

class TrainingPlotTest {

	private static EpochRecord record(int epoch, double trainLoss, double valLoss, double valDice) {
		return new EpochRecord(epoch, trainLoss, valLoss, valDice, valDice, 0.4, 0.95, 1e-4, 2);
	}

	@Test
	void threeSeriesWithOnePointPerEpoch() {
		TrainingPlot plot = new TrainingPlot(false);
		plot.epochDone(record(1, 1.2, 1.1, 0.1), 10, true, 90);
		plot.epochDone(record(2, 0.8, 0.9, 0.3), 10, true, 80);
		plot.epochDone(record(3, 0.6, 0.7, 0.5), 10, true, 70);
		Plot p = plot.getPlot();
		assertEquals(3, p.getNumPlotObjects());
		assertArrayEquals(new float[] { 1, 2, 3 }, p.getDataObjectArrays(0)[0]);
		assertArrayEquals(new float[] { 1.2f, 0.8f, 0.6f }, p.getDataObjectArrays(0)[1]);
		assertArrayEquals(new float[] { 1.1f, 0.9f, 0.7f }, p.getDataObjectArrays(1)[1]);
		assertArrayEquals(new float[] { 0.1f, 0.3f, 0.5f }, p.getDataObjectArrays(2)[1]);
		String designations = Arrays.toString(p.getDataObjectDesignations());
		assertTrue(designations.contains("train loss") && designations.contains("val loss") && designations.contains("val Dice"), designations);
		// the x axis spans the planned epochs, the y axis the largest loss, each with a margin so that no point sits on the frame
		double[] limits = p.getLimits();
		assertEquals(10.5, limits[1], 1e-9);
		assertEquals(-0.05 * 1.2, limits[2], 1e-9);
		assertEquals(1.2 * 1.05, limits[3], 1e-9);
	}

	@Test
	void rendersHeadlessToANonEmptyImage() {
		TrainingPlot plot = new TrainingPlot();
		plot.update(Arrays.asList(record(1, 0.9, 0.8, 0.2), record(2, 0.7, 0.75, 0.35)), 5);
		ImagePlus imp = plot.getImagePlus();
		assertTrue(imp.getWidth() > 100 && imp.getHeight() > 100, imp.getWidth() + "x" + imp.getHeight());
		assertEquals(TrainingPlot.TITLE, imp.getTitle());
		// something was drawn in the train loss colour
		ImageProcessor ip = imp.getProcessor().convertToRGB();
		int wanted = TrainingPlot.TRAIN_LOSS_COLOR.getRGB() & 0xffffff;
		int found = 0;
		for (int i = 0; i < ip.getPixelCount(); i++)
			if ((ip.get(i) & 0xffffff) == wanted)
				found++;
		assertTrue(found > 10, "pixels in the train loss colour: " + found);
	}

	@Test
	void emptyPlotRendersToo() {
		ImagePlus imp = new TrainingPlot(false).getImagePlus();
		assertTrue(imp.getWidth() > 0 && imp.getHeight() > 0);
	}

	@Test
	void missingValidationLeavesTheSeriesOut() {
		TrainingPlot plot = new TrainingPlot(false);
		plot.update(Arrays.asList(record(1, 0.5, Double.NaN, Double.NaN), record(2, 0.4, Double.NaN, Double.NaN)), 2);
		assertEquals(1, plot.getPlot().getNumPlotObjects());
		// the y axis still reaches 1 so that a later Dice fits
		assertEquals(1.05, plot.getPlot().getLimits()[3], 1e-9);
	}

	@Test
	void repeatedEpochsReplaceTheTail() {
		TrainingPlot plot = new TrainingPlot(false);
		plot.update(Arrays.asList(record(1, 0.9, 0.8, 0.2), record(2, 0.7, 0.75, 0.35), record(3, 0.6, 0.7, 0.4)), 5);
		plot.epochDone(record(3, 0.55, 0.65, 0.45), 5, true, 10);
		assertEquals(3, plot.history().size());
		assertArrayEquals(new float[] { 0.9f, 0.7f, 0.55f }, plot.getPlot().getDataObjectArrays(0)[1]);
	}

	@Test
	void chainPassesEveryEventToEveryListenerInOrder() {
		List<String> events = new ArrayList<>();
		TrainingListener a = new Recorder("a", events);
		TrainingListener b = new Recorder("b", events);
		TrainingListener chain = TrainingPlot.chain(a, null, b);
		chain.started("go");
		chain.batchDone(1, 2, 3, 4, 0.5);
		chain.epochDone(record(1, 0.5, 0.5, 0.5), 2, false, 1);
		chain.message("hi");
		assertEquals(Arrays.asList("a started go", "b started go", "a batch 1 3", "b batch 1 3", "a epoch 1", "b epoch 1", "a message hi",
			"b message hi"), events);
	}

	/**
	 * With a display, one plot window is opened and redrawn in place (not one window per epoch) and tables appear.
	 * Windows are impossible with java.awt.headless=true, so this runs in a child JVM under a virtual display
	 * (xvfb-run); where that is missing the test is skipped.
	 */
	@Test
	void withADisplayOnePlotWindowIsUpdatedInPlace(@TempDir Path folder) throws Exception {
		Path xvfbRun = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)).map(p -> Paths.get(p, "xvfb-run"))
			.filter(Files::isExecutable).findFirst().orElse(null);
		assumeTrue(xvfbRun != null, "xvfb-run is not installed: cannot open windows without a display");
		String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
		Path output = folder.resolve("probe.txt");
		ProcessBuilder builder = new ProcessBuilder(xvfbRun.toString(), "-a", java, "-cp", System.getProperty("java.class.path"),
			ImageJWindowsProbe.class.getName());
		builder.redirectErrorStream(true);
		builder.redirectOutput(output.toFile());
		Process process = builder.start();
		if (!process.waitFor(60, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new AssertionError("window probe did not finish: " + new String(Files.readAllBytes(output), StandardCharsets.UTF_8));
		}
		String text = new String(Files.readAllBytes(output), StandardCharsets.UTF_8);
		assertEquals(0, process.exitValue(), text);
		List<String> lines = Arrays.asList(text.trim().split("\\R"));
		assertEquals(Arrays.asList("images 1", "title " + TrainingPlot.TITLE, "points 4", "tables " + ResultsTables.HISTORY_TITLE), lines, text);
	}

	private static final class Recorder implements TrainingListener {

		private final String name;
		private final List<String> events;

		Recorder(String name, List<String> events) {
			this.name = name;
			this.events = events;
		}

		@Override
		public void started(String description) {
			events.add(name + " started " + description);
		}

		@Override
		public void batchDone(int epoch, int epochs, int batch, int batches, double loss) {
			events.add(name + " batch " + epoch + " " + batch);
		}

		@Override
		public void epochDone(EpochRecord record, int epochs, boolean improved, double etaSeconds) {
			events.add(name + " epoch " + record.epoch);
		}

		@Override
		public void message(String text) {
			events.add(name + " message " + text);
		}
	}
}
