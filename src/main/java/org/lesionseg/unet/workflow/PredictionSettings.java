package org.lesionseg.unet.workflow;

import java.nio.file.Path;
import java.nio.file.Files;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.data.Normalization;
import org.lesionseg.unet.core.engine.DeviceChoice;
import org.lesionseg.unet.core.engine.Devices;
import org.lesionseg.unet.core.engine.OneDnnSwitch;
import org.lesionseg.unet.core.interop.BioImageIoPackage;
import org.lesionseg.unet.core.interop.ImportedModels;
import org.lesionseg.unet.core.interop.ModelFormat;
import org.lesionseg.unet.core.interop.OnnxRuntime;
import org.lesionseg.unet.core.modelfile.DiffusionSettings;
import org.lesionseg.unet.core.modelfile.ModelFile;
import org.lesionseg.unet.core.modelfile.ModelInfo;
import org.lesionseg.unet.workflow.options.DiffusionOptions;
import org.lesionseg.unet.core.predict.MaskPostprocessing;
import org.lesionseg.unet.core.predict.PixelCalibration;
import org.lesionseg.unet.core.predict.Segmenter;
import org.lesionseg.unet.core.predict.TestTimeAugmentation;
import org.lesionseg.unet.core.predict.TiledPredictor;
import org.lesionseg.unet.core.predict.UncertaintyScore;
import org.lesionseg.unet.workflow.options.CommonOptions;
import org.lesionseg.unet.workflow.options.OptionValues;
import org.lesionseg.unet.workflow.options.SegmentOptions;

/**
 * What every prediction needs, whether it segments (SegmentRequest) or measures (EvaluateRequest): the model file,
 * threshold / minimum size / hole filling, tiling and device, and for a network trained elsewhere (a TorchScript file, a
 * bioimage.io package) its format and what it expects. Each guard and default of these is written here once;
 * the requests hold one of these and their builders extend {@link Builder}.
 */
public final class PredictionSettings {

	private final Path model;
	private final List<Path> models;
	private final MaskPostprocessing.Options postprocessing;
	private final TiledPredictor.Options tiling;
	private final String device;
	private final ModelFormat format;
	private final ImportedModels.Description foreign;
	private final String runtime;
	/** A diffusion model's sampling in place of its file's, or null for the file's. */
	private final DiffusionSettings sampling;

	private PredictionSettings(Path model, List<Path> models, MaskPostprocessing.Options postprocessing, TiledPredictor.Options tiling, String device,
		ModelFormat format, ImportedModels.Description foreign, String runtime, DiffusionSettings sampling) {
		this.sampling = sampling;
		this.model = model;
		this.models = Collections.unmodifiableList(models);
		this.postprocessing = postprocessing;
		this.tiling = tiling;
		this.device = device;
		this.format = format;
		this.foreign = foreign;
		this.runtime = runtime;
	}

	public Path model() {
		return model;
	}

	/** The model files: the one given, or the members of an ensemble when a folder was given (see {@link RequestChecks#modelFiles}). */
	public List<Path> models() {
		return models;
	}

	public MaskPostprocessing.Options postprocessing() {
		return postprocessing;
	}

	public TiledPredictor.Options tiling() {
		return tiling;
	}

	public String device() {
		return device;
	}

	/** What the model file is (never AUTO: resolved from the path when the request was made). */
	public ModelFormat format() {
		return format;
	}

	/** torch or onnx ({@link CommonOptions#RUNTIME}). */
	public String runtime() {
		return runtime;
	}

	/**
	 * The minimum object size in one line, for the Log: users must see that small objects are dropped and how to keep
	 * them, e.g. {@code objects under 5 pixels (0.94 mm²) are dropped as specks (min_size=5; 0 keeps all)}.
	 *
	 * @param calibration the image's pixel size, or null when it has none (the area then stays in pixels)
	 */
	public String objectRule(PixelCalibration calibration, Spelling spelling) {
		int min = postprocessing.minSize();
		String key = spelling == Spelling.MACRO ? CommonOptions.MIN_SIZE.name() + "=" + min : CommonOptions.MIN_SIZE.commandLineFlag() + " " + min;
		if (min == 0)
			return "every object is kept, however small (" + key + ")";
		String area = calibration == null || "pixel".equals(calibration.unit()) ? ""
			: String.format(Locale.ROOT, " (%.3g %s²)", calibration.area(min), calibration.unit());
		return "objects under " + min + " pixel" + (min == 1 ? "" : "s") + area + " are dropped as specks (" + key + "; 0 keeps all)";
	}

