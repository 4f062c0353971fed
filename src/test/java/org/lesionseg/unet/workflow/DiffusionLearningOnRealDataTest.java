package org.lesionseg.unet.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.core.data.MaskPolicy;
import org.lesionseg.unet.core.data.Normalization;
import org.lesionseg.unet.core.data.Pairing;
import org.lesionseg.unet.core.metrics.ImageMetrics;
import org.lesionseg.unet.core.metrics.MetricsSummary;
import org.lesionseg.unet.core.modelfile.ModelFile;
import org.lesionseg.unet.core.modelfile.ModelInfo;
import org.lesionseg.unet.core.train.TrainingConfig;

/**
 * Learning, shown on real data, for the diffusion kind: trained on crops of the BHSD CT slices of sample-data (split
 * by volume), the masks it samples for the held-back volumes must overlap the haemorrhages far better than a network
 * that learnt nothing (all-empty: 0; all-foreground: about 0.3 on these crops). The settings are those of
 * {@code DiffusionMeasurements ich-ct-bhsd-crops 12 96 8 3 resize 5} (docs/diffusion.md), which prints the same
 * numbers.
 */
class DiffusionLearningOnRealDataTest {

	static final int EPOCHS = 12;
	static final int CROP = 96;

	@TempDir
	Path dir;

	@Test
	void aDiffusionModelTrainedOnRealCtCropsSegmentsTheHeldBackVolumes() {
		Path root = Paths.get("sample-data/ich-ct-bhsd");
		LabelledImages slices = LabelledImages.fromFolders(root.resolve("images"), root.resolve("masks"), Pairing.BY_NAME, MaskPolicy.STRICT,
			Normalization.SCALE_01);
		LabelledImages crops = LesionCrops.of(slices, CROP, 7);
		Path model = dir.resolve("diffusion.zip");
		TrainingJob.Outcome o = TrainingJob.run(crops, TrainingConfig.of(DiffusionMeasurements.settings("ich-ct-bhsd", "diffusion", EPOCHS, CROP, 8, 3, "resize", 5)),
			model, null, false, null, null, null);

		ModelInfo info = ModelFile.readInfo(model);
		assertEquals("diffusion", info.modelKind);
		Set<String> seen = new HashSet<>();
		for (String name : info.trainImages)
			seen.add(name.substring(0, 3));
		for (String name : info.valImages)
			seen.add(name.substring(0, 3));
		for (ImageMetrics m : o.test.images)
			assertFalse(seen.contains(m.name().substring(0, 3)), "test crop " + m.name() + " has a slice of its volume in training or validation");

		MetricsSummary test = o.test.summary;
		double allForeground = LearningOnRealDataTest.pooledDiceOf(crops, o, true);
		System.out.printf("diffusion learning test: pooled test Dice %.4f, mean %.4f on %d crops (all-foreground %.4f); best val Dice %.4f at epoch %d; %s%n",
			test.pooledDice(), test.meanDice(), test.images(), allForeground, o.training.bestValDice, o.training.bestEpoch, o.test.uncertainty.summaryLine());
		assertTrue(test.images() >= 5, "test crops: " + test.images());
		assertTrue(allForeground < 0.4, "all-foreground baseline " + allForeground);
		assertTrue(test.pooledDice() > allForeground + 0.2, "pooled test Dice " + test.pooledDice() + " is no better than a network that did not learn ("
			+ allForeground + " for all-foreground)");
		// the spread of its samples points at its mistakes more than at its right pixels
		assertTrue(o.test.uncertainty.meanOnWrong() > o.test.uncertainty.meanOnRight(), o.test.uncertainty.summaryLine());
	}
}
