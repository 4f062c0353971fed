package org.lesionseg.unet.core.modelfile;

import org.lesionseg.unet.core.model.UNetConfig;
import org.lesionseg.unet.core.model.UNetBlock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.lesionseg.unet.core.modelfile.TrainingSettings;

/**
 * What a model file says about its network besides the weights: everything needed to predict (architecture,
 * normalisation, input size and scale, channels, class names) and to continue training (settings, split,
 * progress), plus where and how it was made. Stored as {@code model.json}; public fields keep it a plain record.
 */
public final class ModelInfo {

	/** What network this is: unet, or diffusion (a MedSegDiff-style denoiser); files without it are U-Nets. */
	public String modelKind;
	/** A diffusion model's noise schedule and sampling defaults (null for a U-Net). */
	public DiffusionSettings diffusion;

	// architecture
	public int depth;
	public int baseFeatures;
	public int inputChannels;
	public int outputClasses = 1;
	public float dropout;
	public String init;
	public List<String> classNames = new ArrayList<>(List.of("background", "lesion"));
	/** Colours of the classes as #rrggbb, background first (multi-class models; null in binary and older files). */
	public List<String> classColours;

	// input
	public String normalization;
	/** Side of the square tiles the network was trained on. */
	public int trainingSize;
	/** resize or patch (see {@link TrainingSettings#inputMode}). */
	public String inputMode;
	/**
	 * How images were scaled before training: predicted images are scaled by the same factor, so that a model
	 * trained on 512-pixel slices resized to 256 sees 512-pixel slices at half size. 1 in patch mode.
	 */
	public double inputScale = 1.0;
	/** Bit depth of the training images (8, 16, 32). */
	public int bitDepth = 8;
	/** Raw pixel statistics of the training images, to warn about inputs far from them; null in older files. */
	public org.lesionseg.unet.core.data.IntensityStats trainingIntensity;

	// training
	public TrainingSettings settings;
	public long splitSeed;
	public List<String> trainImages = new ArrayList<>();
	public List<String> valImages = new ArrayList<>();
	public List<String> testImages = new ArrayList<>();
	public String imagesFolder;
	public String masksFolder;
	/** The model file whose weights started this training (fine-tuning), or null for a new network. */
	public String initialModel;
	/** That model's own description ({@link #summary()}) when the training started from it. */
	public String initialModelSummary;
	public int epochsDone;
	public int bestEpoch;
	public double bestValDice = Double.NaN;
	public boolean finished;
	/** Final metrics by name, e.g. test_pooled_dice. */
	public Map<String, Double> metrics = new LinkedHashMap<>();

	// provenance
	public String device;
	public String engine;
	public String pluginVersion;

	public static final String UNET = "unet";
	public static final String DIFFUSION = "diffusion";

	/** True for a diffusion model; a file without a kind (written before there were kinds) is a U-Net. */
	public boolean isDiffusion() {
		return DIFFUSION.equals(modelKind);
	}

	/** The kind as a name: unet when the file does not say. */
	public String kind() {
		return modelKind == null ? UNET : modelKind;
	}

	/** True for a softmax model of background and two or more classes; binary files (and older ones) have one output. */
	public boolean isMultiClass() {
		return outputClasses > 1;
	}

	/** The foreground classes: 1 for a binary model. */
	public int foregroundClasses() {
		return isMultiClass() ? outputClasses - 1 : 1;
	}

	public UNetConfig toConfig() {
		return new UNetConfig().depth(depth).baseFeatures(baseFeatures).inputChannels(inputChannels).outputClasses(outputClasses)
			.dropout(dropout).init(UNetConfig.Init.fromName(init == null ? "kaiming" : init));
	}

	public static ModelInfo of(UNetConfig config) {
		ModelInfo info = new ModelInfo();
		info.depth = config.depth();
		info.baseFeatures = config.baseFeatures();
		info.inputChannels = config.inputChannels();
		info.outputClasses = config.outputClasses();
		info.dropout = config.dropout();
		info.init = config.init().name().toLowerCase(java.util.Locale.ROOT);
		return info;
	}

	public String summary() {
		return (isDiffusion() ? "diffusion (MedSegDiff-style) denoiser on a " : "") + toConfig() + (isDiffusion() ? diffusionSummary() : "")
			+ (isMultiClass() ? ", classes " + String.join(", ", classNames.subList(1, classNames.size())) : "")
			+ ", trained on " + trainingSize + "x" + trainingSize + " (" + inputMode + ", scale "
			+ String.format(java.util.Locale.ROOT, "%.3g", inputScale) + "), normalisation " + normalization
			+ (Double.isNaN(bestValDice) ? ", " + epochsDone + " epoch(s) trained"
				: String.format(java.util.Locale.ROOT, ", weights of epoch %d%s (best val Dice %.4f)", bestEpoch,
					settings == null ? "" : " of " + settings.epochs + " planned", bestValDice))
			+ (initialModel == null ? "" : ", fine-tuned from " + java.nio.file.Paths.get(initialModel).getFileName());
	}

	private String diffusionSummary() {
		DiffusionSettings d = diffusion == null ? new DiffusionSettings() : diffusion;
		return ", " + d.schedule + " noise schedule with T = " + d.timesteps + ", sampling " + d.samplingSteps + " DDIM steps (eta " + d.eta + ") x "
			+ d.samples + " samples";
	}
}
