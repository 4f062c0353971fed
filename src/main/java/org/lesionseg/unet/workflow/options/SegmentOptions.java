package org.lesionseg.unet.workflow.options;

import java.nio.file.Path;

/**
 * The options of a segmentation: Segment with UNet (an open image, {@link #OPEN_IMAGE}), Segment Folder with UNet and
 * {@code unet predict} (files, {@link #FILES}). Threshold, sizes, tiling and device are the {@link CommonOptions}.
 */
public final class SegmentOptions {

	private SegmentOptions() {
	}

	public static final Option<Path> MODEL_FILE = Option.file("model_file",
		"Model file (.zip) written by Train UNet, a folder of them (a cross-validation's fold-N/model.zip: predicts with their mean probability), "
			+ "or a TorchScript file (.pt) or bioimage.io package (.zip or folder with rdf.yaml) trained elsewhere").flag("--model").required()
		.valueHint("FILE.zip");

	// ---- files: Segment Folder with UNet, unet predict

	public static final Option<Path> INPUT_FOLDER = Option
		.folder("input_folder", "Folder of images to segment (PNG, TIFF, JPEG, BMP; stacks too); on the command line also one image file").flag("--input")
		.required().valueHint("DIR|FILE");
	public static final Option<Path> OUTPUT_FOLDER = Option
		.folder("output_folder", "Folder for the results, created if missing; not the input folder nor inside it").flag("--output").required();
	public static final Option<Path> MASKS_FOLDER = Option
		.folder("masks_folder", "Folder of the true masks (same names, optional _mask suffix): also writes metrics.csv (Dice, IoU, ... per slice); empty for none")
		.flag("--masks").advanced();
	public static final Option<Boolean> NO_PROBABILITY = Option.flag("no_probability", false, "Do not write NAME_prob.tif (32-bit probability maps)");
	public static final Option<Boolean> NO_MASK = Option.flag("no_mask", false, "Do not write NAME_mask.png (0/255 masks)");
	public static final Option<Boolean> NO_ROIS = Option.flag("no_rois", false, "Do not write NAME_rois.zip (ROI sets for the ROI Manager)");

	/** Checked by the request's {@code Shard.parse}; the rule is repeated here only as a pattern, for the message. */
	public static final Option<String> SHARD = Option
		.text("shard", "", "Segment only part i of N of the sorted images (job arrays); finished images are skipped, the last part to finish "
			+ "writes objects.csv for all (or unet merge); empty for all images")
		.check(t -> t.trim().isEmpty() || t.trim().matches("[0-9]+\\s*/\\s*[0-9]+"), t -> "shard '" + t + "' is not of the form i/N (e.g. 2/4)")
		.valueHint("I/N").advanced();

	// ---- an open image: Segment with UNet

	/** The open image by title; the Fiji command hands the image itself to the request. */
	public static final Option<String> IMAGE = Option.text("image", "", "The open image or stack to segment, by title; the current image when not given")
		.only(Option.Where.FIJI);
	public static final Option<Boolean> PROBABILITY_MAP = Option.flag("probability_map", false, "Open the 32-bit probability map")
		.only(Option.Where.FIJI);
	public static final Option<Boolean> BINARY_MASK = Option.flag("binary_mask", false, "Open the 8-bit mask (255 = lesion)").only(Option.Where.FIJI);
	public static final Option<Path> ROI_SET_FILE = Option
		.file("roi_set_file", "ROI set file (.zip) to save the ROIs to, e.g. when headless; empty for none").only(Option.Where.FIJI);

	/** What a model trained elsewhere is and expects (docs/interop.md); every prediction registry has them. */
	static final Option<?>[] IMPORTED = { CommonOptions.MODEL_FORMAT, CommonOptions.INPUT_CHANNELS, CommonOptions.SIZE_MULTIPLE, CommonOptions.NORMALIZATION,
		CommonOptions.OUTPUT_KIND };

	/**
	 * A ROI Manager with tens of thousands of entries is unusable (a weakly trained model gave 37,761 ROIs on a
	 * 36-slice stack); past this many only the largest objects go in, with one line in the Log saying so.
	 */
	public static final int DEFAULT_MAX_ROIS = 1000;
	public static final Option<Integer> MAX_ROIS = Option
		.integer("max_rois", DEFAULT_MAX_ROIS,
			"Most ROIs put into the ROI Manager: with more objects only the largest go in (the mask and roi_set_file keep all); 0 for no limit")
		.min(0).only(Option.Where.FIJI);

	/** Segment Folder with UNet and {@code unet predict}. */
	public static final OptionSet FILES = OptionSet.builder("predict")
		.section("files").add(MODEL_FILE, INPUT_FOLDER, OUTPUT_FOLDER, MASKS_FOLDER, NO_PROBABILITY, NO_MASK, NO_ROIS)
		.section("objects").add(CommonOptions.THRESHOLD, CommonOptions.MIN_SIZE, CommonOptions.FILL_HOLES)
		.section("tiles and device").add(CommonOptions.TILE, CommonOptions.OVERLAP, CommonOptions.TILE_BATCH, CommonOptions.DEVICE, CommonOptions.RUNTIME)
		.section("uncertainty").add(CommonOptions.TEST_TIME_AUGMENTATION)
		.section("diffusion sampling").add(DiffusionOptions.SAMPLING)
		.section("cluster").add(SHARD)
		.section("models trained elsewhere").add(IMPORTED)
		.note("Writes NAME_prob.tif (32-bit), NAME_mask.png (0/255), NAME_rois.zip (ImageJ ROI set) and objects.csv.")
		.build();

	/** Segment with UNet, on an open image. */
	public static final OptionSet OPEN_IMAGE = OptionSet.builder("Segment with UNet")
		.section("image").add(IMAGE, MODEL_FILE, PROBABILITY_MAP, BINARY_MASK, ROI_SET_FILE, MAX_ROIS)
		.section("objects").add(CommonOptions.THRESHOLD, CommonOptions.MIN_SIZE, CommonOptions.FILL_HOLES)
		.section("tiles and device").add(CommonOptions.TILE, CommonOptions.OVERLAP, CommonOptions.TILE_BATCH, CommonOptions.DEVICE, CommonOptions.RUNTIME)
		.section("uncertainty").add(CommonOptions.TEST_TIME_AUGMENTATION)
		.section("diffusion sampling").add(DiffusionOptions.SAMPLING)
		.section("models trained elsewhere").add(IMPORTED)
		.build();
}
