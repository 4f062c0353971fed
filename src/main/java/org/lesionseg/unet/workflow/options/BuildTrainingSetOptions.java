package org.lesionseg.unet.workflow.options;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * The options of Build Training Set: an open image with its mask image (or the ROIs of the ROI Manager) added to a
 * training set folder. The file format is shared with ROIs to Masks ({@link RoisToMasksOptions}); the ROI Manager
 * switch is the training's ({@link TrainOptions#USE_ROI_MANAGER}).
 */
public final class BuildTrainingSetOptions {

	private BuildTrainingSetOptions() {
	}

	public static final Option<String> IMAGE = Option
		.text("image", "", "The open image (stack) to add, by title; the current image when not given").only(Option.Where.FIJI);
	public static final Option<String> MASK = Option
		.text("mask", "", "Its mask image by title: 0 = background, non-zero = lesion, one slice per image slice").only(Option.Where.FIJI);
	public static final Option<Path> OUTPUT_FOLDER = Option
		.folder("output_folder", "Folder of the set; images/ and masks/ are created in it and added to").flag("--output").required();

	/** png or tiff; {@code tif} is an older spelling. */
	public static final Option<String> FILE_FORMAT = Option
		.choice("file_format", "png", "File type of 8-bit and RGB slices and of the masks; 16-bit and 32-bit slices are always TIFF",
			Arrays.asList("png", "tiff"))
		.choiceAlias("tif", "tiff");

	/** The three choices of which slices to add; each command explains them in its own words. */
	static final String[] SLICE_CHOICES = { "all", "current", "with_lesion" };

	public static final Option<String> SLICES = Option.choice("slices", "all", "Which slices to add: all, the current one, or those with a lesion",
		Arrays.asList(SLICE_CHOICES));
	public static final Option<Boolean> REPLACE_EXISTING = Option.flag("replace_existing", false,
		"Replace slices of the same name already in the set; otherwise they stop the command");

	public static final OptionSet SET = OptionSet.builder("Build Training Set")
		.section("image").add(IMAGE, MASK, TrainOptions.USE_ROI_MANAGER)
		.section("training set").add(OUTPUT_FOLDER, FILE_FORMAT, SLICES, REPLACE_EXISTING)
		.build();
}
