package org.lesionseg.unet.workflow.options;

import java.nio.file.Path;

/**
 * The options of Review UNet Segmentation: an open stack, predicted by a model file (or read from a folder of
 * predictions), reviewed slice by slice most-uncertain first; the accepted slices go as image/mask pairs into a training
 * set folder, which also holds the review's state, and may fine-tune the model. {@link #ACCEPT}, {@link #REJECT},
 * {@link #RANKING_FILE} and {@link #FINE_TUNE} let a script drive a review without the panel.
 */
public final class ReviewOptions {

	private ReviewOptions() {
	}

	public static final Option<String> IMAGE = Option.text("image", "", "The open stack to review, by title; the current image when not given")
		.only(Option.Where.FIJI);
	public static final Option<Path> MODEL_FILE = Option
		.file("model_file", "Model file (.zip) written by Train UNet that predicts each slice; empty when predictions_folder is given").only(Option.Where.FIJI);
	public static final Option<Path> PREDICTIONS_FOLDER = Option
		.folder("predictions_folder",
			"Folder of earlier predictions of the slices (NAME_prob.tif, optional NAME_uncertainty.tif and NAME_rois.zip, as Segment Folder writes them) instead of predicting with model_file")
		.only(Option.Where.FIJI);
	public static final Option<Path> OUTPUT_FOLDER = Option
		.folder("output_folder", "Training set folder for the accepted slices (images/, masks/) and the review's state (review.json); not a folder of the inputs")
		.required().only(Option.Where.FIJI);
	public static final Option<Path> RANKING_FILE = Option
		.file("ranking_file", "CSV file to write the slices to, most uncertain first, with their scores and decisions; empty for none").only(Option.Where.FIJI);
	public static final Option<String> ACCEPT = Option
		.text("accept", "",
			"Slices to accept without the panel, e.g. 3,5,7 (1-based): their ROIs in the ROI Manager (else in the image's overlay, else as predicted) become their masks; label masks by the ROIs' classes (ROI group k = class k) for a model of several classes")
		.check(ReviewOptions::isSliceList, t -> "accept '" + t + "' is not a list of slice numbers such as 3,5,7").only(Option.Where.FIJI);
	public static final Option<String> REJECT = Option.text("reject", "", "Slices to reject without the panel, e.g. 2 (1-based); a slice accepted before is taken out of the set")
		.check(ReviewOptions::isSliceList, t -> "reject '" + t + "' is not a list of slice numbers such as 2,4").only(Option.Where.FIJI);
	public static final Option<Boolean> FINE_TUNE = Option
		.flag("fine_tune", false, "Fine-tune the model on the accepted slices after the decisions (the panel has a button for it)").only(Option.Where.FIJI);
	public static final Option<Path> TUNED_MODEL = Option
		.file("tuned_model", "Model file the fine-tuning writes; empty for NAME-reviewed.zip in output_folder (never the input model)").only(Option.Where.FIJI);
	public static final Option<Path> TRAINING_FOLDER = Option
		.folder("training_folder", "The model's original training set (images/ and masks/) to fine-tune on together with the accepted slices; empty for these alone")
		.only(Option.Where.FIJI);
	public static final Option<Integer> EPOCHS = Option.integer("epochs", 5, "Epochs of the fine-tuning").min(1).only(Option.Where.FIJI);
	/** The value of {@link #AUGMENT} that keeps the model's own augmentation. */
	public static final String MODEL_AUGMENTATION = "model";
	// none by default: on real CT the model's own augmentation made a fine-tuning lower the Dice of the very slices it
	// learnt from (docs/review.md), where without it their Dice rose
	public static final Option<String> AUGMENT = Option
		.text("augment", "none",
			"Augmentation while fine-tuning: none (the accepted slices as they are), model (the model's own, as Train UNet used it) or a list as Train UNet's augment, e.g. flip,rotate=15")
		.check(ReviewOptions::isAugmentation, t -> "augment '" + t + "' is not none, model or a list such as flip,rotate=15").valueHint("SPEC").only(Option.Where.FIJI);

	static boolean isAugmentation(String spec) {
		if (spec.trim().equalsIgnoreCase(MODEL_AUGMENTATION))
			return true;
		try {
			org.lesionseg.unet.core.augment.AugmentSettings.parse(spec);
			return true;
		} catch (RuntimeException e) {
			return false;
		}
	}

	/** Comma- or space-separated positive whole numbers, or nothing. */
	static boolean isSliceList(String text) {
		return text.trim().isEmpty() || text.trim().matches("[0-9]+([\\s,]+[0-9]+)*");
	}

	public static final OptionSet SET = OptionSet.builder("Review UNet Segmentation")
		.section("input").add(IMAGE, MODEL_FILE, PREDICTIONS_FOLDER)
		.section("training set").add(OUTPUT_FOLDER, BuildTrainingSetOptions.FILE_FORMAT)
		.section("scripted review").add(RANKING_FILE, ACCEPT, REJECT)
		.section("fine-tuning").add(FINE_TUNE, TUNED_MODEL, TRAINING_FOLDER, EPOCHS, AUGMENT)
		.section("objects").add(CommonOptions.THRESHOLD, CommonOptions.MIN_SIZE, CommonOptions.FILL_HOLES)
		.section("tiles and device").add(CommonOptions.TILE, CommonOptions.OVERLAP, CommonOptions.TILE_BATCH, CommonOptions.DEVICE)
		.build();
}
