package org.lesionseg.unet.workflow.options;

import java.nio.file.Path;
import java.util.Arrays;

import org.lesionseg.unet.core.loss.Losses;
import org.lesionseg.unet.core.modelfile.TrainingSettings;

/**
 * The options of a training ({@code unet train}, Train UNet, a script): the data, the model files, and every setting
 * of {@link TrainingSettings}, whose field values are the defaults (the one place they are written; they are also
 * what an older model file without a setting falls back to).
 */
public final class TrainOptions {

	private TrainOptions() {
	}

	private static final TrainingSettings D = new TrainingSettings();

	/** A float setting as the decimal it was written as (1e-4f would otherwise become 9.99999974e-5). */
	private static double decimal(float f) {
		return Double.parseDouble(Float.toString(f));
	}

	// ---- data

	public static final Option<Path> IMAGES_FOLDER = Option.folder("images_folder", "Folder of training images; when given, the folders are used instead of the open image").flag("--images");
	public static final Option<Path> MASKS_FOLDER = Option.folder("masks_folder", "Folder of the masks that go with images_folder")
		.flag("--masks");
	/** The open image by title; the Fiji command hands the image itself to the request. */
	public static final Option<String> IMAGE = Option.text("image", "", "The open image (stack) to train on, by title; not used when images_folder is given")
		.only(Option.Where.FIJI);
	public static final Option<String> MASK = Option
		.text("mask", "", "The open mask image by title: 0 = background, non-zero = lesion, one slice per image slice").only(Option.Where.FIJI);
	public static final Option<Boolean> USE_ROI_MANAGER = Option
		.flag("use_roi_manager", false, "Draw the masks from the ROIs in the ROI Manager instead of a mask image").only(Option.Where.FIJI);
	public static final Option<Double> VAL_FRACTION = Option.number("val_fraction", D.valFraction, "Share of images used to choose the best epoch")
		.min(0).below(1);
	public static final Option<Double> TEST_FRACTION = Option.number("test_fraction", D.testFraction, "Share of images held back to measure the final model")
		.min(0).below(1);
	public static final Option<String> GROUP_BY = Option.text("group_by", D.groupBy,
		"Regular expression whose first group names the patient of a file, so that its slices stay in one part of the split; empty for none")
		.valueHint("REGEX").advanced();
	public static final Option<Integer> CLASSES = Option.integer("classes", 0,
		"Classes of the masks: 1 = binary (0 background, non-zero lesion); K > 1 = label images 0..K with a softmax network; 0 = as many as class_names (binary without them)")
		.range(0, org.lesionseg.unet.core.data.LabelClasses.MAX_CLASSES);
	public static final Option<String> CLASS_NAMES = Option.text("class_names", "",
		"Names of labels 1..K, e.g. epidural,intraparenchymal, or a CSV table of name,colour rows (colour #rrggbb); empty for class1..K")
		.valueHint("NAMES|FILE.csv");
	public static final Option<Long> SEED = Option.longInteger("seed", D.seed, "Seed of the split, the initial weights and the augmentation");

	// ---- model files

	public static final Option<Path> MODEL_FILE = Option
		.file("model_file", "The model file to write (.zip); the last epoch goes beside it as NAME.last.zip for resuming").flag("--model").required()
		.valueHint("FILE.zip");
	public static final Option<Path> INITIAL_MODEL = Option
		.file("initial_model", "A model file whose weights start the training (fine-tuning); empty for a new network").valueHint("FILE.zip");
	public static final Option<Boolean> RESUME = Option.flag("resume", false, "Continue an interrupted training from NAME.last.zip beside model_file");
	public static final Option<Path> REPORT_FOLDER = Option
		.folder("report_folder", "Folder for history.csv, training curves, test metrics and panels; empty for none").flag("--report");
	public static final Option<Boolean> QUIET = Option.flag("quiet", false, "No per-batch progress line").only(Option.Where.COMMAND_LINE);

	// ---- network

	public static final Option<Integer> DEPTH = Option.integer("depth", D.depth, "Number of down-sampling steps of the U-Net").range(1, 7);
	public static final Option<Integer> BASE_FEATURES = Option
		.integer("base_features", D.baseFeatures, "Feature maps of the first level, doubled at each level (64 in the original U-Net)").min(1);
	public static final Option<Double> DROPOUT = Option.number("dropout", decimal(D.dropout), "Dropout rate in the bottleneck; 0 for none").min(0).below(1)
		.advanced();
	public static final Option<String> INIT = Option
		.choice("init", D.init, "Initial weights: kaiming (DJL's default) or pytorch (as torch.nn layers)", Arrays.asList("kaiming", "pytorch")).advanced();

	// ---- input

	public static final Option<Integer> IMAGE_SIZE = Option
		.integer("image_size", D.imageSize, "Side of the square training images, a multiple of 2^depth; auto: the median image's, smaller when a batch of 2 would not fit the device's memory").range(8, 8192).auto();
	public static final Option<String> INPUT_MODE = Option.choice("input_mode", D.inputMode,
		"resize: whole images scaled to image_size; patch: random crops of image_size at full resolution", Arrays.asList("resize", "patch"));
	public static final Option<Double> PATCH_FOREGROUND = Option.number("patch_foreground", D.patchForeground,
		"In patch mode, the share of patches centred on a lesion pixel (small lesions are rarely seen otherwise)").range(0, 1).advanced();
	public static final Option<String> AUGMENT = Option.text("augment", D.augment,
		"default, none, or a list such as flip,vflip,rot90,rotate=35,scale=0.1,elastic=30:5,brightness=0.2,contrast=0.2,gamma=0.2,noise=0.02")
		.valueHint("SPEC");
	public static final Option<Integer> LOADER_THREADS = Option
		.integer("loader_threads", D.loaderThreads, "Threads that prepare batches ahead of the network").range(1, 64).advanced();

