package org.lesionseg.unet.workflow.options;

import java.util.Locale;

import org.lesionseg.unet.core.data.MaskPolicy;
import org.lesionseg.unet.core.data.Normalization;
import org.lesionseg.unet.core.data.Pairing;
import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.engine.DeviceChoice;
import org.lesionseg.unet.core.interop.ImportedModels;
import org.lesionseg.unet.core.interop.ModelFormat;
import org.lesionseg.unet.core.modelfile.TrainingSettings;
import org.lesionseg.unet.core.predict.MaskPostprocessing;
import org.lesionseg.unet.core.predict.TestTimeAugmentation;
import org.lesionseg.unet.core.predict.TiledPredictor;

/**
 * Options that several jobs share, each defined once here: the device, the mask post-processing, the tiling of
 * prediction, how folders pair images with masks and how masks and pixel values are read. Where the core has a default
 * of its own (post-processing, tiling, the training settings), the option takes it from there, so that each default
 * is written once (the minimum object size is the registry's own: {@link #DEFAULT_MIN_SIZE}); the Fiji commands' literal defaults are checked against these by tests.
 */
public final class CommonOptions {

	private CommonOptions() {
	}

	private static final MaskPostprocessing.Options POSTPROCESSING = new MaskPostprocessing.Options();
	private static final TiledPredictor.Options TILING = new TiledPredictor.Options();

	public static final Option<String> DEVICE = Option
		.text("device", new TrainingSettings().device, "auto (every GPU PyTorch sees, else the CPU), cpu, gpu, gpu:N or gpu:N,M (training splits each batch over those GPUs)")
		.check(CommonOptions::isDevice, d -> "unknown device '" + d + "': use auto, cpu, gpu, gpu:N or gpu:N,M").valueHint("auto|cpu|gpu|gpu:N|gpu:N,M");

	/** One range for every entry point: 0 would make every pixel a lesion, 1 none. */
	public static final Option<Double> THRESHOLD = Option.number("threshold", (double) POSTPROCESSING.threshold(), "Probability above which a pixel is lesion").above(0).below(1);

	/**
	 * Not the core's 0 (keep all): a weak or young model leaves thousands of one- to four-pixel specks (113 objects in
	 * the demo's 7 test slices, 37,761 ROIs in one 36-slice stack), none of them a lesion anyone would outline. Five
	 * pixels drops them; of the sample masks' own objects it drops 2 of 114 in BHSD (6 of 148,607 lesion pixels) and
	 * the embolic specks of ISLES case 9 (69 of 523 pixels), for which min_size=0 is the setting.
	 */
	public static final int DEFAULT_MIN_SIZE = 5;

	public static final Option<Integer> MIN_SIZE = Option
		.integer("min_size", DEFAULT_MIN_SIZE, "Objects smaller than this many pixels are removed (specks of a few pixels are noise); 0 keeps all").min(0);

	public static final Option<Boolean> FILL_HOLES = Option.flag("fill_holes", POSTPROCESSING.fillHoles(), "Fill holes inside objects");

	public static final Option<Integer> TILE = Option.integer("tile", TILING.tile, "Side of the tiles an image is cut into; 0 for the training size").min(0)
		.advanced();

	public static final Option<Integer> OVERLAP = Option.integer("overlap", TILING.overlap, "Overlap of neighbouring tiles in pixels; -1 for a quarter tile")
		.min(-1).advanced();

	/**
	 * Which runtime computes the tiles: libtorch (the engine) or onnxruntime on the model converted to ONNX in memory;
	 * auto takes onnxruntime on CPUs where libtorch's fast CPU kernels had to be switched off (OneDnnSwitch).
	 */
	public static final Option<String> RUNTIME = Option.choice("runtime", "auto",
		"What runs the network: auto (onnx on CPUs where libtorch's fast kernels are off, see troubleshooting; torch otherwise), torch (the PyTorch engine, CPU or GPU) or onnx (onnxruntime on the CPU, the model converted to ONNX)",
		java.util.List.of("auto", "torch", "onnx")).advanced();

