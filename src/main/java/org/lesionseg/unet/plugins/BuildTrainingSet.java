package org.lesionseg.unet.plugins;

import java.io.File;
import java.util.Collections;
import java.util.List;

import org.lesionseg.unet.workflow.BuildTrainingSetRequest;
import org.lesionseg.unet.workflow.TrainingSetJob;
import org.lesionseg.unet.workflow.options.BuildTrainingSetOptions;
import org.lesionseg.unet.workflow.options.Option;
import org.scijava.command.Command;
import org.scijava.plugin.Menu;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import ij.IJ;
import ij.ImagePlus;

/**
 * Plugins › Segmentation › Build Training Set: writes an open image (stack) with its mask image, or with the lesions
 * outlined in the ROI Manager, into a training set folder ({@code images/} + {@code masks/}, one file per slice).
 * Run it once per open image to gather several into one set; Train UNet then reads the two folders.
 */
@Plugin(type = Command.class, headless = true, description = "Add an open image and its mask or ROIs to a training set folder", menu = {
	@Menu(label = "Plugins"), @Menu(label = "Segmentation"), @Menu(label = "Build Training Set", weight = 11) })
public class BuildTrainingSet extends UNetCommand {

	@Parameter(label = "Image", persist = false, description = "The open image (stack) to add, by title; the current image when not given")
	private ImagePlus image;

	@Parameter(label = "Mask", required = false, persist = false, description = "Its mask image by title: 0 = background, non-zero = lesion, one slice per image slice")
	private ImagePlus mask;

	@Parameter(label = "Lesions from the ROI Manager", persist = false, description = "Draw the masks from the ROIs in the ROI Manager instead of a mask image")
	private boolean use_roi_manager = false;

	@Parameter(label = "Training set folder", style = FileWidget.DIRECTORY_STYLE, persist = false, description = "Folder of the set; images/ and masks/ are created in it and added to")
	private File output_folder;

	@Parameter(label = "File format", choices = { "png", "tiff" }, persist = false, description = "File type of 8-bit and RGB slices and of the masks; 16-bit and 32-bit slices are always TIFF")
	private String file_format = "png";

	@Parameter(label = "Slices", choices = { "all", "current", "with_lesion" }, persist = false, description = "Which slices to add: all, the current one, or those with a lesion")
	private String slices = "all";

	@Parameter(label = "Replace existing", persist = false, description = "Replace slices of the same name already in the set; otherwise they stop the command")
	private boolean replace_existing = false;

	private List<String> added = Collections.emptyList();

	@Override
	protected boolean usesEngine() {
		return false;
	}

	/** The fields as the registry reads them, and the request they make. */
	BuildTrainingSetRequest request(ImagePlus imp) {
		return BuildTrainingSetRequest.of(BuildTrainingSetOptions.SET.parse(MacroKeys.values(this, BuildTrainingSetOptions.SET), Option.Where.FIJI),
			TrainingSetPlanes.folderOf(imp));
	}

	@Override
	protected void execute() {
		ImagePlus imp = OpenImages.givenOrCurrent(image);
		BuildTrainingSetRequest request = request(imp);
		TrainingSetJob.Outcome outcome = TrainingSetJob.run(request, TrainingSetPlanes.of(imp, MaskSources.masks(imp, mask, request.fromRoiManager)));
		added = outcome.added;
		IJ.log(commandName() + ": added " + added.size() + " slice(s) of " + imp.getTitle() + " to " + request.folder + " (" + outcome.imagesInSet
			+ " images in the set)");
	}

	/** Names of the slices added by the last run. */
	public List<String> added() {
		return added;
	}
}
