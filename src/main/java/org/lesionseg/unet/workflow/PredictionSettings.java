package org.lesionseg.unet.workflow;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;

import org.lesionseg.unet.core.engine.DeviceChoice;

import org.lesionseg.unet.core.predict.MaskPostprocessing;
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
	private final List<Path> models;
	private final MaskPostprocessing.Options postprocessing;
	private final TiledPredictor.Options tiling;
	private final String device;

	private PredictionSettings(Path model, List<Path> models, MaskPostprocessing.Options postprocessing, TiledPredictor.Options tiling, String device) {
		this.model = model;
		this.models = Collections.unmodifiableList(models);
		this.postprocessing = postprocessing;
		this.tiling = tiling;
		this.device = device;
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

	/** Loads the model (or the ensemble's models) on the device, tiled as asked. */
	public Segmenter segmenter() {
		return new Segmenter(models, DeviceChoice.parse(device), tiling);
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
			List<Path> models = RequestChecks.modelFiles(model, spelling);
			return new PredictionSettings(model, models, RequestChecks.postprocessing(threshold, minSize, fillHoles), RequestChecks.tiling(tile, overlap, tileBatch),
				RequestChecks.device(device));
		}
	}

	/** The model file the values give; both requests read it under one key. */
	static Path modelOf(OptionValues values) {
		return values.get(SegmentOptions.MODEL_FILE);
	}
}
