package org.lesionseg.unet.plugins;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.lesionseg.unet.core.data.Sample;
import org.lesionseg.unet.core.predict.MaskPostprocessing;
import org.lesionseg.unet.core.predict.SegmentedObject;
import org.lesionseg.unet.core.predict.Segmenter;
import org.lesionseg.unet.ij.ImagePlusConversion;
import org.lesionseg.unet.ij.ObjectRow;
import org.lesionseg.unet.ij.Progress;
import org.lesionseg.unet.ij.ResultsTables;
import org.lesionseg.unet.ij.RoiConversion;
import org.lesionseg.unet.ij.RoiSets;
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
 * area and mean probability as properties; the ROIs go to the ROI Manager and to the image's overlay, and the objects
 * to the "UNet objects" table in calibrated units. Optionally opens the probability map and the binary mask, with
 * the image's calibration.
 * <p>
 * Without a display there is no ROI Manager: the overlay still gets the ROIs, and {@code roi_set_file} saves them.
 */
@Plugin(type = Command.class, headless = true, description = "Segment lesions with a trained U-Net", menu = {
	@Menu(label = "Plugins"), @Menu(label = "Segmentation"), @Menu(label = "Segment with UNet", weight = 2) })
public class SegmentWithUNet extends UNetCommand {

	/** ROI property holding the model file's name, which marks the ROIs this command put into an overlay. */
	public static final String PROPERTY_MODEL = "model";

	@Parameter(label = "Image", persist = false, description = "The open image or stack to segment, by title; the current image when not given")
	private ImagePlus image;

	@Parameter(label = "Model file", style = FileWidget.OPEN_STYLE, persist = false, description = "Model file (.zip) written by Train UNet")
	private File model_file;

	@Parameter(label = "Threshold", min = "0", max = "1", stepSize = "0.05", persist = false, description = "Probability above which a pixel is lesion")
	private double threshold = 0.5;

	@Parameter(label = "Minimum object size", min = "0", persist = false, description = "Objects with fewer pixels are dropped; 0 keeps all")
	private int min_size = 0;

	@Parameter(label = "Fill holes", persist = false, description = "Fill holes inside objects")
	private boolean fill_holes = false;

	@Parameter(label = "Show probability map", persist = false, description = "Open the 32-bit probability map")
	private boolean probability_map = false;

	@Parameter(label = "Show binary mask", persist = false, description = "Open the 8-bit mask (255 = lesion)")
	private boolean binary_mask = false;

	@Parameter(label = "Save ROIs to", style = FileWidget.SAVE_STYLE, required = false, persist = false, description = "ROI set file (.zip) to save the ROIs to, e.g. when headless; empty for none")
	private File roi_set_file;

	@Parameter(label = "Tile size", min = "0", persist = false, description = "Side of the tiles the image is cut into; 0 for the training size")
	private int tile = 0;

	@Parameter(label = "Tile overlap", persist = false, description = "Overlap of neighbouring tiles in pixels; -1 for a quarter tile")
	private int overlap = -1;

	@Parameter(label = "Tiles per batch", min = "1", persist = false, description = "Tiles run through the network at once; lower it when memory runs out")
	private int tile_batch = 4;

	@Parameter(label = "Device", persist = false, description = "auto, cpu, gpu or gpu:N")
	private String device = "auto";

	@Parameter(type = ItemIO.OUTPUT, required = false, label = "Probability map")
	private ImagePlus probability_image;

	@Parameter(type = ItemIO.OUTPUT, required = false, label = "Binary mask")
	private ImagePlus mask_image;

	private List<Roi> rois = new ArrayList<>();
	private ResultsTable objectsTable;

