package org.lesionseg.unet.plugins;

import java.io.File;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import org.lesionseg.unet.core.train.EpochRecord;
import org.lesionseg.unet.core.train.TrainingConfig;
import org.lesionseg.unet.core.train.TrainingListener;
import org.lesionseg.unet.ij.ResultsTables;
import org.lesionseg.unet.ij.StatusProgress;
import org.lesionseg.unet.ij.TrainingPlot;
import org.lesionseg.unet.workflow.TrainRequest;
import org.lesionseg.unet.workflow.TrainingJob;
import org.lesionseg.unet.workflow.options.Option;
import org.lesionseg.unet.workflow.options.OptionValues;
import org.lesionseg.unet.workflow.options.TrainOptions;
import org.scijava.ItemVisibility;
import org.scijava.command.Command;
import org.scijava.plugin.Menu;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import ij.IJ;
import ij.ImagePlus;
import ij.measure.ResultsTable;

/**
 * Plugins › Segmentation › Train UNet: trains a U-Net on an open image with its mask image (or the ROIs of the ROI
 * Manager as lesions), or on two folders, and writes the model file. Shows the progress in the status bar, one log
 * line per epoch and a live plot; Esc stops the training and keeps the best model so far. Ends with the test images'
 * metrics and their summary in two tables.
 * <p>
 * Defaults are those of the original workflow: Adam, learning rate 1e-4, batch 16, 20 epochs, 256×256, BCE + Dice.
 */
@Plugin(type = Command.class, headless = true, description = "Train a U-Net to segment lesions", menu = {
	@Menu(label = "Plugins"), @Menu(label = "Segmentation"), @Menu(label = "Train UNet", weight = 1) })
public class TrainUNet extends UNetCommand {

	@Parameter(visibility = ItemVisibility.MESSAGE, persist = false)
	private String dataHeading = "<html><b>Training data</b>: an open image and its mask (or the ROI Manager), or two folders";

	@Parameter(label = "Image", required = false, persist = false, description = "The open image (stack) to train on, by title; not used when images_folder is given")
	private ImagePlus image;

	@Parameter(label = "Mask", required = false, persist = false, description = "The open mask image by title: 0 = background, non-zero = lesion, one slice per image slice")
	private ImagePlus mask;

	@Parameter(label = "Lesions from the ROI Manager", persist = false, description = "Draw the masks from the ROIs in the ROI Manager instead of a mask image")
	private boolean use_roi_manager = false;

	@Parameter(label = "Images folder", style = FileWidget.DIRECTORY_STYLE, required = false, persist = false, description = "Folder of training images; when given, the folders are used instead of the open image")
	private File images_folder;

	@Parameter(label = "Masks folder", style = FileWidget.DIRECTORY_STYLE, required = false, persist = false, description = "Folder of the masks that go with images_folder")
	private File masks_folder;

	@Parameter(label = "Pairing", choices = { "by_name", "sorted" }, persist = false, description = "How folder images find their masks: by_name (same name, optional _mask suffix) or sorted (n-th with n-th)")
	private String pairing = "by_name";

	@Parameter(label = "Mask policy", choices = { "strict", "threshold_half", "labels" }, persist = false, description = "Masks with many grey values: strict refuses them, threshold_half keeps values of at least half the maximum; labels keeps label values 0..K (set by classes > 1)")
	private String mask_policy = "strict";

	@Parameter(label = "Normalization", choices = { "scale01", "minmax", "zscore", "percentile", "none" }, persist = false, description = "How pixel values become network input (stored in the model): scale01 divides by the type's maximum; percentile maps each image's 1st..99.8th percentile to 0..1")
	private String normalization = "scale01";

	@Parameter(label = "Classes", min = "0", max = "100", persist = false, description = "Classes of the masks: 1 = binary (0 background, non-zero lesion); K > 1 = label images 0..K with a softmax network; 0 = as many as class_names (binary without them)")
	private int classes = 0;

	@Parameter(label = "Class names", required = false, persist = false, description = "Names of labels 1..K, e.g. epidural,intraparenchymal, or a CSV table of name,colour rows (colour #rrggbb); empty for class1..K")
	private String class_names = "";

	@Parameter(visibility = ItemVisibility.MESSAGE, persist = false)
	private String modelHeading = "<html><b>Model</b>";

