package org.lesionseg.unet.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.data.ImageFiles;
import org.lesionseg.unet.core.data.Sample;
import org.lesionseg.unet.core.modelfile.DiffusionSettings;
import org.lesionseg.unet.core.modelfile.ModelFile;
import org.lesionseg.unet.core.modelfile.ModelInfo;
import org.lesionseg.unet.core.modelfile.TrainingSettings;
import org.lesionseg.unet.core.predict.Segmenter;
import org.lesionseg.unet.core.train.TrainingConfig;
import org.lesionseg.unet.workflow.sources.ImageSource;

/**
 * A diffusion model through the same doors as a U-Net, on a tiny real training: the model file records the kind,
 * schedule and sampling defaults; it resumes; predict writes the uncertainty map beside the probability; the kinds
 * do not mix.
 */
class DiffusionWorkflowTest {

	@TempDir
	Path dir;

	private static LabelledImages blobs() {
		return blobs(8, 3);
	}

	/** Bright discs of radius 5 at random places on a dim, slightly noisy background. */
	private static LabelledImages blobs(int count, long seed) {
		List<Sample> samples = new ArrayList<>();
		java.util.Random random = new java.util.Random(seed);
		for (int i = 0; i < count; i++) {
			float[] image = new float[32 * 32];
			byte[] mask = new byte[32 * 32];
			int cx = 8 + random.nextInt(16), cy = 8 + random.nextInt(16);
			for (int y = 0; y < 32; y++)
				for (int x = 0; x < 32; x++) {
					boolean lesion = (x - cx) * (x - cx) + (y - cy) * (y - cy) < 25;
					image[y * 32 + x] = lesion ? 0.9f : 0.1f + 0.05f * random.nextFloat();
					mask[y * 32 + x] = (byte) (lesion ? 1 : 0);
				}
			samples.add(Sample.of("blob" + seed + "_" + i, image, 32, 32, 1, mask));
		}
		return new LabelledImages(samples, 8, false, new ArrayList<>());
	}

	private static TrainingSettings settings(int epochs) {
		TrainingSettings s = new TrainingSettings();
		s.modelKind = "diffusion";
		s.diffusion = new DiffusionSettings();
		s.diffusion.samplingSteps = 3;
		s.diffusion.samples = 2;
		s.imageSize = 32;
		s.depth = 2;
		s.baseFeatures = 4;
		s.batchSize = 2;
		s.epochs = epochs;
		s.learningRate = 1e-3f;
		s.augment = "none";
		s.device = "cpu";
		s.valFraction = 0.25;
		s.testFraction = 0;
		s.loaderThreads = 1;
		return s;
	}

