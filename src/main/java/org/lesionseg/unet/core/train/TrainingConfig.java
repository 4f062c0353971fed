package org.lesionseg.unet.core.train;

import org.lesionseg.unet.core.data.LabelClasses;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.augment.AugmentSettings;
import org.lesionseg.unet.core.data.InputMode;
import org.lesionseg.unet.core.data.Normalization;
import org.lesionseg.unet.core.engine.DeviceChoice;
import org.lesionseg.unet.core.loss.LossSpec;
import org.lesionseg.unet.core.model.UNetConfig;
import org.lesionseg.unet.core.modelfile.TrainingSettings;
import org.lesionseg.unet.core.modelfile.DiffusionSettings;
import org.lesionseg.unet.core.modelfile.ModelInfo;

/**
 * A training's settings checked and parsed once into typed values: the trainer takes this and never reads a
 * setting string again. {@link #of} is the one validation of {@link TrainingSettings}, whose plain strings stay
 * what the model file stores. {@link #settings()} is the record as the model file should keep it: canonical
 * spellings and the values actually used where the user left a default to the optimizer.
 */
public final class TrainingConfig {

	private final TrainingSettings settings;
	private final LossSpec loss;
	private final OptimizerSpec optimizer;
	private final ScheduleSpec schedule;
	private final AugmentSettings augment;
	private final InputMode inputMode;
	private final Normalization normalization;
	private final DeviceChoice device;
	private final UNetConfig.Init init;

	private TrainingConfig(TrainingSettings settings, LossSpec loss, OptimizerSpec optimizer, ScheduleSpec schedule, AugmentSettings augment,
		InputMode inputMode, Normalization normalization, DeviceChoice device, UNetConfig.Init init) {
		this.settings = settings;
		this.loss = loss;
		this.optimizer = optimizer;
		this.schedule = schedule;
		this.augment = augment;
		this.inputMode = inputMode;
		this.normalization = normalization;
		this.device = device;
		this.init = init;
	}