	@Parameter(label = "Model file", style = FileWidget.SAVE_STYLE, persist = false, description = "The model file to write (.zip); the last epoch goes beside it as NAME.last.zip for resuming")
	private File model_file;

	@Parameter(label = "Initial model", style = FileWidget.OPEN_STYLE, required = false, persist = false, description = "A model file whose weights start the training (fine-tuning); empty for a new network")
	private File initial_model;

	@Parameter(label = "Resume", persist = false, description = "Continue an interrupted training from NAME.last.zip beside model_file")
	private boolean resume = false;

	@Parameter(label = "Report folder", style = FileWidget.DIRECTORY_STYLE, required = false, persist = false, description = "Folder for history.csv, training curves, test metrics and panels; empty for none")
	private File report_folder;

	@Parameter(visibility = ItemVisibility.MESSAGE, persist = false)
	private String networkHeading = "<html><b>Network</b>";

	@Parameter(label = "Model kind", choices = { "unet", "diffusion" }, persist = false, description = "unet (the classic U-Net) or diffusion (a MedSegDiff-style denoiser that samples masks and gives an uncertainty map)")
	private String model_kind = "unet";

	@Parameter(label = "Diffusion timesteps", min = "2", max = "100000", persist = false, required = false, description = "Diffusion only: noise steps T of training")
	private int diffusion_timesteps = 1000;

	@Parameter(label = "Noise schedule", choices = { "linear", "cosine" }, persist = false, required = false, description = "Diffusion only: linear β schedule (DDPM, MedSegDiff) or cosine")
	private String noise_schedule = "linear";

	@Parameter(label = "Diffusion prediction", choices = { "x0", "noise" }, persist = false, required = false, description = "Diffusion only: what the network outputs, x0 (the clean mask; learns in far fewer steps) or noise (as DDPM and MedSegDiff)")
	private String diffusion_prediction = "x0";

	@Parameter(label = "Mask loss weight", min = "0", max = "100", persist = false, required = false, description = "Diffusion only: weight of the BCE (and, with x0 prediction, soft Dice) term on the mask the network implies; 0 for none")
	private double mask_loss_weight = 1;

	@Parameter(label = "Sampling steps", min = "1", persist = false, required = false, description = "Diffusion only: DDIM steps per sampled mask (recorded as the model's default)")
	private int sampling_steps = 25;

	@Parameter(label = "DDIM eta", min = "0", max = "1", persist = false, required = false, description = "Diffusion only: DDIM eta, 0 deterministic given the starting noise, 1 as random as DDPM")
	private double ddim_eta = 0;

	@Parameter(label = "Ensemble samples", min = "1", max = "100", persist = false, required = false, description = "Diffusion only: masks sampled per image; their mean is the probability, their standard deviation the uncertainty")
	private int ensemble_samples = 5;

	@Parameter(label = "Depth", min = "1", max = "7", persist = false, description = "Number of down-sampling steps of the U-Net")
	private int depth = 4;

	@Parameter(label = "Base features", min = "1", persist = false, description = "Feature maps of the first level, doubled at each level (64 in the original U-Net)")
	private int base_features = 64;

	@Parameter(label = "Dropout", min = "0", persist = false, description = "Dropout rate in the bottleneck; 0 for none")
	private double dropout = 0;

	@Parameter(label = "Weight init", choices = { "kaiming", "pytorch" }, persist = false, description = "Initial weights: kaiming (DJL's default) or pytorch (as torch.nn layers)")
	private String init = "kaiming";

	@Parameter(visibility = ItemVisibility.MESSAGE, persist = false)
	private String trainingHeading = "<html><b>Training</b>";

	@Parameter(label = "Epochs", min = "1", persist = false, description = "Passes over the training images")
	private int epochs = 20;

	@Parameter(label = "Batch size", persist = false, description = "Images per training step; lower it when memory runs out; auto: as many as fit the device's memory")
	private String batch_size = "16";

	@Parameter(label = "Learning rate", persist = false, description = "Step size of the optimizer; auto: the optimizer's usual (1e-3 for adam, 1e-2 for sgd)")
	private String learning_rate = "0.0001";

