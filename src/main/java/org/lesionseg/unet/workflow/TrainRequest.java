package org.lesionseg.unet.workflow;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import org.lesionseg.unet.core.KeyValues;
import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.data.MaskPolicy;
import org.lesionseg.unet.core.data.Normalization;
import org.lesionseg.unet.core.io.AtomicFiles;
import org.lesionseg.unet.core.model.UNetConfig;
import org.lesionseg.unet.core.modelfile.ModelBundle;
import org.lesionseg.unet.core.modelfile.TrainingSettings;
import org.lesionseg.unet.core.train.TrainingConfig;
import org.lesionseg.unet.workflow.options.CommonOptions;
import org.lesionseg.unet.workflow.options.Option;
import org.lesionseg.unet.workflow.options.OptionValues;
import org.lesionseg.unet.workflow.options.TrainOptions;
import org.lesionseg.unet.workflow.options.DiffusionOptions;

/**
 * A training as asked for by any entry point (a Fiji command, the command line, the demo, a script), typed and checked
 * once: the settings are validated, and every check that can fail before hours of training does so here (the training
 * size against the depth, the model and report folders, the initial model, resuming, outputs kept out of the data).
 * {@link TrainingJob#run(TrainRequest, org.lesionseg.unet.core.train.TrainingListener, java.util.concurrent.atomic.AtomicBoolean)}
 * runs it.
 */
public final class TrainRequest {

	/** The settings, checked once and typed (loss, optimizer, schedule, augmentation, device...). */
	public final TrainingConfig config;
	public final LabelledSource data;
	public final MaskPolicy maskPolicy;
	public final Normalization normalization;
	public final Path modelFile;
	/** Weights to start from (fine-tuning), or null. */
	public final Path initialModel;
	public final boolean resume;
	/** Where the report goes, or null for none. */
	public final Path reportDir;
	/**
	 * The options given as {@code auto} (their names); {@link #config} holds their defaults until the images are read
	 * and {@link #chooseAuto} fills them in.
	 */
	public final Set<String> auto;

	private TrainRequest(TrainingConfig config, LabelledSource data, MaskPolicy maskPolicy, Normalization normalization, Path modelFile,
		Path initialModel, boolean resume, Path reportDir, Set<String> auto) {
		this.auto = Collections.unmodifiableSet(auto);
		this.config = config;
		this.data = data;
		this.maskPolicy = maskPolicy;
		this.normalization = normalization;
		this.modelFile = modelFile;
		this.initialModel = initialModel;
		this.resume = resume;
		this.reportDir = reportDir;
	}

	/** A training on the folders the values give. */
	public static TrainRequest of(OptionValues values) {
		return of(values, () -> null);
	}

	/**
	 * A training on the folders the values give or, without folders, on images in memory.
	 *
	 * @param openImages gives the open images and their masks (made by the Fiji command from the ImageJ layer), or
	 *            null for none; asked only when no folders are given, after the settings are checked
	 */
	public static TrainRequest of(OptionValues values, Supplier<LabelledSource> openImages) {
		TrainingSettings settings = settings(values);
		LabelledSource data;
		boolean images = values.isGiven(TrainOptions.IMAGES_FOLDER), masks = values.isGiven(TrainOptions.MASKS_FOLDER);
		if (images || masks) {
			if (!masks)
				throw new UnetException("train needs masks_folder (--masks): the folder of the masks that go with the images in "
					+ values.get(TrainOptions.IMAGES_FOLDER));
			if (!images)
				throw new UnetException("train needs images_folder (--images): the folder of the images whose masks are in " + values.get(TrainOptions.MASKS_FOLDER));
			data = ClassFolders.of(values.get(TrainOptions.IMAGES_FOLDER), values.get(TrainOptions.MASKS_FOLDER), values.get(CommonOptions.PAIRING),
				settings.classNames);
		} else if ((data = openImages.get()) == null) {
			throw new UnetException("no training data: give images_folder and masks_folder (--images and --masks), or in Fiji an open image and its mask "
				+ "(image=[title] mask=[title], or use_roi_manager=true)");
		}
		Path model = values.get(TrainOptions.MODEL_FILE);
		if (model == null)
			throw new UnetException("train needs model_file (--model): " + TrainOptions.MODEL_FILE.help());
		return make(values, settings, data, model, values.get(TrainOptions.INITIAL_MODEL), values.get(TrainOptions.RESUME),
			values.get(TrainOptions.REPORT_FOLDER));
	}

