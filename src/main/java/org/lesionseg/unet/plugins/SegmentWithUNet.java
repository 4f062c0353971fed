package org.lesionseg.unet.plugins;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import org.lesionseg.unet.core.predict.Segmenter;
import org.lesionseg.unet.ij.ImagePlanes;
import org.lesionseg.unet.ij.ImagePlusConversion;
import org.lesionseg.unet.ij.Progress;
import org.lesionseg.unet.ij.ResultsTables;
import org.lesionseg.unet.ij.RoiConversion;
import org.lesionseg.unet.ij.RoiSets;
import org.lesionseg.unet.workflow.SegmentRequest;
import org.lesionseg.unet.workflow.SegmentationJob;
import org.lesionseg.unet.workflow.Spelling;
import org.lesionseg.unet.workflow.sources.ImageSource;
import org.lesionseg.unet.workflow.sources.SourceImage;
import org.lesionseg.unet.workflow.options.Option;
import org.lesionseg.unet.workflow.options.OptionValues;
import org.lesionseg.unet.workflow.options.SegmentOptions;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Menu;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import ij.IJ;
import ij.ImagePlus;
import ij.gui.Overlay;
import ij.gui.Roi;
import ij.measure.ResultsTable;
import ij.plugin.frame.RoiManager;

/**
 * Plugins › Segmentation › Segment with UNet: applies a model file to the current image or stack (any size: it is
 * processed in tiles). Every lesion object becomes a ROI named by slice and object ({@code slice003-obj02}) with its
 * area and mean probability as properties; the ROIs go to the ROI Manager, whose "Show All" draws them on the image
 * (a ROI deleted there disappears from the image), and the objects
 * to the "UNet objects" table with the columns of {@code objects.csv} (plus calibrated area and centroid when the image
 * is calibrated). The image goes through the same job as a folder of files ({@link SegmentationJob}). Optionally opens the probability map and the binary mask, with
 * the image's calibration.
 * <p>
 * Without a display there is no ROI Manager: the image's overlay gets the ROIs instead, and {@code roi_set_file} saves them.
 */
@Plugin(type = Command.class, headless = true, description = "Segment lesions with a trained U-Net", menu = {
	@Menu(label = "Plugins"), @Menu(label = "Segmentation"), @Menu(label = "Segment with UNet", weight = 2) })
public class SegmentWithUNet extends UNetCommand {

	/** ROI property holding the model file's name, which marks the ROIs this command put into an overlay. */
	public static final String PROPERTY_MODEL = "model";

	@Parameter(label = "Image", persist = false, description = "The open image or stack to segment, by title; the current image when not given")
	private ImagePlus image;

	@Parameter(label = "Model file", style = FileWidget.OPEN_STYLE, persist = false, description = "Model file (.zip) written by Train UNet, or a TorchScript file (.pt) or bioimage.io package (.zip or folder with rdf.yaml) trained elsewhere")
	private File model_file;

	@Parameter(label = "Threshold", min = "0", max = "1", stepSize = "0.05", persist = false, description = "Probability above which a pixel is lesion")
	private double threshold = 0.5;

	@Parameter(label = "Minimum object size", min = "0", persist = false, description = "Objects smaller than this many pixels are removed (specks of a few pixels are noise); 0 keeps all")
	private int min_size = 5;

	@Parameter(label = "Fill holes", persist = false, description = "Fill holes inside objects")
	private boolean fill_holes = false;

	@Parameter(label = "Show probability map", persist = false, description = "Open the 32-bit probability map")
	private boolean probability_map = false;

	@Parameter(label = "Show binary mask", persist = false, description = "Open the 8-bit mask (255 = lesion)")
	private boolean binary_mask = false;

	@Parameter(label = "Save ROIs to", style = FileWidget.SAVE_STYLE, required = false, persist = false, description = "ROI set file (.zip) to save the ROIs to, e.g. when headless; empty for none")
	private File roi_set_file;

	@Parameter(label = "Most ROIs in the ROI Manager", min = "0", persist = false, description = "Most ROIs put into the ROI Manager: with more objects only the largest go in (the mask and roi_set_file keep all); 0 for no limit")
	private int max_rois = 1000;

	@Parameter(label = "Tile size", min = "0", persist = false, description = "Side of the tiles the image is cut into; 0 for the training size")
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

	@Parameter(type = ItemIO.OUTPUT, required = false, label = "Probability map")
	private ImagePlus probability_image;

	@Parameter(type = ItemIO.OUTPUT, required = false, label = "Binary mask")
	private ImagePlus mask_image;

	@Parameter(type = ItemIO.OUTPUT, required = false, label = "Uncertainty map")
	private ImagePlus uncertainty_image;

	@Parameter(type = ItemIO.OUTPUT, required = false, label = "Label image")
	private ImagePlus label_image;