	@Parameter(label = "Momentum", required = false, persist = false, description = "Momentum of sgd-type optimizers and rmsprop; empty for the optimizer's default (0.9 for momentum and nesterov, 0 for rmsprop)")
	private String momentum = "";

	@Parameter(label = "Weight decay", required = false, persist = false, description = "L2 weight decay; empty for the optimizer's default (0.01 for adamw, 0 otherwise)")
	private String weight_decay = "";

	@Parameter(label = "Centered (rmsprop)", persist = false, description = "RMSProp only: normalise by the centred second moment (PyTorch's centered)")
	private boolean centered = false;

	@Parameter(label = "Image size", persist = false, description = "Side of the square training images, a multiple of 2^depth; auto: the median image's, smaller when a batch of 2 would not fit the device's memory")
	private String image_size = "256";

	@Parameter(label = "Validation fraction", min = "0", persist = false, description = "Share of images used to choose the best epoch")
	private double val_fraction = 0.2;

	@Parameter(label = "Test fraction", min = "0", persist = false, description = "Share of images held back to measure the final model")
	private double test_fraction = 0.2;

	@Parameter(label = "Random seed", persist = false, description = "Seed of the split, the initial weights and the augmentation")
	private long seed = 42;

	@Parameter(label = "Early stop patience", persist = false, description = "Stop when validation Dice has not improved for this many epochs; 0 never stops early; auto: a quarter of the epochs, at least 5")
	private String patience = "0";

	@Parameter(label = "Loader threads", min = "1", max = "64", persist = false, description = "Threads that prepare batches ahead of the network")
	private int loader_threads = 2;

	@Parameter(label = "Loss", choices = { "bce", "dice", "bce_dice", "jaccard", "tversky", "focal", "lovasz", "mcc" }, persist = false, description = "Training loss")
	private String loss = "bce_dice";

	@Parameter(label = "Loss parameters", required = false, persist = false, description = "Loss settings as name=value pairs, e.g. [alpha=0.3,beta=0.7] for tversky; empty for the defaults")
	private String loss_params = "";

	@Parameter(label = "Optimizer", choices = { "adam", "adamw", "sgd", "momentum", "nesterov", "rmsprop", "adagrad", "adadelta" }, persist = false, description = "Optimizer")
	private String optimizer = "adam";

	@Parameter(label = "LR schedule", persist = false, description = "constant, step:size=10,gamma=0.1, exponential:gamma=0.95, cosine:warmup=1,min=0, cyclic:base=1e-5,max=1e-3,half=2, plateau:factor=0.5,patience=3 or auto (cosine:warmup=1 down to 1% of the rate; constant below 10 epochs)")
	private String scheduler = "constant";

	@Parameter(label = "Input mode", choices = { "resize", "patch" }, persist = false, description = "resize: whole images scaled to image_size; patch: random crops of image_size at full resolution")
	private String input_mode = "resize";

	@Parameter(label = "Lesion-centred patches", min = "0", max = "1", persist = false, description = "In patch mode, the share of patches centred on a lesion pixel (small lesions are rarely seen otherwise)")
	private double patch_foreground = 0.5;

	@Parameter(label = "Augmentation", persist = false, description = "default, none, or a list such as flip,vflip,rot90,rotate=35,scale=0.1,elastic=30:5,brightness=0.2,contrast=0.2,gamma=0.2,noise=0.02")
	private String augment = "default";

	@Parameter(label = "Group by", required = false, persist = false, description = "Regular expression whose first group names the patient of a file, so that its slices stay in one part of the split; empty for none")
	private String group_by = "";

	@Parameter(label = "Device", persist = false, description = "auto (every GPU PyTorch sees, else the CPU), cpu, gpu, gpu:N or gpu:N,M (training splits each batch over those GPUs)")
	private String device = "auto";

	private TrainingJob.Outcome outcome;
	private ResultsTable metricsTable;
	private ResultsTable summaryTable;
	private TrainingPlot plot;

	/** Data, model file, epochs, device and the kind of model; the rest is behind "Advanced…" in ImageJ's dialog. */
	static final Set<String> ESSENTIALS = Collections.unmodifiableSet(new LinkedHashSet<>(Arrays.asList("image", "mask", "use_roi_manager",
		"images_folder", "masks_folder", "model_kind", "model_file", "initial_model", "report_folder", "epochs", "device")));

