package org.lesionseg.unet.plugins;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import org.lesionseg.unet.core.predict.Segmenter;
import org.lesionseg.unet.ij.Progress;
import org.lesionseg.unet.ij.ResultsTables;
import org.lesionseg.unet.workflow.SegmentRequest;
import org.lesionseg.unet.workflow.SegmentationJob;
import org.lesionseg.unet.workflow.Spelling;
import org.lesionseg.unet.workflow.options.Option;
import org.lesionseg.unet.workflow.options.OptionValues;
import org.lesionseg.unet.workflow.options.SegmentOptions;
import org.scijava.command.Command;
import org.scijava.plugin.Menu;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import ij.IJ;
import ij.measure.ResultsTable;

/**
 * Plugins › Segmentation › Segment Folder with UNet: segments every image of a folder with a model file and writes,
 * per image, the probability map ({@code NAME_prob.tif}), the mask ({@code NAME_mask.png}, 255 = lesion) and the
 * objects as a ROI set ({@code NAME_rois.zip}), plus {@code objects.csv} for all images. Opens no window: the batch
 * job for macros and servers. Stacks give one result per slice ({@code NAME_s001_mask.png}).
 */
@Plugin(type = Command.class, headless = true, description = "Segment every image of a folder with a trained U-Net", menu = {
	@Menu(label = "Plugins"), @Menu(label = "Segmentation"), @Menu(label = "Segment Folder with UNet", weight = 3) })
public class SegmentFolderWithUNet extends UNetCommand {

	@Parameter(label = "Model file", style = FileWidget.OPEN_STYLE, persist = false, description = "Model file (.zip) written by Train UNet, or a TorchScript file (.pt) or bioimage.io package (.zip or folder with rdf.yaml) trained elsewhere")
	private File model_file;

	@Parameter(label = "Input folder", style = FileWidget.DIRECTORY_STYLE, persist = false, description = "Folder of images to segment (PNG, TIFF, JPEG, BMP; stacks too)")
	private File input_folder;

	@Parameter(label = "Output folder", style = FileWidget.DIRECTORY_STYLE, persist = false, description = "Folder for the results; created if missing")
	private File output_folder;

	@Parameter(label = "Masks folder (optional)", style = FileWidget.DIRECTORY_STYLE, required = false, persist = false, description = "Folder of the true masks (same names, optional _mask suffix): also writes metrics.csv (Dice, IoU, ... per slice); empty for none")
	private File masks_folder;

	@Parameter(label = "Threshold", min = "0", max = "1", stepSize = "0.05", persist = false, description = "Probability above which a pixel is lesion")
	private double threshold = 0.5;

	@Parameter(label = "Minimum object size", min = "0", persist = false, description = "Objects smaller than this many pixels are removed (specks of a few pixels are noise); 0 keeps all")
	private int min_size = 5;

	@Parameter(label = "Fill holes", persist = false, description = "Fill holes inside objects")
	private boolean fill_holes = false;

	@Parameter(label = "No probability maps", persist = false, description = "Do not write NAME_prob.tif (32-bit probability maps)")
	private boolean no_probability = false;

	@Parameter(label = "No masks", persist = false, description = "Do not write NAME_mask.png (0/255 masks)")
	private boolean no_mask = false;

	@Parameter(label = "No ROI sets", persist = false, description = "Do not write NAME_rois.zip (ROI sets for the ROI Manager)")
	private boolean no_rois = false;

	@Parameter(label = "Tile size", min = "0", persist = false, description = "Side of the tiles the images are cut into; 0 for the training size")
	private int tile = 0;

	@Parameter(label = "Tile overlap", persist = false, description = "Overlap of neighbouring tiles in pixels; -1 for a quarter tile")
	private int overlap = -1;

	@Parameter(label = "Tiles per batch", min = "1", persist = false, description = "Tiles run through the network at once; lower it when memory runs out")
	private int tile_batch = 4;

	@Parameter(label = "Device", persist = false, description = "auto, cpu, gpu or gpu:N")
	private String device = "auto";

	@Parameter(label = "Shard (i/N)", required = false, persist = false, description = "Segment only part i of N of the sorted images (job arrays); finished images are skipped; empty for all")
	private String shard = "";

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

	private final List<SegmentationJob.ImageResult> results = new ArrayList<>();
	private ResultsTable uncertaintyTable;

	/** The fields as the registry reads them, and the request they make: the same path as {@code unet predict}. */
	SegmentRequest request() {
		OptionValues values = SegmentOptions.FILES.parse(MacroKeys.values(this, SegmentOptions.FILES), Option.Where.FIJI);
		return SegmentRequest.of(values, Spelling.MACRO);
	}

	@Override
	protected void execute() {
		results.clear();
		uncertaintyTable = null;
		SegmentRequest request = request();
		String input = request.source().description();
		Path output = request.output();
		for (String w : request.source().warnings())
			IJ.log("warning: " + w);
		Progress progress = Progress.imageJ();
		String name = commandName();
		SegmentationJob.Outcome outcome = SegmentationJob.run(request, new SegmentationJob.Listener() {
			@Override
			public void started(Segmenter segmenter) {
				IJ.log(name + ": " + input + " -> " + output + " with " + request.prediction().model().getFileName() + "; " + segmenter.deviceDescription());
				IJ.log(name + ": " + request.prediction().objectRule(null, Spelling.MACRO));
				String uncertainty = request.prediction().uncertaintyLine(segmenter);
				if (uncertainty != null)
					IJ.log(name + ": " + uncertainty);
			}

			@Override
			public void skipped(String reason) {
				IJ.log("warning: " + reason + " (skipped)");
			}

			@Override
			public void warning(String message) {
				IJ.log(name + ": warning: " + message);
			}

			@Override
			public void imageDone(int done, int total, SegmentationJob.ImageResult r) {
				results.add(r);
				progress.step(done, total, name);
				IJ.log(String.format(Locale.ROOT, "%s: [%d/%d] %s: %d object(s), %d lesion pixels%s", name, done, total, r.name, r.objects, r.foregroundPixels,
					r.uncertaintySummary()));
			}

			@Override
			public boolean stopRequested() {
				return SegmentFolderWithUNet.this.stopRequested();
			}
		});
		String summary = name + ": " + outcome.images.size() + " image(s), " + outcome.objectCount() + " object(s); results"
			+ (request.shard() == null || outcome.merged != null ? " and objects.csv" : " (shard " + request.shard() + ")") + " in " + output
			+ (outcome.alreadyDone > 0 ? "; " + outcome.alreadyDone + " image(s) done by an earlier run were skipped" : "");
		progress.done(summary);
		IJ.log(summary);
		String ranking = outcome.rankingLine(SegmentationJob.uncertaintyCsv(request, outcome));
		if (ranking != null) {
			IJ.log(name + ": " + ranking);
			uncertaintyTable = ResultsTables.fromUncertainty(outcome.uncertainty());
			ResultsTables.show(uncertaintyTable, ResultsTables.UNCERTAINTY_TITLE);
		}
	}

	/** The per-slice uncertainty scores of the last run (as in the "UNet slice uncertainty" table), or null without uncertainty maps. */
	public ResultsTable uncertaintyTable() {
		return uncertaintyTable;
	}

	/** One summary per segmented image of the last run. */
	public List<SegmentationJob.ImageResult> results() {
		return Collections.unmodifiableList(results);
	}
}