	@Override
	protected void execute() {
		ImagePlus imp = OpenImages.givenOrCurrent(image);
		Path model = Inputs.existingModel(model_file, "model_file");
		MaskPostprocessing.Options options = Inputs.postprocessing(threshold, min_size, fill_holes);
		Progress progress = Progress.imageJ();
		List<Sample> planes = ImagePlusConversion.toSamples(imp);
		int bitDepth = ImagePlusConversion.bitDepth(imp);
		int w = imp.getWidth(), h = imp.getHeight();
		List<float[]> probabilities = new ArrayList<>();
		List<byte[]> masks = new ArrayList<>();
		List<ObjectRow> rows = new ArrayList<>();
		List<Roi> found = new ArrayList<>();
		try (Segmenter segmenter = new Segmenter(model, device, Inputs.tiling(tile, overlap, tile_batch))) {
			IJ.log(commandName() + ": " + imp.getTitle() + " with " + model.getFileName() + "; " + segmenter.deviceDescription());
			for (int p = 1; p <= planes.size(); p++) {
				if (stopRequested()) {
					cancel("stopped by the user");
					IJ.log(commandName() + ": stopped after " + (p - 1) + " of " + planes.size() + " slices; nothing was added");
					return;
				}
				progress.step(p - 1, planes.size(), commandName() + ": " + imp.getTitle());
				Sample s = planes.get(p - 1);
				Segmenter.Result r = segmenter.segment(s.name(), s.imageData(), w, h, s.channels(), bitDepth, options);
				probabilities.add(r.probability);
				masks.add(r.mask());
				List<Roi> planeRois = RoiConversion.toRois(r.processed.labels(), r.objects(), planes.size() > 1 ? p : 0, imp.getTitle());
				for (Roi roi : planeRois) {
					placeOnPlane(imp, roi, p);
					roi.setProperty(PROPERTY_MODEL, model.getFileName().toString());
				}
				found.addAll(planeRois);
				for (SegmentedObject o : r.objects())
					rows.add(ObjectRow.of(ImagePlusConversion.imageName(imp), p, o, imp.getCalibration()));
			}
		}
		rois = found;
		showObjects(imp, rows);
		addToOverlay(imp, found);
		addToManager(imp, found);
		if (Inputs.given(roi_set_file)) {
			Path zip = roi_set_file.toPath();
			Inputs.createParent(zip);
			RoiSets.write(zip, found);
			IJ.log(commandName() + ": " + found.size() + " ROIs saved to " + zip);
		}
		String base = ImagePlusConversion.imageName(imp);
		if (probability_map) {
			probability_image = ImagePlusConversion.probabilityImage(base + "-probability", probabilities, w, h, imp.getCalibration());
			ImagePlusConversion.copyPlaneLayout(imp, probability_image);
		}
		if (binary_mask) {
			mask_image = ImagePlusConversion.maskImage(base + "-mask", masks, w, h, imp.getCalibration());
			ImagePlusConversion.copyPlaneLayout(imp, mask_image);
		}
		progress.done(commandName() + ": " + found.size() + " object(s) in " + planes.size() + " slice(s) of " + imp.getTitle());
		IJ.log(commandName() + ": " + found.size() + " object(s) in " + planes.size() + " slice(s) of " + imp.getTitle());
	}

	/** On a hyperstack the slice number of a plane is a (z, t) position; plain stacks keep the plane number. */
	private static void placeOnPlane(ImagePlus imp, Roi roi, int plane) {
		if (!imp.isHyperStack())
			return;
		int z = (plane - 1) % imp.getNSlices() + 1;
		int t = (plane - 1) / imp.getNSlices() + 1;
		roi.setPosition(0, z, t);
	}

	private void showObjects(ImagePlus imp, List<ObjectRow> rows) {
		objectsTable = ResultsTables.fromObjects(rows);
		ResultsTables.show(objectsTable, ResultsTables.OBJECTS_TITLE);
	}

	/** Replaces the ROIs an earlier run put into the overlay, keeping the user's own. */
	private static void addToOverlay(ImagePlus imp, List<Roi> found) {
		Overlay overlay = imp.getOverlay();
		if (overlay == null)
			overlay = new Overlay();
		for (Roi old : overlay.toArray())
			if (old.getProperty(PROPERTY_MODEL) != null && old.getProperty(RoiConversion.PROPERTY_LABEL) != null)
				overlay.remove(old);
		for (Roi roi : found)
			overlay.add((Roi) roi.clone());
		imp.setOverlay(overlay);
	}

	/** Replaces the ROIs an earlier run put into the ROI Manager for this image, keeping the user's own and other images'. */
	private void addToManager(ImagePlus imp, List<Roi> found) {
		RoiManager manager = RoiManagers.get(true);
		if (manager == null) {
			IJ.log(commandName() + ": no ROI Manager without a display; the ROIs are in the image's overlay"
				+ (Inputs.given(roi_set_file) ? "" : " (give roi_set_file to save them)"));
			return;
		}
		RoiManagers.replaceSegmentation(manager, imp, found);
	}

	/** The ROIs found in the last run, one per object, in slice order. */
	public List<Roi> rois() {
		return Collections.unmodifiableList(rois);
	}

	/** The objects of the last run as in the "UNet objects" table. */
	public ResultsTable objectsTable() {
		return objectsTable;
	}
}