	@Parameter(type = ItemIO.OUTPUT, required = false, label = "Class probabilities")
	private ImagePlus class_probability_image;

	private List<Roi> rois = new ArrayList<>();
	private ResultsTable objectsTable;
	private ResultsTable uncertaintyTable;

	/** The fields as the registry reads them: one path for a dialog, a macro and a script alike. */
	OptionValues values() {
		return SegmentOptions.OPEN_IMAGE.parse(MacroKeys.values(this, SegmentOptions.OPEN_IMAGE), Option.Where.FIJI);
	}

	@Override
	protected void execute() {
		ImagePlus imp = OpenImages.givenOrCurrent(image);
		ImageSource source = ImageSource.of(imp.getTitle(),
			Collections.singletonList(new SourceImage(ImagePlanes.of(imp), ImagePlanes.calibration(imp))));
		OptionValues values = values();
		SegmentRequest request = SegmentRequest.of(values, source, Spelling.MACRO);
		Path model = request.prediction().model();
		Progress progress = Progress.imageJ();
		int planes = ImagePlusConversion.planes(imp);
		int[] planesDone = { 0 };
		org.lesionseg.unet.core.modelfile.ModelInfo[] modelInfo = { null };
		SegmentationJob.Outcome outcome;
		try {
			outcome = SegmentationJob.run(request, new SegmentationJob.Listener() {
				@Override
				public void started(Segmenter segmenter) {
					modelInfo[0] = segmenter.info();
					IJ.log(commandName() + ": " + imp.getTitle() + " with " + model.getFileName() + "; " + segmenter.deviceDescription());
					IJ.log(commandName() + ": " + request.prediction().objectRule(ImagePlanes.calibration(imp), Spelling.MACRO));
					String uncertainty = request.prediction().uncertaintyLine(segmenter);
					if (uncertainty != null)
						IJ.log(commandName() + ": " + uncertainty);
				}

				@Override
				public void planeStarting(int image, int images, int plane, int planeCount, String name) {
					planesDone[0] = plane + 1;
					progress.step(plane, planeCount, commandName() + ": " + imp.getTitle());
				}

				@Override
				public void warning(String message) {
					IJ.log(commandName() + ": warning: " + message);
				}

				@Override
				public boolean stopRequested() {
					return SegmentWithUNet.this.stopRequested();
				}
			});
		} catch (SegmentationJob.Stopped stopped) {
			cancel("stopped by the user");
			IJ.log(commandName() + ": stopped after " + planesDone[0] + " of " + planes + " slices; nothing was added");
			return;
		}
		SegmentationJob.ImageResult result = outcome.images.get(0);
		List<Roi> found = new ArrayList<>(result.rois);
		for (Roi roi : found) {
			placeOnPlane(imp, roi, roi.getPosition());
			roi.setProperty(PROPERTY_MODEL, model.getFileName().toString());
			roi.setProperty(RoiConversion.PROPERTY_IMAGE, imp.getTitle());
		}
		rois = found;
		objectsTable = ResultsTables.fromObjects(outcome.objects);
		ResultsTables.show(objectsTable, ResultsTables.OBJECTS_TITLE);
		Path zip = values.get(SegmentOptions.ROI_SET_FILE);
		show(imp, found, zip != null, values.get(SegmentOptions.MAX_ROIS));
		if (zip != null) {
			Inputs.createParent(zip);
			RoiSets.write(zip, found);
			IJ.log(commandName() + ": " + found.size() + " ROIs saved to " + zip);
		}
		String base = ImagePlusConversion.imageName(imp);
		int w = imp.getWidth(), h = imp.getHeight();
		if (values.get(SegmentOptions.PROBABILITY_MAP)) {
			probability_image = ImagePlusConversion.probabilityImage(base + "-probability", new ArrayList<>(result.probabilities), w, h, imp.getCalibration());
			ImagePlusConversion.copyPlaneLayout(imp, probability_image);
		}
		uncertaintyTable = null;
		if (!result.uncertainties.isEmpty()) {
			// the standard deviation of a diffusion model's samples or of test-time augmentation, 32-bit like the probability map
			uncertainty_image = ImagePlusConversion.probabilityImage(base + "-uncertainty", new ArrayList<>(result.uncertainties), w, h, imp.getCalibration());
			ImagePlusConversion.copyPlaneLayout(imp, uncertainty_image);
			uncertaintyTable = ResultsTables.fromUncertainty(result.uncertainty);
			ResultsTables.show(uncertaintyTable, ResultsTables.UNCERTAINTY_TITLE);
			IJ.log(commandName() + ": " + outcome.rankingLine(null));
		}
		if (!result.classLabels.isEmpty())
			showClasses(imp, result, modelInfo[0], values.get(SegmentOptions.PROBABILITY_MAP));
		if (values.get(SegmentOptions.BINARY_MASK)) {
			mask_image = ImagePlusConversion.maskImage(base + "-mask", new ArrayList<>(result.masks), w, h, imp.getCalibration());
			ImagePlusConversion.copyPlaneLayout(imp, mask_image);
		}
		progress.done(commandName() + ": " + found.size() + " object(s) in " + planes + " slice(s) of " + imp.getTitle());
		IJ.log(commandName() + ": " + found.size() + " object(s) in " + planes + " slice(s) of " + imp.getTitle());
	}