	@Override
	public Set<String> essentialKeys() {
		return ESSENTIALS;
	}

	/**
	 * The fields as the registry reads them, and the request they make: one path for a dialog, a macro and a script
	 * alike.
	 */
	TrainRequest request() {
		OptionValues values = TrainOptions.SET.parse(MacroKeys.values(this, TrainOptions.SET), Option.Where.FIJI);
		return TrainRequest.of(values, () -> image == null ? null : MaskSources.labelledSource(image, mask, values.get(TrainOptions.USE_ROI_MANAGER)));
	}

	@Override
	protected void execute() {
		TrainRequest request = request();
		AtomicBoolean cancel = new AtomicBoolean();
		plot = new TrainingPlot();
		TrainingListener stopAndEta = new StopAndEta(cancel);
		IJ.log(commandName() + ": training on " + request.data.description() + " -> " + request.modelFile);
		outcome = TrainingJob.run(request, TrainingPlot.chain(new StatusProgress(), plot, stopAndEta), cancel);
		reportOutcome();
	}

	/**
	 * Polls for a stop request (Esc, cancel, interrupt) after every batch and epoch, and replaces the batch status of
	 * {@link StatusProgress} with one that also gives the estimated time left.
	 */
	private final class StopAndEta implements TrainingListener {

		private final AtomicBoolean cancel;
		private final long start = System.nanoTime();
		private int batchesThisRun;

		StopAndEta(AtomicBoolean cancel) {
			this.cancel = cancel;
		}

		@Override
		public void batchDone(int epoch, int epochs, int batch, int batches, double loss) {
			batchesThisRun++;
			long left = (long) (epochs - epoch) * batches + batches - batch;
			double seconds = (System.nanoTime() - start) / 1e9 / batchesThisRun * left;
			IJ.showStatus(String.format(Locale.ROOT, "%s: epoch %d/%d, batch %d/%d, loss %.4f, ETA %s (Esc stops)", commandName(), epoch, epochs, batch,
				batches, loss, eta(seconds)));
			checkStop();
		}

		@Override
		public void epochDone(EpochRecord record, int epochs, boolean improved, double etaSeconds) {
			checkStop();
		}

		private void checkStop() {
			if (!cancel.get() && stopRequested()) {
				cancel.set(true);
				IJ.log(commandName() + ": stopping at the end of this batch; the best model so far is kept");
			}
		}
	}

	/** A time left as people say it: 45 s, 3 min, 1 h 05 min. */
	static String eta(double seconds) {
		long s = Math.round(seconds);
		if (s < 60)
			return s + " s";
		long minutes = Math.round(seconds / 60);
		return minutes < 60 ? minutes + " min" : String.format(Locale.ROOT, "%d h %02d min", minutes / 60, minutes % 60);
	}

	private void reportOutcome() {
		IJ.log(String.format(Locale.ROOT, "%s: best model at epoch %d (validation Dice %.4f) in %s", commandName(), outcome.training.bestEpoch,
			outcome.training.bestValDice, outcome.training.modelFile));
		if (outcome.training.cancelled)
			IJ.log(commandName() + ": the training was stopped; the best model so far is kept. Tick resume to continue it.");
		if (outcome.test == null) {
			IJ.log(commandName() + ": no test images (test_fraction 0), so no test metrics");
			return;
		}
		metricsTable = ResultsTables.fromMetrics(outcome.test.images);
		summaryTable = ResultsTables.fromSummary(outcome.test.summary);
		ResultsTables.show(metricsTable, ResultsTables.METRICS_TITLE);
		ResultsTables.show(summaryTable, ResultsTables.SUMMARY_TITLE);
		IJ.log(commandName() + ": test " + outcome.test.summary.summaryLine());
	}

	/** What the training gave (null before it ran or when it failed). */
	public TrainingJob.Outcome outcome() {
		return outcome;
	}

	/** Per test image metrics, as shown in the "UNet metrics" table (null without test images). */
	public ResultsTable metricsTable() {
		return metricsTable;
	}

	/** The test summary, as shown in the "UNet summary" table (null without test images). */
	public ResultsTable summaryTable() {
		return summaryTable;
	}

	/** The training plot (its window is shown when ImageJ can show one). */
	public TrainingPlot plot() {
		return plot;
	}
}
