package org.lesionseg.unet.core.modelfile;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a training run can be told, with the defaults of the original workflow (Adam, lr 1e-4, batch 16,
 * 20 epochs, 256×256, BCE+Dice). Public fields keep it a plain record that Gson stores in the model file; it lives
 * here, beside {@link ModelInfo}, so that the model file depends on nothing of the trainer. It is checked and
 * parsed once, by {@code TrainingConfig.of}, into the typed values the trainer uses.
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
	/** Null: the optimizer's own default (0.9 for momentum and nesterov, 0 for rmsprop). */
	public Float momentum;
	/** Null: the optimizer's own default (0.01 for adamw as in PyTorch, 0 otherwise). A trained model records the value used. */
	public Float weightDecay;
	/** RMSProp only: normalise by the centred second moment (PyTorch's {@code centered}). */
	public boolean centered;
	/** A schedule spec of {@code ScheduleSpec.parse}, e.g. cosine:warmup=1. */
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
	/** A {@code Normalization} key; {@code scale_01} (older files) is read as {@code scale01}. */
	public String normalization = "scale01";
	public double valFraction = 0.2;
	public double testFraction = 0.2;
	/** A regex whose first group names the patient/volume of a file, so that its slices stay in one part. */
	public String groupBy = "";
	public long seed = 42;
	/** auto, cpu, gpu, gpu:N or gpu:N,M. */
	public String device = "auto";
	/** An augmentation spec of {@code AugmentSettings.parse}. */
	public String augment = "default";
	/** Stop when validation Dice has not improved for this many epochs; 0 = never. */
	public int patience = 0;
	/** Threads that load and augment batches ahead of the network. */
	public int loaderThreads = 2;
	/**
	 * The settings the user left to the training ("auto"), by option name, each with why its value was chosen; the
	 * values themselves are in their fields above. Null when none was auto (and then not written to the model file).
	 */
	public Map<String, String> auto;

	/** Foreground classes: 1 = binary (one sigmoid output); K &gt; 1 = label images 0..K and a softmax of K+1 outputs. */
	public int classes = 1;
	/** The K class names (background not listed) and their colours (#rrggbb) when classes &gt; 1; null for binary. */
	public List<String> classNames;
	public List<String> classColours;

	/** unet, or diffusion (a MedSegDiff-style denoiser; its settings below). */
	public String modelKind = "unet";
	/** A diffusion model's noise schedule and sampling defaults; null for a U-Net (then the defaults of {@link DiffusionSettings}). */
	public DiffusionSettings diffusion;

	public TrainingSettings copy() {
		return org.lesionseg.unet.core.io.Json.GSON.fromJson(org.lesionseg.unet.core.io.Json.GSON.toJson(this), TrainingSettings.class);
	}
}
