package org.lesionseg.unet.core.train;

import java.util.LinkedHashMap;
import java.util.Map;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.augment.AugmentSettings;
import org.lesionseg.unet.core.data.Normalization;
import org.lesionseg.unet.core.model.UNetConfig;

/**
 * Everything a training run can be told, with the defaults of the original workflow (Adam, lr 1e-4, batch 16,
 * 20 epochs, 256×256, BCE+Dice). Public fields keep it a plain record that Gson stores in the model file.
 */
public final class TrainingSettings {

	public int epochs = 20;
	public int batchSize = 16;
	public float learningRate = 1e-4f;
	/** A loss name of {@code Losses}, e.g. bce_dice. */
	public String loss = "bce_dice";
	/** Loss parameters such as alpha, beta, gamma, bce_weight. */
	public Map<String, Double> lossParams = new LinkedHashMap<>();
	public String optimizer = "adam";
	public float momentum = 0.9f;
	public float weightDecay = 0f;
	/** A schedule spec of {@link LearningRateSchedule#parse}. */
	public String scheduler = "constant";
	/** Side of the square training images; a multiple of 2^depth. */
	public int imageSize = 256;
	/** resize: whole images resized to imageSize (the original workflow); patch: random crops of imageSize at native scale. */
	public String inputMode = "resize";
	/** In patch mode, the share of crops centred on a lesion pixel (small lesions would rarely be seen otherwise). */
	public double patchForeground = 0.5;
	public int depth = 4;
	public int baseFeatures = 64;
	public float dropout = 0f;
	/** kaiming (DJL's default) or pytorch. */
	public String init = "kaiming";
	public String normalization = "scale01";
	public double valFraction = 0.2;
	public double testFraction = 0.2;
	/** A regex whose first group names the patient/volume of a file, so that its slices stay in one part. */
	public String groupBy = "";
	public long seed = 42;
	/** auto, cpu, gpu or gpu:N. */
	public String device = "auto";
	/** An augmentation spec of {@code AugmentSettings.parse}. */
	public String augment = "default";
	/** Stop when validation Dice has not improved for this many epochs; 0 = never. */
	public int patience = 0;
	/** Threads that load and augment batches ahead of the network. */
	public int loaderThreads = 2;

	/** Checks values that have no sensible meaning, with a message that names the setting. */
	public void validate() {
		require(epochs >= 1, "epochs must be at least 1, got " + epochs);
		require(batchSize >= 1, "batch size must be at least 1, got " + batchSize);
		require(learningRate > 0 && Float.isFinite(learningRate), "learning rate must be a positive number, got " + learningRate);
		require(learningRate <= 10, "learning rate " + learningRate + " is far too high: typical values are 1e-4 to 1e-2");
		require(weightDecay >= 0, "weight decay must not be negative, got " + weightDecay);
		require(momentum >= 0 && momentum < 1, "momentum must be in [0, 1), got " + momentum);
		require(imageSize >= 8 && imageSize <= 8192, "image size must be between 8 and 8192, got " + imageSize);
		require("resize".equals(inputMode) || "patch".equals(inputMode), "input mode must be resize or patch, got " + inputMode);
		require(patchForeground >= 0 && patchForeground <= 1, "patch foreground share must be in [0, 1], got " + patchForeground);
		require(patience >= 0, "patience must not be negative, got " + patience);
		require(loaderThreads >= 1 && loaderThreads <= 64, "loader threads must be between 1 and 64, got " + loaderThreads);
		require(valFraction >= 0 && valFraction < 1 && testFraction >= 0 && testFraction < 1 && valFraction + testFraction < 1,
			"validation (" + valFraction + ") and test (" + testFraction + ") fractions must each be in [0, 1) and leave images for training");
		TrainingOptimizer.Kind.fromName(optimizer);
		LearningRateSchedule.parse(scheduler, learningRate, epochs);
		// names and ranges that would otherwise fail only after all images are loaded
		new UNetConfig().depth(depth).baseFeatures(baseFeatures).dropout(dropout).init(UNetConfig.Init.fromName(init));
		Normalization.fromName(normalization);
		AugmentSettings.parse(augment);
	}

	private static void require(boolean ok, String message) {
		if (!ok)
			throw new UnetException(message);
	}

	public TrainingSettings copy() {
		return org.lesionseg.unet.core.io.Json.GSON.fromJson(org.lesionseg.unet.core.io.Json.GSON.toJson(this), TrainingSettings.class);
	}
}