	// ---- training

	public static final Option<Integer> EPOCHS = Option.integer("epochs", D.epochs, "Passes over the training images").min(1);
	public static final Option<Integer> BATCH_SIZE = Option.integer("batch_size", D.batchSize, "Images per training step; lower it when memory runs out; auto: as many as fit the device's memory")
		.min(1).auto();
	public static final Option<Double> LEARNING_RATE = Option.number("learning_rate", decimal(D.learningRate), "Step size of the optimizer; auto: the optimizer's usual (1e-3 for adam, 1e-2 for sgd)").above(0)
		.max(10).auto();
	public static final Option<String> LOSS = Option.choice("loss", D.loss, "Training loss", Losses.names()).choiceAlias("bce+dice", "bce_dice")
		.choiceAlias("iou", "jaccard").choiceAlias("ce", "bce").choiceAlias("ce_dice", "bce_dice");
	public static final Option<String> LOSS_PARAMS = Option
		.text("loss_params", "", "Loss settings as name=value pairs, e.g. [alpha=0.3,beta=0.7] for tversky; empty for the defaults").valueHint("K=V,...")
		.advanced();
	public static final Option<String> OPTIMIZER = Option
		.choice("optimizer", D.optimizer, "Optimizer",
			Arrays.asList("adam", "adamw", "sgd", "momentum", "nesterov", "rmsprop", "adagrad", "adadelta"))
		.choiceAlias("sgdmomentum", "momentum").choiceAlias("sgd_momentum", "momentum").choiceAlias("nag", "nesterov");
	/** Not given: the optimizer's own default (0.9 for momentum and nesterov, 0 for rmsprop). */
	public static final Option<Double> MOMENTUM = Option
		.number("momentum", null, "Momentum of sgd-type optimizers and rmsprop; empty for the optimizer's default (0.9 for momentum and nesterov, 0 for rmsprop)")
		.min(0).below(1).advanced();
	/** Not given: the optimizer's own default (PyTorch's: 0.01 for AdamW, 0 otherwise). */
	public static final Option<Double> WEIGHT_DECAY = Option
		.number("weight_decay", null, "L2 weight decay; empty for the optimizer's default (0.01 for adamw, 0 otherwise)").min(0).advanced();
	public static final Option<Boolean> CENTERED = Option
		.flag("centered", D.centered, "RMSProp only: normalise by the centred second moment (PyTorch's centered)").advanced();
	public static final Option<String> SCHEDULER = Option.text("scheduler", D.scheduler,
		"constant, step:size=10,gamma=0.1, exponential:gamma=0.95, cosine:warmup=1,min=0, cyclic:base=1e-5,max=1e-3,half=2, plateau:factor=0.5,patience=3 or auto (cosine:warmup=1 down to 1% of the rate; constant below 10 epochs)")
		.valueHint("SPEC").autoAmongValues().advanced();
	public static final Option<Integer> PATIENCE = Option
		.integer("patience", D.patience, "Stop when validation Dice has not improved for this many epochs; 0 never stops early; auto: a quarter of the epochs, at least 5").min(0).auto();

	public static final OptionSet SET = OptionSet.builder("train")
		.section("data").add(IMAGES_FOLDER, MASKS_FOLDER, IMAGE, MASK, USE_ROI_MANAGER, CommonOptions.PAIRING, CommonOptions.MASK_POLICY,
			CommonOptions.NORMALIZATION, CLASSES, CLASS_NAMES, VAL_FRACTION, TEST_FRACTION, GROUP_BY, SEED)
		.section("model").add(MODEL_FILE, INITIAL_MODEL, RESUME, REPORT_FOLDER)
		.section("network").add(DiffusionOptions.MODEL_KIND, DEPTH, BASE_FEATURES, DROPOUT, INIT)
		.section("diffusion").add(DiffusionOptions.TIMESTEPS, DiffusionOptions.NOISE_SCHEDULE, DiffusionOptions.PREDICTION, DiffusionOptions.MASK_LOSS_WEIGHT, DiffusionOptions.SAMPLING_STEPS, DiffusionOptions.DDIM_ETA,
			DiffusionOptions.ENSEMBLE_SAMPLES)
		.section("input").add(IMAGE_SIZE, INPUT_MODE, PATCH_FOREGROUND, AUGMENT, LOADER_THREADS)
		.section("training").add(EPOCHS, BATCH_SIZE, LEARNING_RATE, LOSS, LOSS_PARAMS, OPTIMIZER, MOMENTUM, WEIGHT_DECAY, CENTERED, SCHEDULER, PATIENCE,
			CommonOptions.DEVICE, QUIET)
		.shortcut("--no-augment", AUGMENT, "none", "Train without augmentation (= --augment none)")
		.note("The best model (by pooled validation Dice) goes to --model; FILE.last.zip keeps the last epoch for --resume.")
		.build();
}