	/**
	 * What the uncertainty map is, for the log ("uncertainty: ..."), or null when there is none.
	 */
	public String uncertaintyLine(Segmenter segmenter) {
		TestTimeAugmentation.Transforms tta = tiling.augmentation;
		boolean augmented = tta != null && tta != TestTimeAugmentation.Transforms.NONE;
		if (!segmenter.hasUncertainty())
			return null;
		String what = augmented ? "test-time augmentation " + tta.key() + " (" + tta.members().size() + " predictions per tile: the probability is their mean, "
			+ "the uncertainty their standard deviation" + (segmenter.isDiffusion() ? ", pooled over the diffusion model's samples of every transform" : "") + ")"
			: "the standard deviation of the diffusion model's samples";
		return "uncertainty: " + what + "; per slice, the mean uncertainty within " + UncertaintyScore.RADIUS
			+ " px of the objects and where the probability is at least " + UncertaintyScore.CANDIDATE_PROBABILITY;
	}

	/**
	 * Loads the model (or an ensemble's models) on the device, tiled as asked, its tiles run by the runtime asked for:
	 * ours, or a TorchScript file or bioimage.io package.
	 */
	public Segmenter segmenter() {
		if (format != ModelFormat.UNET)
			return ImportedModels.open(model, format, foreign, DeviceChoice.parse(device), tiling);
		if ("onnx".equals(runtime) || "auto".equals(runtime) && OneDnnSwitch.prefersOnnxruntime(Devices.resolve(DeviceChoice.parse(device))[0]))
			return new Segmenter(models, DeviceChoice.parse("cpu"), tiling, new OnnxRuntime(0));
		return new Segmenter(models, DeviceChoice.parse(device), tiling, Segmenter.engine(sampling));
	}

	/**
	 * The setters a request builder shares with every other prediction request, starting from the registry's defaults.
	 *
	 * @param <B> the request's own builder, returned by every setter
	 */
	public abstract static class Builder<B extends Builder<B>> {
		final Path model;
		final Spelling spelling;
		// the registry's defaults, not copies of them
		private double threshold = CommonOptions.THRESHOLD.defaultValue();
		private int minSize = CommonOptions.MIN_SIZE.defaultValue();
		private boolean fillHoles = CommonOptions.FILL_HOLES.defaultValue();
		private int tile = CommonOptions.TILE.defaultValue();
		private int overlap = CommonOptions.OVERLAP.defaultValue();
		private int tileBatch = CommonOptions.TILE_BATCH.defaultValue();
		private String device = CommonOptions.DEVICE.defaultValue();
		private ModelFormat format = CommonOptions.MODEL_FORMAT.defaultValue();
		private final ImportedModels.Description foreign = new ImportedModels.Description();
		private String runtime = CommonOptions.RUNTIME.defaultValue();
		private int samplingSteps = DiffusionOptions.PREDICT_SAMPLING_STEPS.defaultValue();
		private int samples = DiffusionOptions.PREDICT_ENSEMBLE_SAMPLES.defaultValue();
		private double eta = DiffusionOptions.PREDICT_DDIM_ETA.defaultValue();
		private TestTimeAugmentation.Transforms augmentation = CommonOptions.TEST_TIME_AUGMENTATION.defaultValue();

		Builder(Path model, Spelling spelling) {
			this.model = model;
			this.spelling = spelling;
		}

		abstract B self();

		public B postprocessing(double threshold, int minSize, boolean fillHoles) {
			this.threshold = threshold;
			this.minSize = minSize;
			this.fillHoles = fillHoles;
			return self();
		}

		public B tiling(int tile, int overlap, int tileBatch) {
			this.tile = tile;
			this.overlap = overlap;
			this.tileBatch = tileBatch;
			return self();
		}

		public B device(String device) {
			this.device = device;
			return self();
		}

		/** What the model file is; AUTO tells it from the path (see {@link ModelFormat#of}). */
		public B format(ModelFormat format) {
			this.format = format;
			return self();
		}

		/**
		 * What a TorchScript file expects (bioimage.io packages say it themselves).
		 *
		 * @param outputKind "logits" or "probabilities"
		 */
		public B torchScript(int inputChannels, int sizeMultiple, Normalization normalization, String outputKind) {
			foreign.channels(CommonOptions.INPUT_CHANNELS.checked(inputChannels)).sizeMultiple(CommonOptions.SIZE_MULTIPLE.checked(sizeMultiple))
				.normalization(normalization).outputsLogits("logits".equals(CommonOptions.OUTPUT_KIND.checked(outputKind)));
			return self();
		}

		/** torch (default) or onnx. */
		public B runtime(String runtime) {
			this.runtime = CommonOptions.RUNTIME.parse(runtime);
			return self();
		}

		/** A diffusion model's sampling in place of its file's: 0 steps or samples and a negative eta keep the file's. */
		public B sampling(int steps, int samples, double eta) {
			this.samplingSteps = DiffusionOptions.PREDICT_SAMPLING_STEPS.checked(steps);
			this.samples = DiffusionOptions.PREDICT_ENSEMBLE_SAMPLES.checked(samples);
			this.eta = DiffusionOptions.PREDICT_DDIM_ETA.checked(eta);
			return self();
		}