	/** A multi-class model's label image (always) and class probabilities (with the probability map), named groups in the ROI Manager. */
	private void showClasses(ImagePlus imp, SegmentationJob.ImageResult result, org.lesionseg.unet.core.modelfile.ModelInfo info, boolean probabilities) {
		java.util.List<String> names = info.classNames.subList(1, info.classNames.size());
		java.util.List<String> colours = info.classColours == null ? null : info.classColours.subList(1, info.classColours.size());
		String base = ImagePlusConversion.imageName(imp);
		label_image = org.lesionseg.unet.ij.ClassImages.labelImage(base + "-labels", result.classLabels, imp.getWidth(), imp.getHeight(), imp.getCalibration(),
			colours);
		ImagePlusConversion.copyPlaneLayout(imp, label_image);
		if (probabilities)
			class_probability_image = org.lesionseg.unet.ij.ClassImages.classProbabilities(base + "-class-probabilities", result.classMaps, imp.getWidth(),
				imp.getHeight(), imp.getCalibration(), names);
		org.lesionseg.unet.ij.ClassRois.nameGroups(names);
		IJ.log(commandName() + ": classes " + String.join(", ", names) + " (label image " + label_image.getTitle() + "; ROI group k = class k)");
	}

	/** On a hyperstack the slice number of a plane is a (z, t) position; plain stacks keep the plane number. */
	private static void placeOnPlane(ImagePlus imp, Roi roi, int plane) {
		if (!imp.isHyperStack() || plane < 1)
			return;
		int z = (plane - 1) % imp.getNSlices() + 1;
		int t = (plane - 1) / imp.getNSlices() + 1;
		roi.setPosition(0, z, t);
	}

	/**
	 * Shows the ROIs: with a ROI Manager only there, and the image draws the manager's list (its "Show All"), so that a
	 * ROI deleted or edited in the manager is gone from the image too (the manager tells nobody about deletions: ROIs
	 * copied into the image's own overlay would stay). Without a display there is no manager: the overlay gets them.
	 */
	private void show(ImagePlus imp, List<Roi> found, boolean savedToFile, int maxRois) {
		RoiManager manager = RoiManagers.get(true);
		if (manager == null) {
			replaceInOverlay(imp, found);
			IJ.log(commandName() + ": no ROI Manager without a display; the ROIs are in the image's overlay"
				+ (savedToFile ? "" : " (give roi_set_file to save them)"));
			return;
		}
		replaceInOverlay(imp, Collections.emptyList()); // an earlier run's ROIs, from before the manager existed
		List<Roi> added = RoiManagers.largest(found, maxRois);
		if (added.size() < found.size())
			IJ.log(String.format(Locale.ROOT, "%s: %d objects would flood the ROI Manager: it got the %d largest (max_rois=%d); %s",
				commandName(), found.size(), added.size(), maxRois,
				savedToFile ? "all " + found.size() + " are in the ROI set file" : "give roi_set_file to save all, or a min_size to drop specks"));
		RoiManagers.replaceSegmentation(manager, imp, added);
		RoiManagers.showAll(manager, imp);
	}

	/** Replaces the ROIs an earlier run put into the overlay by these, keeping the user's own. */
	private static void replaceInOverlay(ImagePlus imp, List<Roi> found) {
		Overlay overlay = imp.getOverlay();
		if (overlay == null && found.isEmpty())
			return;
		if (overlay == null)
			overlay = new Overlay();
		for (Roi old : overlay.toArray())
			if (old.getProperty(PROPERTY_MODEL) != null && old.getProperty(RoiConversion.PROPERTY_LABEL) != null)
				overlay.remove(old);
		for (Roi roi : found)
			overlay.add((Roi) roi.clone());
		imp.setOverlay(overlay.size() == 0 ? null : overlay);
	}

	/** The ROIs found in the last run, one per object, in slice order. */
	public List<Roi> rois() {
		return Collections.unmodifiableList(rois);
	}

	/** The per-slice uncertainty scores of the last run ("UNet slice uncertainty"), or null without an uncertainty map. */
	public ResultsTable uncertaintyTable() {
		return uncertaintyTable;
	}

	/** The objects of the last run as in the "UNet objects" table. */
	public ResultsTable objectsTable() {
		return objectsTable;
	}
}