	@Test
	void aDiffusionModelTrainsResumesAndPredictsWithAnUncertaintyMap() throws Exception {
		LabelledImages set = blobs();
		Path model = dir.resolve("models").resolve("diffusion.zip");
		TrainingJob.run(set, TrainingConfig.of(settings(1)), model, null, false, null, null, null);
		ModelInfo info = ModelFile.readInfo(model);
		assertEquals("diffusion", info.modelKind);
		assertEquals(1000, info.diffusion.timesteps);
		assertEquals("linear", info.diffusion.schedule);
		assertEquals(3, info.diffusion.samplingSteps);
		assertEquals(2, info.diffusion.samples);
		assertTrue(info.summary().startsWith("diffusion"), info.summary());

		TrainingJob.Outcome resumed = TrainingJob.run(set, TrainingConfig.of(settings(2)), model, null, true, null, null, null);
		assertEquals(2, resumed.training.history.size(), "the resumed run continues the history");
		assertTrue(Double.isFinite(resumed.training.history.get(1).trainLoss));

		// a U-Net training cannot resume or start from a diffusion model
		TrainingSettings unet = settings(3);
		unet.modelKind = "unet";
		unet.diffusion = null;
		UnetException e = assertThrows(UnetException.class, () -> TrainingJob.run(set, TrainingConfig.of(unet), model, null, true, null, null, null));
		assertEquals("the checkpoint is a diffusion model but this training is for a unet model: choose model kind diffusion or start a new training", e.getMessage());

		Path input = Files.createDirectories(dir.resolve("in")), out = dir.resolve("out");
		Sample first = set.samples.get(0);
		byte[] grey = new byte[first.width() * first.height()];
		for (int i = 0; i < grey.length; i++)
			grey[i] = (byte) Math.round(first.imageData()[i] * 255);
		ImageFiles.writePng8(input.resolve("blob.png"), grey, first.width(), first.height());
		SegmentRequest request = SegmentRequest.builder(model, ImageSource.files(input), Spelling.COMMAND_LINE).output(out).device("cpu").build();
		SegmentationJob.run(request, new SegmentationJob.Listener() {
		});
		assertTrue(Files.isRegularFile(out.resolve("blob_prob.tif")));
		assertTrue(Files.isRegularFile(out.resolve("blob_uncertainty.tif")), "a diffusion model writes its uncertainty map");

		// the prediction's own sampling: one sample has no spread
		Path single = dir.resolve("single");
		SegmentationJob.run(SegmentRequest.builder(model, ImageSource.files(input), Spelling.COMMAND_LINE).output(single).device("cpu").sampling(2, 1, -1)
			.build(), new SegmentationJob.Listener() {
			});
		float[] spread = ImageFiles.read(single.resolve("blob_uncertainty.tif")).plane(0);
		for (float v : spread)
			assertEquals(0f, v, "one sample per image: no uncertainty");
		UnetException tooMany = assertThrows(UnetException.class,
			() -> SegmentRequest.builder(model, ImageSource.files(input), Spelling.COMMAND_LINE).output(dir.resolve("x")).sampling(1001, 0, -1).build());
		assertEquals("sampling steps (1001) cannot exceed the diffusion timesteps T (1000)", tooMany.getMessage());
		// a U-Net takes no sampling settings
		TrainingSettings unetSettings = settings(1);
		unetSettings.modelKind = "unet";
		unetSettings.diffusion = null;
		Path unetModel = dir.resolve("unet.zip");
		TrainingJob.run(set, TrainingConfig.of(unetSettings), unetModel, null, false, null, null, null);
		UnetException notDiffusion = assertThrows(UnetException.class,
			() -> SegmentRequest.builder(unetModel, ImageSource.files(input), Spelling.COMMAND_LINE).output(dir.resolve("y")).sampling(5, 0, -1).build());
		assertEquals("sampling_steps (--sampling-steps) applies to diffusion models only; unet.zip is not one: leave it out", notDiffusion.getMessage());

		try (Segmenter s = new Segmenter(model, "cpu", new org.lesionseg.unet.core.predict.TiledPredictor.Options())) {
			assertTrue(s.hasUncertainty());
			float[][] maps = s.maps("blob", first.imageData(), 32, 32, 1, 32);
			assertEquals(2, maps.length);
			// evaluation relates the uncertainty to the errors, over every pixel
			Evaluation.Outcome evaluated = Evaluation.evaluate(s, set.samples, new org.lesionseg.unet.core.predict.MaskPostprocessing.Options(), 0, null);
			assertEquals(set.samples.size() * 32L * 32L, evaluated.uncertainty.wrongPixels() + evaluated.uncertainty.rightPixels());
		}
		try (Segmenter s = new Segmenter(unetModel, "cpu", new org.lesionseg.unet.core.predict.TiledPredictor.Options())) {
			assertNull(Evaluation.evaluate(s, set.samples, new org.lesionseg.unet.core.predict.MaskPostprocessing.Options(), 0, null).uncertainty,
				"a U-Net has no uncertainty map to relate");
		}
		ModelInfo old = new ModelInfo();
		assertEquals("unet", old.kind(), "a file without a kind is a U-Net");
		assertNull(old.diffusion);
	}

