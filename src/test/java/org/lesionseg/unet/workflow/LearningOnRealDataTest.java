package org.lesionseg.unet.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.core.data.MaskPolicy;
import org.lesionseg.unet.core.data.Normalization;
import org.lesionseg.unet.core.data.Pairing;
import org.lesionseg.unet.core.data.Sample;
import org.lesionseg.unet.core.metrics.ConfusionCounts;
import org.lesionseg.unet.core.metrics.ImageMetrics;
import org.lesionseg.unet.core.metrics.MetricsSummary;
import org.lesionseg.unet.core.modelfile.ModelFile;
import org.lesionseg.unet.core.modelfile.ModelInfo;
import org.lesionseg.unet.core.modelfile.TrainingSettings;

/**
 * Learning, shown on real data: a small U-Net trained on the BHSD CT slices of sample-data must segment the
 * held-back slices far better than a network that learnt nothing could.
 */
class LearningOnRealDataTest {

	/** The volume of a BHSD slice name such as 135014 (volume 135, slice 14). */
	static final String VOLUME = "^(\\d{3})\\d{3}$";

	@TempDir
	Path dir;

	@Test
	void aUNetTrainedOnRealCtSlicesSegmentsTheHeldBackSlices() {
		LabelledImages set = LabelledImages.fromFolders(Paths.get("sample-data/ich-ct-bhsd/images"), Paths.get("sample-data/ich-ct-bhsd/masks"),
			Pairing.BY_NAME, MaskPolicy.STRICT, Normalization.SCALE_01);
		TrainingSettings s = new TrainingSettings();
		s.inputMode = "patch";
		s.imageSize = 128;
		s.baseFeatures = 16;
		s.batchSize = 4;
		s.epochs = 40;
		s.learningRate = 1e-3f;
		s.augment = "flip,rot90";
		s.device = "cpu";
		s.seed = 7;
		// BHSD names are VVVSSS: volume VVV, slice SSS. Neighbouring slices of one volume look alike, so a volume's
		// slices must stay in one part, or the test slices are half seen in training.
		s.groupBy = VOLUME;
		Path model = dir.resolve("ich.zip");
		TrainingJob.Outcome o = TrainingJob.run(set, org.lesionseg.unet.core.train.TrainingConfig.of(s), model, null, false, null, null, null);

		MetricsSummary test = o.test.summary;
		assertTrue(test.images() >= 5, "test slices: " + test.images());
		ModelInfo split = ModelFile.readInfo(model);
		java.util.Set<String> seen = new java.util.HashSet<>();
		for (String name : split.trainImages)
			seen.add(name.substring(0, 3));
		for (String name : split.valImages)
			seen.add(name.substring(0, 3));
		for (ImageMetrics m : o.test.images)
			assertFalse(seen.contains(m.name().substring(0, 3)), "test slice " + m.name() + " has a slice of its volume in training or validation");
		// What a network that learnt nothing scores on the same test slices:
		double allEmpty = pooledDiceOf(set, o, false), allForeground = pooledDiceOf(set, o, true);
		assertEquals(0.0, allEmpty);
		assertTrue(allForeground < 0.05, "all-foreground baseline " + allForeground);
		System.out.printf("learning test: pooled test Dice %.4f, mean %.4f (all-empty %.4f, all-foreground %.4f), best val Dice %.4f at epoch %d%n",
			test.pooledDice(), test.meanDice(), allEmpty, allForeground, o.training.bestValDice, o.training.bestEpoch);
		assertTrue(test.pooledDice() > 0.4, "pooled test Dice " + test.pooledDice() + " is no better than a network that did not learn");
		assertTrue(test.meanDiceNonEmpty() > 0.3, "mean test Dice over lesion slices " + test.meanDiceNonEmpty());

		ModelInfo info = ModelFile.readInfo(model);
		assertEquals(test.pooledDice(), info.metrics.get("test_pooled_dice"), 1e-9, "test metrics are stored in the model file");
		assertTrue(info.finished);
	}

	/** The pooled Dice on the outcome's test images of all-empty (or all-foreground) predictions: what a network that learnt nothing scores. */
	static double pooledDiceOf(LabelledImages set, TrainingJob.Outcome o, boolean foreground) {
		java.util.List<ImageMetrics> metrics = new java.util.ArrayList<>();
		for (ImageMetrics m : o.test.images) {
			Sample s = set.select(java.util.Collections.singletonList(m.name())).get(0);
			byte[] prediction = new byte[s.width() * s.height()];
			Arrays.fill(prediction, (byte) (foreground ? 1 : 0));
			metrics.add(new ImageMetrics(m.name(), ConfusionCounts.of(prediction, s.maskData())));
		}
		return new MetricsSummary(metrics).pooledDice();
	}
}