	/**
	 * A training whose data and files the caller chose (the demo), with the settings, mask policy and normalisation
	 * of the values.
	 */
	public static TrainRequest of(OptionValues values, LabelledSource data, Path modelFile, Path initialModel, boolean resume, Path reportDir) {
		return make(values, settings(values), data, modelFile, initialModel, resume, reportDir);
	}

	private static TrainRequest make(OptionValues values, TrainingSettings s, LabelledSource data, Path modelFile, Path initialModel, boolean resume,
		Path reportDir) {
		MaskPolicy policy = values.set().options().contains(CommonOptions.MASK_POLICY) ? values.get(CommonOptions.MASK_POLICY)
			: CommonOptions.MASK_POLICY.defaultValue();
		policy = MultiClassData.maskPolicy(s, policy);
		Set<String> auto = new LinkedHashSet<>();
		for (Option<?> o : values.set().options())
			if (values.isAuto(o))
				auto.add(o.name());
		TrainRequest request = new TrainRequest(TrainingConfig.of(s), data, policy, values.get(CommonOptions.NORMALIZATION), modelFile, initialModel, resume, reportDir,
			auto);
		request.preflight();
		return request;
	}

	/**
	 * The settings with the {@link #auto} ones chosen for these images and this much memory ({@link AutoSettings}),
	 * checked again as every setting is.
	 *
	 * @param memoryBytes the memory of the training's devices, 0 when unknown
	 */
	public AutoSettings.Choice chooseAuto(LabelledImages images, long memoryBytes, String deviceName) {
		TrainingSettings s = config.settings();
		AutoSettings.Choice choice = AutoSettings.choose(s, auto, AutoSettings.Data.of(images.samples, s.valFraction, s.testFraction), memoryBytes, deviceName);
		TrainingConfig.of(choice.settings);
		return choice;
	}

