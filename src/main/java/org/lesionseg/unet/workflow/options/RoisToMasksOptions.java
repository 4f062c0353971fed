package org.lesionseg.unet.workflow.options;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * The options of ROIs to Masks: the ROIs of an open image (in the ROI Manager) become its masks, shown and/or added to
 * a training set folder. The file format is Build Training Set's ({@link BuildTrainingSetOptions#FILE_FORMAT}).
 */
public final class RoisToMasksOptions {

	private RoisToMasksOptions() {
	}

	public static final Option<String> IMAGE = Option
		.text("image", "", "The open image (stack) the ROIs belong to, by title; the current image when not given").only(Option.Where.FIJI);
	/** Optional here: without it the command only makes the mask. */
	public static final Option<Path> OUTPUT_FOLDER = Option
		.folder("output_folder", "Folder of the training set to add image and mask to; empty to only make the mask").flag("--output");
	public static final Option<String> SLICES = Option.choice("slices", "all",
		"Which slices to add: all (slices without ROI have no lesion), the current one, or those with a ROI",
		Arrays.asList(BuildTrainingSetOptions.SLICE_CHOICES));
	public static final Option<Boolean> SHOW_MASK = Option.flag("show_mask", false, "Open the mask image (255 = lesion)").only(Option.Where.FIJI);

	public static final OptionSet SET = OptionSet.builder("ROIs to Masks")
		.section("image").add(IMAGE)
		.section("training set").add(OUTPUT_FOLDER, BuildTrainingSetOptions.FILE_FORMAT, SLICES)
		.section("mask").add(SHOW_MASK)
		.build();
}
