package org.lesionseg.unet.workflow;

import java.nio.file.Path;
import java.util.Locale;

import org.lesionseg.unet.core.predict.MaskPostprocessing;
import org.lesionseg.unet.core.predict.PixelCalibration;
import org.lesionseg.unet.core.predict.Segmenter;
import org.lesionseg.unet.core.predict.TiledPredictor;
import org.lesionseg.unet.workflow.options.CommonOptions;
import org.lesionseg.unet.workflow.options.OptionValues;
import org.lesionseg.unet.workflow.options.SegmentOptions;

/**
 * What every prediction needs, whether it segments (SegmentRequest) or measures (EvaluateRequest): the model file,
 * threshold / minimum size / hole filling, tiling and device. Each guard and default of these is written here once;
 * the requests hold one of these and their builders extend {@link Builder}.
 */
public final class PredictionSettings {

	private final Path model;
	private final MaskPostprocessing.Options postprocessing;
	private final TiledPredictor.Options tiling;
	private final String device;

	private PredictionSettings(Path model, MaskPostprocessing.Options postprocessing, TiledPredictor.Options tiling, String device) {
		this.model = model;
		this.postprocessing = postprocessing;
		this.tiling = tiling;
		this.device = device;
	}

	public Path model() {
		return model;
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

	/** Loads the model on the device, tiled as asked. */
	public Segmenter segmenter() {
		return new Segmenter(model, device, tiling);
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

		/** Post-processing, tiling and device as the parsed values give them (their defaults are the registry's). */
		B prediction(OptionValues values) {
			return postprocessing(values.get(CommonOptions.THRESHOLD), values.get(CommonOptions.MIN_SIZE), values.get(CommonOptions.FILL_HOLES))
				.tiling(values.get(CommonOptions.TILE), values.get(CommonOptions.OVERLAP), values.get(CommonOptions.TILE_BATCH))
				.device(values.get(CommonOptions.DEVICE));
		}

		/**
		 * Checks the shared part: the model is a file, the numbers are in range, the device is known.
		 *
		 * @throws org.lesionseg.unet.core.UnetException naming the key and the fault
		 */
		PredictionSettings settings() {
			RequestChecks.modelFile(model, spelling);
			return new PredictionSettings(model, RequestChecks.postprocessing(threshold, minSize, fillHoles), RequestChecks.tiling(tile, overlap, tileBatch),
				RequestChecks.device(device));
		}
	}

	/** The model file the values give; both requests read it under one key. */
	static Path modelOf(OptionValues values) {
		return values.get(SegmentOptions.MODEL_FILE);
	}
}
