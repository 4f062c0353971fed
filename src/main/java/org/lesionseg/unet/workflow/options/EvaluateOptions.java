package org.lesionseg.unet.workflow.options;

import java.nio.file.Path;

/**
 * The options of an evaluation: Evaluate UNet and {@code unet evaluate}. Threshold, sizes, tiling, pairing, mask
 * policy and device are the {@link CommonOptions}.
 */
public final class EvaluateOptions {

	private EvaluateOptions() {
	}

	public static final Option<Path> IMAGES_FOLDER = Option
		.folder("images_folder", "Folder of images; when given, the folders are used instead of the open image").flag("--images");
	public static final Option<Path> MASKS_FOLDER = Option.folder("masks_folder", "Folder of the true masks that go with images_folder").flag("--masks");
	public static final Option<String> IMAGE = Option
		.text("image", "", "The open image (stack) to evaluate on, by title; not used when images_folder is given").only(Option.Where.FIJI);
	public static final Option<String> MASK = Option
		.text("mask", "", "The open mask image (truth) by title: 0 = background, non-zero = lesion; for a multi-class model a label image (0..K)").only(Option.Where.FIJI);
	public static final Option<Boolean> USE_ROI_MANAGER = Option
		.flag("use_roi_manager", false, "Draw the true masks from the image's ROIs in the ROI Manager instead of a mask image").only(Option.Where.FIJI);
	public static final Option<Path> REPORT_FOLDER = Option
		.folder("report_folder", "Folder for metrics.csv and the panels (panels/NAME_panel.png); empty for none").flag("--report");
	public static final Option<Integer> PANEL_COUNT = Option.integer("panel_count", 6,
		"How many image | truth | prediction panels to make (images with lesions first), saved to report_folder (in Fiji also opened as a stack); 0 for none")
		.flag("--panels").min(0);
	public static final Option<Path> METRICS_FILE = Option.file("metrics_file", "A CSV file for the per-image metrics").flag("--output")
		.only(Option.Where.COMMAND_LINE).valueHint("FILE.csv");

	public static final OptionSet SET = OptionSet.builder("evaluate")
		.section("data").add(SegmentOptions.MODEL_FILE, IMAGES_FOLDER, MASKS_FOLDER, IMAGE, MASK, USE_ROI_MANAGER, CommonOptions.PAIRING,
			CommonOptions.MASK_POLICY)
		.section("objects").add(CommonOptions.THRESHOLD, CommonOptions.MIN_SIZE, CommonOptions.FILL_HOLES)
		.section("report").add(REPORT_FOLDER, PANEL_COUNT, METRICS_FILE)
		.section("tiles and device").add(CommonOptions.TILE, CommonOptions.OVERLAP, CommonOptions.TILE_BATCH, CommonOptions.DEVICE, CommonOptions.RUNTIME)
		.section("uncertainty").add(CommonOptions.TEST_TIME_AUGMENTATION)
		.section("diffusion sampling").add(DiffusionOptions.SAMPLING)
		.section("models trained elsewhere").add(SegmentOptions.IMPORTED)
		.note("Prints per-image Dice and IoU and a last line:")
		.note("summary: images=N mean_dice=... mean_dice_nonempty=... pooled_dice=... mean_iou=... accuracy=...")
		.build();
}
