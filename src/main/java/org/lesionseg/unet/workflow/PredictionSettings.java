package org.lesionseg.unet.workflow;

import java.nio.file.Path;

import org.lesionseg.unet.core.predict.MaskPostprocessing;
import org.lesionseg.unet.core.engine.DeviceChoice;
import org.lesionseg.unet.core.interop.OnnxRuntime;
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
	private final String runtime;

	private PredictionSettings(Path model, MaskPostprocessing.Options postprocessing, TiledPredictor.Options tiling, String device, String runtime) {
		this.model = model;
		this.postprocessing = postprocessing;
		this.tiling = tiling;
		this.device = device;
		this.runtime = runtime;
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

	/** torch or onnx ({@link CommonOptions#RUNTIME}). */
	public String runtime() {
		return runtime;
	}

	/** Loads the model on the device, tiled as asked, its tiles run by the runtime asked for. */
	public Segmenter segmenter() {
		if ("onnx".equals(runtime))
			return new Segmenter(model, DeviceChoice.parse("cpu"), tiling, new OnnxRuntime(0));
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
		private String runtime = CommonOptions.RUNTIME.defaultValue();

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

		/** torch (default) or onnx. */
		public B runtime(String runtime) {
			this.runtime = CommonOptions.RUNTIME.parse(runtime);
			return self();
		}

		/** Post-processing, tiling and device as the parsed values give them (their defaults are the registry's). */
		B prediction(OptionValues values) {
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
			RequestChecks.modelFile(model, spelling);
			return new PredictionSettings(model, RequestChecks.postprocessing(threshold, minSize, fillHoles), RequestChecks.tiling(tile, overlap, tileBatch),
				RequestChecks.device(device), runtime);
		}
	}

	/** The model file the values give; both requests read it under one key. */
	static Path modelOf(OptionValues values) {
		return values.get(SegmentOptions.MODEL_FILE);
	}
}
