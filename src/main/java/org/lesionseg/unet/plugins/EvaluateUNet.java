package org.lesionseg.unet.plugins;

import java.io.File;
import java.nio.file.Path;
import java.util.List;

import org.lesionseg.unet.core.predict.Segmenter;
import org.lesionseg.unet.core.report.Panel;
import org.lesionseg.unet.ij.Progress;
import org.lesionseg.unet.ij.ResultsTables;
import org.lesionseg.unet.workflow.EvaluateRequest;
import org.lesionseg.unet.workflow.Evaluation;
import org.lesionseg.unet.workflow.Spelling;
import org.lesionseg.unet.workflow.options.EvaluateOptions;
import org.lesionseg.unet.workflow.options.Option;
import org.lesionseg.unet.workflow.options.OptionValues;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Menu;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.ResultsTable;
import ij.process.ColorProcessor;

/**
 * Plugins › Segmentation › Evaluate UNet: compares a model's segmentation with known masks, for an open image with its
 * mask image (or ROIs) or for two folders. Gives the per-image metrics (Dice, IoU, accuracy, precision, recall) in the
 * "UNet metrics" table, their summary in "UNet summary", and image | truth | prediction panels, saved to the report
 * folder and/or opened as a stack. A multi-class model reads the masks as label images and adds its per-class metrics
 * ("UNet class metrics", "UNet class summary", class_metrics.csv and class_summary.csv).
 */
@Plugin(type = Command.class, headless = true, description = "Measure a trained U-Net against known masks", menu = {
	@Menu(label = "Plugins"), @Menu(label = "Segmentation"), @Menu(label = "Evaluate UNet", weight = 4) })
public class EvaluateUNet extends UNetCommand {

	@Parameter(label = "Model file", style = FileWidget.OPEN_STYLE, persist = false, description = "Model file (.zip) written by Train UNet, or a TorchScript file (.pt) or bioimage.io package (.zip or folder with rdf.yaml) trained elsewhere")
	private File model_file;

	@Parameter(label = "Image", required = false, persist = false, description = "The open image (stack) to evaluate on, by title; not used when images_folder is given")
	private ImagePlus image;

	@Parameter(label = "Mask", required = false, persist = false, description = "The open mask image (truth) by title: 0 = background, non-zero = lesion; for a multi-class model a label image (0..K)")
	private ImagePlus mask;

	@Parameter(label = "Lesions from the ROI Manager", persist = false, description = "Draw the true masks from the ROIs in the ROI Manager instead of a mask image")
	private boolean use_roi_manager = false;

	@Parameter(label = "Images folder", style = FileWidget.DIRECTORY_STYLE, required = false, persist = false, description = "Folder of images; when given, the folders are used instead of the open image")
	private File images_folder;

	@Parameter(label = "Masks folder", style = FileWidget.DIRECTORY_STYLE, required = false, persist = false, description = "Folder of the true masks that go with images_folder")
	private File masks_folder;

	@Parameter(label = "Pairing", choices = { "by_name", "sorted" }, persist = false, description = "How folder images find their masks: by_name or sorted")
	private String pairing = "by_name";

	@Parameter(label = "Mask policy", choices = { "strict", "threshold_half", "labels" }, persist = false, description = "Masks with many grey values: strict refuses them, threshold_half keeps values of at least half the maximum; labels keeps label values 0..K (set by classes > 1)")
	private String mask_policy = "strict";

	@Parameter(label = "Threshold", min = "0", max = "1", stepSize = "0.05", persist = false, description = "Probability above which a pixel is lesion")
	private double threshold = 0.5;

	@Parameter(label = "Minimum object size", min = "0", persist = false, description = "Objects smaller than this many pixels are removed (specks of a few pixels are noise); 0 keeps all")
	private int min_size = 5;

	@Parameter(label = "Fill holes", persist = false, description = "Fill holes inside objects")
	private boolean fill_holes = false;