		/** Flips and rotations whose predictions are averaged, their spread the uncertainty map (none by default). */
		public B testTimeAugmentation(TestTimeAugmentation.Transforms augmentation) {
			this.augmentation = augmentation;
			return self();
		}

		/** Post-processing, tiling and device as the parsed values give them (their defaults are the registry's). */
		B prediction(OptionValues values) {
			if (values.set().options().contains(CommonOptions.TEST_TIME_AUGMENTATION))
				testTimeAugmentation(values.get(CommonOptions.TEST_TIME_AUGMENTATION));
			if (values.set().options().contains(CommonOptions.MODEL_FORMAT))
				format(values.get(CommonOptions.MODEL_FORMAT)).torchScript(values.get(CommonOptions.INPUT_CHANNELS), values.get(CommonOptions.SIZE_MULTIPLE),
					values.get(CommonOptions.NORMALIZATION), values.get(CommonOptions.OUTPUT_KIND));
			if (values.set().options().contains(DiffusionOptions.PREDICT_SAMPLING_STEPS))
				sampling(values.get(DiffusionOptions.PREDICT_SAMPLING_STEPS), values.get(DiffusionOptions.PREDICT_ENSEMBLE_SAMPLES),
					values.get(DiffusionOptions.PREDICT_DDIM_ETA));
			return postprocessing(values.get(CommonOptions.THRESHOLD), values.get(CommonOptions.MIN_SIZE), values.get(CommonOptions.FILL_HOLES))
				.tiling(values.get(CommonOptions.TILE), values.get(CommonOptions.OVERLAP), values.get(CommonOptions.TILE_BATCH))
				.device(values.get(CommonOptions.DEVICE)).runtime(values.set().options().contains(CommonOptions.RUNTIME) ? values.get(CommonOptions.RUNTIME)
					: CommonOptions.RUNTIME.defaultValue());
		}

		/**
		 * Checks the shared part: the model is a file, the numbers are in range, the device is known.
		 *
		 * @throws org.lesionseg.unet.core.UnetException naming the key and the fault
		 */
		PredictionSettings settings() {
			// a folder of our model files is an ensemble (a cross-validation's folds) unless it is an unpacked bioimage.io package
			boolean ensemble = model != null && Files.isDirectory(model) && (format == ModelFormat.AUTO || format == ModelFormat.UNET)
				&& !(format == ModelFormat.AUTO && BioImageIoPackage.isPackage(model));
			ModelFormat resolved = ensemble ? ModelFormat.UNET : RequestChecks.modelFile(model, format, spelling);
			List<Path> models = resolved == ModelFormat.UNET ? RequestChecks.modelFiles(model, spelling) : Collections.singletonList(model);
			if ("onnx".equals(runtime) && resolved != ModelFormat.UNET)
				throw new UnetException(spelling.of(CommonOptions.RUNTIME) + " onnx is for model files written by Train UNet; " + model.getFileName()
					+ " is a " + resolved.name().toLowerCase(java.util.Locale.ROOT) + " model, which runs in its own runtime: leave " + spelling.of(CommonOptions.RUNTIME) + " at torch");
			String used = runtime;
			ModelInfo first = null;
			try {
				first = resolved == ModelFormat.UNET ? ModelFile.readInfo(models.get(0)) : null;
			} catch (UnetException unreadable) {
				// loading the model says what is wrong with the file, in its own line; only sampling settings need the kind now
				if (DiffusionOptions.samplingGiven(samplingSteps, samples, eta))
					throw unreadable;
			}
			DiffusionSettings recorded = first == null || !first.isDiffusion() ? null : first.diffusion != null ? first.diffusion : new DiffusionSettings();
			DiffusionSettings sampling = DiffusionOptions.sampling(samplingSteps, samples, eta, recorded, String.valueOf(model.getFileName()));
			if (recorded != null && !"torch".equals(runtime)) {
				// a diffusion model's sampler (many network calls per tile, noise drawn between them) runs in the engine only
				if ("onnx".equals(runtime))
					throw new UnetException(spelling.of(CommonOptions.RUNTIME) + " onnx is for U-Nets; " + models.get(0).getFileName()
						+ " is a diffusion model, whose sampling runs in the engine: leave " + spelling.of(CommonOptions.RUNTIME) + " at auto or torch");
				used = "torch";
			}
			TiledPredictor.Options tiling = RequestChecks.tiling(tile, overlap, tileBatch);
			tiling.augmentation = augmentation;
			return new PredictionSettings(model, models, RequestChecks.postprocessing(threshold, minSize, fillHoles), tiling, RequestChecks.device(device),
				resolved, foreign, used, sampling);
		}
	}

	/** The model file the values give; both requests read it under one key. */
	static Path modelOf(OptionValues values) {
		return values.get(SegmentOptions.MODEL_FILE);
	}
}
