package org.lesionseg.unet.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.nio.file.Paths;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.core.data.MaskPolicy;
import org.lesionseg.unet.core.data.Normalization;
import org.lesionseg.unet.core.data.Pairing;
import org.lesionseg.unet.core.metrics.ImageMetrics;
import org.lesionseg.unet.core.metrics.MetricsSummary;
import org.lesionseg.unet.core.modelfile.DiffusionSettings;
import org.lesionseg.unet.core.modelfile.ModelFile;
import org.lesionseg.unet.core.modelfile.ModelInfo;
import org.lesionseg.unet.core.modelfile.TrainingSettings;

/**
 * Learning, shown on real data for the diffusion kind: a small MedSegDiff-style denoiser trained on the BHSD CT
 * slices of sample-data, split by volume as the U-Net's learning test does, must sample masks of the held-back
 * slices far better than a network that learnt nothing could (all-empty Dice 0, all-foreground below 0.05).
 */
class DiffusionLearningTest {

	@TempDir
	Path dir;

	@Test
	void aDiffusionModelTrainedOnRealCtSlicesSegmentsTheHeldBackSlices() {
		LabelledImages set = LabelledImages.fromFolders(Paths.get("sample-data/ich-ct-bhsd/images"), Paths.get("sample-data/ich-ct-bhsd/masks"),
			Pairing.BY_NAME, MaskPolicy.STRICT, Normalization.SCALE_01);
		TrainingSettings s = new TrainingSettings();
		s.modelKind = "diffusion";
		s.diffusion = new DiffusionSettings();
		s.diffusion.samplingSteps = Integer.getInteger("dl.steps", 5);
		s.diffusion.samples = Integer.getInteger("dl.samples", 2);
		s.diffusion.prediction = System.getProperty("dl.prediction", s.diffusion.prediction);
		s.inputMode = System.getProperty("dl.mode", "patch");
		s.imageSize = Integer.getInteger("dl.size", 64);
		s.depth = Integer.getInteger("dl.depth", 3);
		s.baseFeatures = Integer.getInteger("dl.base", 8);
		s.batchSize = 4;
		s.epochs = Integer.getInteger("dl.epochs", 10);
		s.learningRate = 1e-3f;
		s.augment = "flip,rot90";
		s.device = "cpu";
		s.seed = 7;
		s.groupBy = LearningOnRealDataTest.VOLUME;
		Path model = dir.resolve("ich-diffusion.zip");
		long start = System.nanoTime();
		TrainingJob.Outcome o = TrainingJob.run(set, org.lesionseg.unet.core.train.TrainingConfig.of(s), model, null, false, null, null, null);
		double seconds = (System.nanoTime() - start) / 1e9;

		MetricsSummary test = o.test.summary;
		ModelInfo info = ModelFile.readInfo(model);
		assertTrue(info.isDiffusion());
		java.util.Set<String> seen = new java.util.HashSet<>();
		for (String name : info.trainImages)
			seen.add(name.substring(0, 3));
		for (String name : info.valImages)
			seen.add(name.substring(0, 3));
		for (ImageMetrics m : o.test.images)
			assertFalse(seen.contains(m.name().substring(0, 3)), "test slice " + m.name() + " has a slice of its volume in training or validation");
		System.out.printf("diffusion learning test: pooled test Dice %.4f, mean %.4f on %d slices, best val Dice %.4f at epoch %d, %.0f s%n",
			test.pooledDice(), test.meanDice(), test.images(), o.training.bestValDice, o.training.bestEpoch, seconds);
		for (org.lesionseg.unet.core.train.EpochRecord r : o.training.history)
			System.out.printf("  epoch %d train loss %.4f val loss %.4f val Dice %.4f %.1f s%n", r.epoch, r.trainLoss, r.valLoss, r.valDice, r.seconds);
		assertTrue(test.pooledDice() > 0.3, "pooled test Dice " + test.pooledDice() + " is no better than a network that did not learn");
		assertEquals(test.pooledDice(), info.metrics.get("test_pooled_dice"), 1e-9);
	}
}