	@Parameter(label = "Report folder", style = FileWidget.DIRECTORY_STYLE, required = false, persist = false, description = "Folder for metrics.csv and the panels (panels/NAME_panel.png); empty for none")
	private File report_folder;

	@Parameter(label = "Number of panels", min = "0", persist = false, description = "How many image | truth | prediction panels to make (images with lesions first), opened as a stack and saved to report_folder; 0 for none")
	private int panel_count = 6;

	@Parameter(label = "Tile size", min = "0", persist = false, description = "Side of the tiles the images are cut into; 0 for the training size")
	private int tile = 0;

	@Parameter(label = "Tile overlap", persist = false, description = "Overlap of neighbouring tiles in pixels; -1 for a quarter tile")
	private int overlap = -1;

	@Parameter(label = "Tiles per batch", min = "1", persist = false, description = "Tiles run through the network at once; lower it when memory runs out")
	private int tile_batch = 4;

	@Parameter(label = "Device", persist = false, description = "auto, cpu, gpu or gpu:N")
	private String device = "auto";

	@Parameter(label = "Model format", choices = { "auto", "unet", "torchscript", "bioimageio" }, persist = false, description = "What the model file is: auto (a folder or .zip with rdf.yaml is a bioimage.io package, .pt/.pth/.ts a TorchScript file, else a Train UNet model), unet, torchscript or bioimageio")
	private String model_format = "auto";

	@Parameter(label = "Input channels (TorchScript)", min = "1", max = "64", persist = false, description = "TorchScript models: input channels (1 grey, 3 RGB)")
	private int input_channels = 1;

	@Parameter(label = "Size multiple (TorchScript)", min = "1", max = "1024", persist = false, description = "TorchScript models: input sizes must be multiples of this power of two (2^depth of the U-Net)")
	private int size_multiple = 16;

	@Parameter(label = "Normalization (TorchScript)", choices = { "scale01", "minmax", "zscore", "percentile", "none" }, persist = false, description = "How pixel values become network input (stored in the model): scale01 divides by the type's maximum")
	private String normalization = "scale01";

	@Parameter(label = "Output (TorchScript)", choices = { "logits", "probabilities" }, persist = false, description = "TorchScript models: the output's first channel holds logits (a sigmoid follows) or probabilities")
	private String output_kind = "logits";

	@Parameter(label = "Runtime", choices = { "auto", "torch", "onnx" }, persist = false, description = "What runs the network: auto (onnx on CPUs where libtorch's fast kernels are off), torch (the PyTorch engine) or onnx (onnxruntime on the CPU)")
	private String runtime = "auto";

	@Parameter(label = "Test-time augmentation", choices = { "none", "flips", "dihedral" }, persist = false, description = "Uncertainty by test-time augmentation: none, flips (4 predictions) or dihedral (8: every flip and 90° rotation); the probability is their mean, the uncertainty map their standard deviation")
	private String test_time_augmentation = "none";

	@Parameter(label = "Sampling steps (diffusion)", min = "0", persist = false, description = "Diffusion models only: DDIM steps per sampled mask; 0 for the model file's")
	private int sampling_steps = 0;

	@Parameter(label = "Samples per image (diffusion)", min = "0", max = "100", persist = false, description = "Diffusion models only: masks sampled per image, their mean the probability, their standard deviation the uncertainty; 0 for the model file's")
	private int ensemble_samples = 0;

	@Parameter(label = "DDIM eta (diffusion)", min = "-1", max = "1", persist = false, description = "Diffusion models only: 0 deterministic, 1 as random as DDPM; negative for the model file's")
	private double ddim_eta = -1;

	@Parameter(type = ItemIO.OUTPUT, required = false, label = "Panels")
	private ImagePlus panels_image;

	private Evaluation.Outcome outcome;
	private ResultsTable metricsTable;
	private ResultsTable summaryTable;
	private ResultsTable classMetricsTable;
	private ResultsTable classSummaryTable;