	/** The training settings the values give; {@link TrainingConfig#of} is their one validation. */
	static TrainingSettings settings(OptionValues v) {
		TrainingSettings s = new TrainingSettings();
		s.epochs = v.get(TrainOptions.EPOCHS);
		s.batchSize = v.get(TrainOptions.BATCH_SIZE);
		s.learningRate = v.get(TrainOptions.LEARNING_RATE).floatValue();
		s.loss = v.get(TrainOptions.LOSS);
		s.lossParams = lossParams(v.get(TrainOptions.LOSS_PARAMS));
		s.optimizer = v.get(TrainOptions.OPTIMIZER);
		if (v.get(TrainOptions.MOMENTUM) != null)
			s.momentum = v.get(TrainOptions.MOMENTUM).floatValue();
		// not given: the settings' own default stands for the optimizer's default
		if (v.get(TrainOptions.WEIGHT_DECAY) != null)
			s.weightDecay = v.get(TrainOptions.WEIGHT_DECAY).floatValue();
		s.centered = v.get(TrainOptions.CENTERED);
		s.scheduler = v.get(TrainOptions.SCHEDULER); // the default while auto: AutoSettings chooses it once the learning rate is known
		s.imageSize = v.get(TrainOptions.IMAGE_SIZE);
		s.inputMode = v.get(TrainOptions.INPUT_MODE);
		s.patchForeground = v.get(TrainOptions.PATCH_FOREGROUND);
		s.depth = v.get(TrainOptions.DEPTH);
		s.baseFeatures = v.get(TrainOptions.BASE_FEATURES);
		s.dropout = v.get(TrainOptions.DROPOUT).floatValue();
		s.init = v.get(TrainOptions.INIT);
		s.normalization = v.get(CommonOptions.NORMALIZATION).key();
		s.valFraction = v.get(TrainOptions.VAL_FRACTION);
		// a cross-validation has no test fraction: its folds are the test images
		s.testFraction = v.set().options().contains(TrainOptions.TEST_FRACTION) ? v.get(TrainOptions.TEST_FRACTION) : 0;
		s.groupBy = v.get(TrainOptions.GROUP_BY);
		s.seed = v.get(TrainOptions.SEED);
		s.device = v.get(CommonOptions.DEVICE);
		s.augment = v.get(TrainOptions.AUGMENT);
		s.patience = v.get(TrainOptions.PATIENCE);
		s.loaderThreads = v.get(TrainOptions.LOADER_THREADS);
		if (v.set().options().contains(TrainOptions.CLASSES)) {
			org.lesionseg.unet.core.data.LabelClasses classes = org.lesionseg.unet.core.data.LabelClasses.parse(v.get(TrainOptions.CLASSES),
				v.get(TrainOptions.CLASS_NAMES));
			s.classes = classes.count();
			s.classNames = classes.isMultiClass() ? classes.names() : null;
			s.classColours = classes.isMultiClass() ? classes.colours() : null;
		}
		s.modelKind = v.get(DiffusionOptions.MODEL_KIND);
		s.diffusion = DiffusionOptions.settings(v, TrainOptions.LOSS, TrainOptions.LOSS_PARAMS);
		return s;
	}

	/** Loss parameters such as {@code alpha=0.3,beta=0.7}; empty for the loss's defaults (the loss checks the names). */
	static Map<String, Double> lossParams(String text) {
		return KeyValues.parse(text, null, "loss_params", "alpha=0.3,beta=0.7");
	}

	/** Everything that can be known to fail before the images are read and the network is built. */
	private void preflight() {
		if (resume && initialModel != null)
			throw new UnetException("resume continues from " + ModelBundle.checkpointOf(modelFile).getFileName()
				+ " and initial_model starts a new training from other weights: give one of them");
		if (initialModel == null && !resume) // a new network: its depth is known before the images are read
			new UNetConfig().depth(config.settings().depth).checkTrainingSize(config.imageSize());
		if (initialModel != null) {
			if (Files.isDirectory(initialModel))
				throw new UnetException("initial_model " + initialModel + " is a folder, not a model file: give the .zip a training wrote");
			if (!Files.isRegularFile(initialModel))
				throw new UnetException("initial_model " + initialModel + " does not exist: give a model file (.zip) a training wrote");
		}
		if (Files.isDirectory(modelFile))
			throw new UnetException("model_file " + modelFile + " is a folder: give a file name such as " + modelFile.resolve("model.zip"));
		if (resume && !Files.isRegularFile(ModelBundle.checkpointOf(modelFile)))
			throw new UnetException("nothing to resume: " + ModelBundle.checkpointOf(modelFile) + " does not exist (it is written after each epoch of a training to "
				+ modelFile.getFileName() + ")");
		for (Path input : data.folders()) {
			Path in = input.toAbsolutePath().normalize();
			if (modelFile.toAbsolutePath().normalize().startsWith(in))
				throw new UnetException("model_file " + modelFile + " is inside the data folder " + input + ": keep models out of the training data");
			if (reportDir != null && reportDir.toAbsolutePath().normalize().startsWith(in))
				throw new UnetException("report_folder " + reportDir + " is inside the data folder " + input
					+ ": its panels would be read as training images next time; choose a folder outside the data");
		}
		// where the results go must be writable before hours of training, not after
		AtomicFiles.prepareFolder(modelFile.toAbsolutePath().getParent(), "model file");
		if (reportDir != null)
			AtomicFiles.prepareFolder(reportDir, "report");
	}
}