	/**
	 * Test-time augmentation: each tile also runs flipped and rotated; the mean is the probability, the standard
	 * deviation an uncertainty map (written as NAME_uncertainty.tif, opened as TITLE-uncertainty).
	 */
	public static final Option<TestTimeAugmentation.Transforms> TEST_TIME_AUGMENTATION = Option.choice("test_time_augmentation",
		TILING.augmentation,
		"Uncertainty by test-time augmentation: none, flips (4 predictions: mirrors and 180° turn) or dihedral (8: every flip and 90° rotation); "
			+ "the probability is their mean, the uncertainty map their standard deviation; costs one prediction per transform",
		TestTimeAugmentation.Transforms::key).choiceAlias("tta", "dihedral");

	public static final Option<Integer> TILE_BATCH = Option
		.integer("tile_batch", TILING.tileBatch, "Tiles run through the network at once; lower it when memory runs out").min(1).advanced();

	public static final Option<Pairing> PAIRING = Option.choice("pairing", Pairing.BY_NAME,
		"How folder images find their masks: by_name (same name, optional _mask suffix) or sorted (n-th with n-th)", p -> p.name().toLowerCase(Locale.ROOT));

	public static final Option<MaskPolicy> MASK_POLICY = Option.choice("mask_policy", MaskPolicy.STRICT,
		"Masks with many grey values: strict refuses them, threshold_half keeps values of at least half the maximum; labels keeps label values 0..K (set by classes > 1)",
		p -> p.name().toLowerCase(Locale.ROOT));

	/** The default is the training settings' (what an older model file without one falls back to). */
	public static final Option<Normalization> NORMALIZATION = Option
		.choice("normalization", Normalization.fromName(new TrainingSettings().normalization),
			"How pixel values become network input (stored in the model): scale01 divides by the type's maximum; percentile maps each image's 1st..99.8th percentile to 0..1", Normalization::key)
		.choiceAlias("scale_01", "scale01").choiceAlias("min_max", "minmax").choiceAlias("z_score", "zscore");

	// ---- networks trained elsewhere (docs/interop.md): what the model file is and, for TorchScript, what it expects

	private static final ImportedModels.Description TORCHSCRIPT = new ImportedModels.Description();

	public static final Option<ModelFormat> MODEL_FORMAT = Option.choice("model_format", ModelFormat.AUTO,
		"What the model file is: auto (a folder or .zip with rdf.yaml is a bioimage.io package, .pt/.pth/.ts a TorchScript file, else a Train UNet model), unet, torchscript or bioimageio",
		ModelFormat::key).choiceAlias("bioimage.io", "bioimageio").choiceAlias("bioimage_io", "bioimageio");

	public static final Option<String> OUTPUT_KIND = Option.choice("output_kind", TORCHSCRIPT.outputsLogits ? "logits" : "probabilities",
		"TorchScript models: the output's first channel holds logits (a sigmoid follows) or probabilities", java.util.List.of("logits", "probabilities"));

	public static final Option<Integer> INPUT_CHANNELS = Option.integer("input_channels", TORCHSCRIPT.channels, "TorchScript models: input channels (1 grey, 3 RGB)")
		.range(1, 64);

	public static final Option<Integer> SIZE_MULTIPLE = Option
		.integer("size_multiple", TORCHSCRIPT.sizeMultiple, "TorchScript models: input sizes must be multiples of this power of two (2^depth of the U-Net)")
		.range(1, 1024).check(m -> Integer.bitCount(m) == 1, m -> "size_multiple must be a power of two (1, 2, 4, ..., 16 for a U-Net of depth 4), got " + m);

	/** The device rule is the core's ({@link DeviceChoice#parse}): one spelling of what a device may be. */
	private static boolean isDevice(String text) {
		try {
			DeviceChoice.parse(text);
			return true;
		} catch (UnetException e) {
			return false;
		}
	}
}