	@Override
	protected void execute() {
		EvaluateRequest request = request();
		Path report = request.report();
		Progress progress = Progress.imageJ();
		String name = commandName();
		outcome = Evaluation.run(request, new Evaluation.Listener() {
			@Override
			public void started(Segmenter segmenter) {
				IJ.log(name + ": " + request.prediction().model().getFileName() + "; " + segmenter.deviceDescription());
				IJ.log(name + ": " + request.prediction().objectRule(null, Spelling.MACRO));
			}

			@Override
			public void warning(String message) {
				IJ.log("warning: " + message);
			}

			@Override
			public void imageDone(int done, int total, String image) {
				progress.step(done, total, name);
			}
		});
		metricsTable = ResultsTables.fromMetrics(outcome.images);
		summaryTable = ResultsTables.fromSummary(outcome.summary);
		ResultsTables.show(metricsTable, ResultsTables.METRICS_TITLE);
		ResultsTables.show(summaryTable, ResultsTables.SUMMARY_TITLE);
		if (request.panels() > 0)
			panels_image = panelStack(outcome.panels);
		progress.done(name + ": " + outcome.summary.summaryLine());
		IJ.log(name + ": " + outcome.summary.summaryLine() + (report == null ? "" : "; metrics.csv and panels in " + report));
		if (outcome.uncertainty != null)
			IJ.log(name + ": " + outcome.uncertainty.summaryLine());
		if (outcome.classes != null) {
			classMetricsTable = ResultsTables.fromClassMetrics(outcome.classes);
			classSummaryTable = ResultsTables.fromClassSummary(outcome.classes);
			ResultsTables.show(classMetricsTable, ResultsTables.CLASS_METRICS_TITLE);
			ResultsTables.show(classSummaryTable, ResultsTables.CLASS_SUMMARY_TITLE);
			IJ.log(name + ": " + outcome.classes.summaryLine() + (report == null ? "" : "; class_metrics.csv and class_summary.csv in " + report));
		}
	}

	/**
	 * The fields as the registry reads them, and the request they make (two folders, or the open image with the raw
	 * values of its mask image or ROIs, read by the mask rule of files: label images for a multi-class model): the same
	 * path as {@code unet evaluate}.
	 */
	EvaluateRequest request() {
		OptionValues values = EvaluateOptions.SET.parse(MacroKeys.values(this, EvaluateOptions.SET), Option.Where.FIJI);
		return EvaluateRequest.of(values, () -> image == null ? null : MaskSources.labelledSource(image, mask, values.get(EvaluateOptions.USE_ROI_MANAGER)),
			Spelling.MACRO);
	}

	/** The panels as one RGB stack, one slice per image, labelled with the image's name; panels of another size are left out. */
	private static ImagePlus panelStack(List<Panel> panels) {
		ImageStack stack = null;
		for (Panel panel : panels) {
			ColorProcessor rgb = new ColorProcessor(panel.image());
			if (stack == null)
				stack = new ImageStack(rgb.getWidth(), rgb.getHeight());
			if (rgb.getWidth() != stack.getWidth() || rgb.getHeight() != stack.getHeight())
				continue; // panels of images of another size do not fit one stack; report_folder keeps them all
			stack.addSlice(panel.name(), rgb);
		}
		return stack == null ? null : new ImagePlus("UNet panels", stack);
	}

	/** Per-image metrics and summary of the last run. */
	public Evaluation.Outcome outcome() {
		return outcome;
	}

	public ResultsTable metricsTable() {
		return metricsTable;
	}

	public ResultsTable summaryTable() {
		return summaryTable;
	}

	/** A multi-class model's per-image, per-class table ("UNet class metrics"); null for binary. */
	public ResultsTable classMetricsTable() {
		return classMetricsTable;
	}

	/** A multi-class model's per-class table ("UNet class summary"); null for binary. */
	public ResultsTable classSummaryTable() {
		return classSummaryTable;
	}
}
