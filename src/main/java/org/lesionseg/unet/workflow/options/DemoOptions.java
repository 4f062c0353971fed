package org.lesionseg.unet.workflow.options;

import java.nio.file.Path;

/**
 * The options of {@code unet demo}: where the sample data is and the results go, and every training setting with the
 * demo's own defaults (a small network on 128-pixel patches, sized for a CPU and the sample data).
 */
public final class DemoOptions {

	private DemoOptions() {
	}

	public static final Option<Path> DATA = Option.folder("data", "The sample data: a folder with images/ and masks/").only(Option.Where.COMMAND_LINE);
	public static final Option<Path> OUTPUT = Option
		.folder("output", "Where the model, predictions, metrics, curves and panels go").only(Option.Where.COMMAND_LINE);

	public static final OptionSet SET = OptionSet.builder("demo")
		.section("demo").add(DATA, OUTPUT)
		.addAllExcept(TrainOptions.SET, TrainOptions.IMAGES_FOLDER, TrainOptions.MASKS_FOLDER, TrainOptions.IMAGE, TrainOptions.MASK,
			TrainOptions.USE_ROI_MANAGER, CommonOptions.PAIRING, CommonOptions.MASK_POLICY, TrainOptions.MODEL_FILE, TrainOptions.INITIAL_MODEL,
			TrainOptions.RESUME, TrainOptions.REPORT_FOLDER, TrainOptions.QUIET)
		.defaultOf(DATA, java.nio.file.Paths.get("sample-data/ich-ct-bhsd"))
		.defaultOf(OUTPUT, java.nio.file.Paths.get("demo-output"))
		// haemorrhages are small in a 512-pixel CT slice: train on 128-pixel patches at full resolution, half of them
		// centred on a lesion, and predict whole slices tile by tile
		.defaultOf(TrainOptions.INPUT_MODE, "patch")
		.defaultOf(TrainOptions.IMAGE_SIZE, 128)
		.defaultOf(TrainOptions.BASE_FEATURES, 16)
		.defaultOf(TrainOptions.BATCH_SIZE, 4)
		.defaultOf(TrainOptions.EPOCHS, 60)
		.defaultOf(TrainOptions.LEARNING_RATE, 1e-3)
		.defaultOf(TrainOptions.AUGMENT, "flip,rot90,rotate=15,brightness=0.1,contrast=0.1")
		.defaultOf(TrainOptions.SEED, 7L)
		.shortcut("--quick", TrainOptions.EPOCHS, "3", "Train 3 epochs (a smoke test)")
		.note("Trains on the sample data, then segments and evaluates the held-back test slices. Writes to --output: model.zip,")
		.note("predictions/ (probability maps, masks, ROI sets, objects.csv), metrics.csv, history.csv, training-curves.png and panels/.")
		.build();
}