	/**
	 * Learning, on images it has not seen: sampled masks of new blob images must overlap the blobs far better than
	 * a network that learnt nothing (all-empty Dice 0; all-foreground about 0.14 for discs of 78 of 1024 pixels).
	 */
	@Test
	void aDiffusionModelLearnsToSampleTheMasksOfUnseenImages() {
		TrainingSettings s = settings(25);
		s.batchSize = 4;
		s.diffusion.samplingSteps = 5;
		Path model = dir.resolve("blobs.zip");
		TrainingJob.run(blobs(20, 5), TrainingConfig.of(s), model, null, false, null, null, null);
		List<org.lesionseg.unet.core.metrics.ImageMetrics> metrics = new ArrayList<>(), full = new ArrayList<>();
		try (Segmenter segmenter = new Segmenter(model, "cpu", new org.lesionseg.unet.core.predict.TiledPredictor.Options())) {
			for (Sample unseen : blobs(6, 99).samples) {
				float[] probability = segmenter.mapsOfNormalised(unseen)[0];
				metrics.add(new org.lesionseg.unet.core.metrics.ImageMetrics(unseen.name(),
					org.lesionseg.unet.core.metrics.ConfusionCounts.of(probability, 0.5f, unseen.maskData())));
				byte[] all = new byte[unseen.maskData().length];
				java.util.Arrays.fill(all, (byte) 1);
				full.add(new org.lesionseg.unet.core.metrics.ImageMetrics(unseen.name(), org.lesionseg.unet.core.metrics.ConfusionCounts.of(all, unseen.maskData())));
			}
		}
		double dice = new org.lesionseg.unet.core.metrics.MetricsSummary(metrics).pooledDice();
		double allForeground = new org.lesionseg.unet.core.metrics.MetricsSummary(full).pooledDice();
		System.out.printf("diffusion blob learning: pooled Dice %.4f on 6 unseen images (all-foreground %.4f, all-empty 0)%n", dice, allForeground);
		assertTrue(allForeground < 0.2, "all-foreground baseline " + allForeground);
		assertTrue(dice > 0.6, "pooled Dice " + dice + " on unseen images: the model did not learn");
	}

	/**
	 * A batch whose loss is not finite leaves the weights unchanged and is skipped by a diffusion training (its loss has
	 * come out NaN for single batches now and then on a CPU without oneDNN); batch after batch of them still stops it.
	 */
	@Test
	void aDiffusionTrainingSkipsASingleNonFiniteBatchButStopsWhenTheyRepeat() {
		LabelledImages set = blobs();
		// one image with a NaN pixel: its batch's loss is NaN in every epoch
		Sample first = set.samples.get(0);
		float[] image = first.imageData().clone();
		image[100] = Float.NaN;
		List<Sample> samples = new ArrayList<>(set.samples);
		samples.set(0, Sample.of(first.name(), image, 32, 32, 1, first.maskData()));
		TrainingSettings s = settings(2);
		s.valFraction = 0;
		List<String> messages = new ArrayList<>();
		org.lesionseg.unet.core.train.TrainingListener listener = new org.lesionseg.unet.core.train.TrainingListener() {
			@Override
			public void message(String text) {
				messages.add(text);
			}
		};
		TrainingJob.Outcome o = TrainingJob.run(new LabelledImages(samples, 8, false, new ArrayList<>()), TrainingConfig.of(s), dir.resolve("one.zip"), null,
			false, null, listener, null);
		assertEquals(2, o.training.history.size());
		assertTrue(Double.isFinite(o.training.history.get(1).trainLoss));
		assertTrue(messages.stream().anyMatch(m -> m.contains("the loss was not finite; the batch is skipped")), messages.toString());

		// every image NaN: three batches in a row, and the usual one line
		List<Sample> broken = new ArrayList<>();
		for (Sample b : set.samples) {
			float[] nan = new float[32 * 32];
			java.util.Arrays.fill(nan, Float.NaN);
			broken.add(Sample.of(b.name(), nan, 32, 32, 1, b.maskData()));
		}
		UnetException e = assertThrows(UnetException.class, () -> TrainingJob.run(new LabelledImages(broken, 8, false, new ArrayList<>()), TrainingConfig.of(s),
			dir.resolve("broken.zip"), null, false, null, null, null));
		assertTrue(e.getMessage().startsWith("training stopped at epoch 1, batch 3: the loss became NaN or infinite"), e.getMessage());
	}
}
