package org.lesionseg.unet.plugins;

import java.io.File;
import java.util.Collections;
import java.util.List;

import org.lesionseg.unet.ij.ImagePlusConversion;
import org.lesionseg.unet.workflow.RoisToMasksRequest;
import org.lesionseg.unet.workflow.TrainingSetJob;
import org.lesionseg.unet.workflow.options.Option;
import org.lesionseg.unet.workflow.options.RoisToMasksOptions;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Menu;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import ij.IJ;
import ij.ImagePlus;

/**
 * Plugins › Segmentation › ROIs to Masks: the review loop. After Segment with UNet put its ROIs into the ROI Manager
 * and the user corrected them (deleted false lesions, redrew or added missed ones), this turns the ROIs into the mask
 * of the shown image and adds image and mask to a training set folder, replacing the slices it added before (a
 * corrected slice replaces its earlier mask). Train UNet with the former model as
 * {@code initial_model} then fine-tunes it on the corrected cases.
 * <p>
 * Only the ROIs of that image are used ({@link RoiManagers#roisOf}): the manager may also hold other images' ROIs.
 */
@Plugin(type = Command.class, headless = true, description = "Turn the ROI Manager's ROIs into masks for a training set", menu = {
	@Menu(label = "Plugins"), @Menu(label = "Segmentation"), @Menu(label = "ROIs to Masks", weight = 12) })
public class RoisToMasks extends UNetCommand {

	@Parameter(label = "Image", persist = false, description = "The open image (stack) the ROIs belong to, by title; the current image when not given")
	private ImagePlus image;

	@Parameter(label = "Training set folder", style = FileWidget.DIRECTORY_STYLE, required = false, persist = false, description = "Folder of the training set to add image and mask to; empty to only make the mask")
	private File output_folder;

	@Parameter(label = "File format", choices = { "png", "tiff" }, persist = false, description = "File type of 8-bit and RGB slices and of the masks; 16-bit and 32-bit slices are always TIFF")
	private String file_format = "png";

	@Parameter(label = "Slices", choices = { "all", "current", "with_lesion" }, persist = false, description = "Which slices to add: all (slices without ROI have no lesion), the current one, or those with a ROI")
	private String slices = "all";

	@Parameter(label = "Show mask", persist = false, description = "Open the mask image (255 = lesion)")
	private boolean show_mask = false;

	@Parameter(type = ItemIO.OUTPUT, required = false, label = "Mask")
	private ImagePlus mask_image;

	private List<String> added = Collections.emptyList();

	@Override
	protected boolean usesEngine() {
		return false;
	}

	/** The fields as the registry reads them, and the request they make. */
	RoisToMasksRequest request(ImagePlus imp) {
		return RoisToMasksRequest.of(RoisToMasksOptions.SET.parse(MacroKeys.values(this, RoisToMasksOptions.SET), Option.Where.FIJI),
			TrainingSetPlanes.folderOf(imp));
	}

	@Override
	protected void execute() {
		ImagePlus imp = OpenImages.givenOrCurrent(image);
		RoisToMasksRequest request = request(imp);
		List<byte[]> masks = MaskSources.fromRois(imp, RoiManagers.roisOf(imp));
		if (request.trainingSet != null) {
			added = TrainingSetJob.run(request.trainingSet, TrainingSetPlanes.of(imp, masks)).added;
			IJ.log(commandName() + ": added " + added.size() + " slice(s) of " + imp.getTitle() + " with their masks to " + request.trainingSet.folder);
		}
		if (request.showMask) {
			mask_image = ImagePlusConversion.maskImage(ImagePlusConversion.imageName(imp) + "-mask", masks, imp.getWidth(), imp.getHeight(), imp.getCalibration());
			ImagePlusConversion.copyPlaneLayout(imp, mask_image);
		}
	}

	/** Names of the slices added by the last run. */
	public List<String> added() {
		return added;
	}
}
