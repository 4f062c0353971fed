package org.lesionseg.unet.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.core.data.Sample;
import org.lesionseg.unet.core.data.SyntheticSamples;
import org.lesionseg.unet.core.train.TrainingData;
import org.lesionseg.unet.core.modelfile.TrainingSettings;
import org.lesionseg.unet.core.train.UNetTrainer;
import org.lesionseg.unet.ij.RoiSets;
import org.lesionseg.unet.workflow.sources.ImageSource;

import ij.ImagePlus;
import ij.ImageStack;
import ij.gui.Roi;
import ij.io.FileSaver;
import ij.process.ByteProcessor;

/** A stack saved by ImageJ, segmented slice by slice into files, ROIs with slice positions and an objects table. */
class SegmentationJobTest {

	@TempDir
	Path dir;

	@Test
	void aStackIsSegmentedSliceBySlice() throws Exception {
		TrainingSettings s = new TrainingSettings();
		s.epochs = 12;
		s.batchSize = 4;
		s.learningRate = 1e-2f;
		s.baseFeatures = 4;
		s.depth = 2;
		s.imageSize = 32;
		s.augment = "none";
		s.device = "cpu";
		List<Sample> all = SyntheticSamples.squares(20, 32, 11);
		Path model = dir.resolve("squares.zip");
		new UNetTrainer(s, null, null).train(new TrainingData(new ArrayList<>(all.subList(0, 16)), new ArrayList<>(all.subList(16, 20)),
			new ArrayList<>(), 8), model, null, false);

		// a 3-slice 8-bit stack, 48 x 40, with one square per slice at a known place (0.2 and 0.7 of 255, as the training data)
		ImageStack stack = new ImageStack(48, 40);
		int[][] squares = { { 4, 4 }, { 20, 10 }, { 30, 22 } };
		for (int[] q : squares) {
			ByteProcessor bp = new ByteProcessor(48, 40);
			bp.setValue(51);
			bp.fill();
			bp.setValue(178);
			bp.setRoi(q[0], q[1], 12, 12);
			bp.fill();
			bp.resetRoi();
			stack.addSlice(bp);
		}
		Path input = Files.createDirectories(dir.resolve("in"));
		new FileSaver(new ImagePlus("stack", stack)).saveAsTiffStack(input.resolve("stack.tif").toString());

		Path out = dir.resolve("out");
		SegmentRequest request = SegmentRequest.builder(model, ImageSource.files(input), Spelling.COMMAND_LINE).output(out).device("cpu").build();
		// the default minimum object size is said in the Log, in the user's spelling and with the calibrated area
		assertEquals("objects under 5 pixels are dropped as specks (--min-size 5; 0 keeps all)", request.prediction().objectRule(null, Spelling.COMMAND_LINE));
		assertEquals("objects under 5 pixels (1.25 mm²) are dropped as specks (min_size=5; 0 keeps all)",
			request.prediction().objectRule(new org.lesionseg.unet.core.predict.PixelCalibration(0.5, 0.5, "mm", 0, 0), Spelling.MACRO));
		List<SegmentationJob.ImageResult> results = SegmentationJob.run(request, new SegmentationJob.Listener() {
		}).images;
		assertEquals(1, results.size());
		assertEquals(3, results.get(0).slices);
		for (int z = 1; z <= 3; z++) {
			assertTrue(Files.isRegularFile(out.resolve(String.format("stack_s%03d_prob.tif", z))));
			assertTrue(Files.isRegularFile(out.resolve(String.format("stack_s%03d_mask.png", z))));
		}
		List<Roi> rois = RoiSets.read(out.resolve("stack_rois.zip"));
		assertTrue(rois.size() >= 3, rois.size() + " ROIs");
		for (int z = 1; z <= 3; z++) {
			final int slice = z;
			Roi roi = rois.stream().filter(r -> r.getPosition() == slice).findFirst().orElseThrow(() -> new AssertionError("no ROI on slice " + slice));
			int[] q = squares[z - 1];
			java.awt.Rectangle b = roi.getBounds();
			assertTrue(b.contains(q[0] + 6, q[1] + 6), "ROI of slice " + z + " " + b + " covers its square's centre");
		}
		List<String> csv = Files.readAllLines(out.resolve("objects.csv"));
		assertEquals(rois.size() + 1, csv.size());
	}
}
