package org.lesionseg.unet.workflow.options;

import java.nio.file.Path;

/**
 * The options of a k-fold cross-validation ({@code unet crossval}): the training's options (but the model files, which
 * go into the output folder, one per fold, and the test fraction: each fold is the test set of its model) and the
 * folds.
 */
public final class CrossValOptions {

	private CrossValOptions() {
	}

	public static final Option<Integer> FOLDS = Option.integer("folds", 5, "Number of folds; the images of one patient (group_by) stay in one fold")
		.range(2, 100);
	public static final Option<Integer> FOLD = Option.integer("fold", 0,
		"Train only this fold (1..folds), e.g. as one task of a SLURM job array; 0 trains every fold not yet done, one after another").min(0);
	public static final Option<Path> OUTPUT_FOLDER = Option
		.folder("output_folder", "Folder for fold-N/model.zip, fold-N/report/, folds.csv and summary.csv; give it to predict --model for the ensemble")
		.flag("--output").required();
	public static final Option<Boolean> SUMMARY_ONLY = Option.flag("summary_only", false,
		"Train nothing: summarise the folds trained so far (mean and sd of their test Dice)");

	public static final OptionSet SET = OptionSet.builder("crossval")
		.addAllExcept(TrainOptions.SET, TrainOptions.IMAGE, TrainOptions.MASK, TrainOptions.USE_ROI_MANAGER, TrainOptions.MODEL_FILE, TrainOptions.INITIAL_MODEL,
			TrainOptions.RESUME, TrainOptions.REPORT_FOLDER, TrainOptions.TEST_FRACTION)
		.section("folds").add(FOLDS, FOLD, OUTPUT_FOLDER, SUMMARY_ONLY)
		.note("Each fold trains on the other folds (val_fraction of them choose the best epoch) and is tested on its own; the summary gives the "
			+ "mean and sd over folds of the pooled and per-image Dice. unet predict --model OUTPUT predicts with the mean of the fold models.")
		.build();
}