	/**
	 * Checks every setting, with a message that names it, and parses the specs.
	 *
	 * @throws UnetException for the first value that has no sensible meaning
	 */
	public static TrainingConfig of(TrainingSettings given) {
		TrainingSettings s = given.copy();
		require(s.epochs >= 1, "epochs must be at least 1, got " + s.epochs);
		require(s.batchSize >= 1, "batch size must be at least 1, got " + s.batchSize);
		require(s.learningRate > 0 && Float.isFinite(s.learningRate), "learning rate must be a positive number, got " + s.learningRate);
		require(s.learningRate <= 10, "learning rate " + s.learningRate + " is far too high: typical values are 1e-4 to 1e-2");
		OptimizerSpec optimizer = OptimizerSpec.of(s.optimizer, s.momentum, s.weightDecay, s.centered);
		require(s.imageSize >= 8 && s.imageSize <= 8192, "image size must be between 8 and 8192, got " + s.imageSize);
		InputMode inputMode = InputMode.fromName(s.inputMode);
		require(s.patchForeground >= 0 && s.patchForeground <= 1, "patch foreground share must be in [0, 1], got " + s.patchForeground);
		require(s.patience >= 0, "patience must not be negative, got " + s.patience);
		require(s.loaderThreads >= 1 && s.loaderThreads <= 64, "loader threads must be between 1 and 64, got " + s.loaderThreads);
		require(s.valFraction >= 0 && s.valFraction < 1 && s.testFraction >= 0 && s.testFraction < 1 && s.valFraction + s.testFraction < 1,
			"validation (" + s.valFraction + ") and test (" + s.testFraction + ") fractions must each be in [0, 1) and leave images for training");
		ScheduleSpec schedule = ScheduleSpec.parse(s.scheduler);
		// names and ranges that would otherwise fail only after all images are loaded
		UNetConfig.Init init = UNetConfig.Init.fromName(s.init);
		new UNetConfig().depth(s.depth).baseFeatures(s.baseFeatures).dropout(s.dropout).init(init);
		Normalization normalization = Normalization.fromName(s.normalization);
		AugmentSettings augment = AugmentSettings.parse(s.augment);
		// the classes: binary (one sigmoid output) or K named classes (a softmax of K+1), their loss in its multi-class form
		LabelClasses classes = LabelClasses.of(s.classes, s.classNames, s.classColours);
		LossSpec loss = LossSpec.of(s.loss, s.lossParams).forOutputs(classes.isMultiClass() ? classes.count() + 1 : 1);
		DeviceChoice device = DeviceChoice.parse(s.device);
		String kind = s.modelKind == null ? ModelInfo.UNET : s.modelKind.trim().toLowerCase(java.util.Locale.ROOT);
		require(kind.equals(ModelInfo.UNET) || kind.equals(ModelInfo.DIFFUSION), "unknown model kind '" + s.modelKind + "': use unet or diffusion");
		s.modelKind = kind;
		require(!classes.isMultiClass() || kind.equals(ModelInfo.UNET), "a diffusion model segments one class: train a unet for " + classes.count() + " classes");
		s.classes = classes.count();
		s.classNames = classes.isMultiClass() ? new java.util.ArrayList<>(classes.names()) : null;
		s.classColours = classes.isMultiClass() ? new java.util.ArrayList<>(classes.colours()) : null;
		if (kind.equals(ModelInfo.DIFFUSION)) {
			s.diffusion = (s.diffusion == null ? new DiffusionSettings() : s.diffusion).check();
			s.diffusion.schedule = s.diffusion.schedule.trim().toLowerCase(java.util.Locale.ROOT);
		} else {
			require(s.diffusion == null, "diffusion settings (timesteps, noise schedule, sampling steps, eta, samples) apply to diffusion models only: "
				+ "choose model kind diffusion or leave them out");
		}

		// the record the model file keeps: canonical names, and the optimizer values actually used
		s.loss = loss.name();
		s.optimizer = optimizer.kind().key();
		s.momentum = optimizer.momentum();
		s.weightDecay = optimizer.weightDecay();
		s.inputMode = inputMode.key();
		s.normalization = normalization.key();
		s.device = device.toString();
		s.groupBy = s.groupBy == null ? "" : s.groupBy;
		return new TrainingConfig(s, loss, optimizer, schedule, augment, inputMode, normalization, device, init);
	}

	private static void require(boolean ok, String message) {
		if (!ok)
			throw new UnetException(message);
	}

	/** A copy of the checked settings, as the model file stores them. */
	public TrainingSettings settings() {
		return settings.copy();
	}

	public LossSpec loss() {
		return loss;
	}

	public OptimizerSpec optimizer() {
		return optimizer;
	}

	public ScheduleSpec schedule() {
		return schedule;
	}

	public AugmentSettings augment() {
		return augment;
	}

	public InputMode inputMode() {
		return inputMode;
	}

	public Normalization normalization() {
		return normalization;
	}

	public DeviceChoice device() {
		return device;
	}

	/** unet or diffusion. */
	public String modelKind() {
		return settings.modelKind;
	}

	/** A diffusion model's checked schedule and sampling settings (null for a U-Net). */
	public DiffusionSettings diffusion() {
		return settings.diffusion == null ? null : settings.diffusion.copy();
	}

	/** The classes: binary, or K named and coloured classes of label images. */
	public LabelClasses classes() {
		return LabelClasses.of(settings.classes, settings.classNames, settings.classColours);
	}

	/** Network outputs: 1 (binary) or K+1 (softmax over background and K classes). */
	public int outputs() {
		return settings.classes > 1 ? settings.classes + 1 : 1;
	}

	public UNetConfig.Init init() {
		return init;
	}

	public int epochs() {
		return settings.epochs;
	}

	public int batchSize() {
		return settings.batchSize;
	}

	public float learningRate() {
		return settings.learningRate;
	}

	public int imageSize() {
		return settings.imageSize;
	}

	public long seed() {
		return settings.seed;
	}
}
