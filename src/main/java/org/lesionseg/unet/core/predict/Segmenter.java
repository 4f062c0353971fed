package org.lesionseg.unet.core.predict;

import java.nio.file.Path;
import java.util.List;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.data.DatasetLoader;
import org.lesionseg.unet.core.data.Normalization;
import org.lesionseg.unet.core.data.Sample;
import org.lesionseg.unet.core.modelfile.ModelFile;
import org.lesionseg.unet.core.modelfile.ModelInfo;
import org.lesionseg.unet.core.modelfile.DiffusionSettings;
import org.lesionseg.unet.core.diffusion.NoiseSchedule;
import org.lesionseg.unet.core.engine.DeviceChoice;
import org.lesionseg.unet.core.engine.Devices;

import ai.djl.Device;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDManager;

/**
 * Applies a model file to images: normalises them as the model's training data was, predicts the probability
 * map tile by tile, thresholds it and finds the objects. One instance holds the network on its device; close it
 * to free the memory.
 *
 * <pre>
 * try (Segmenter segmenter = new Segmenter(Paths.get("model.zip"), "auto", new TiledPredictor.Options())) {
 *     Segmenter.Result r = segmenter.segment("slice", pixels, width, height, 1, 8, new MaskPostprocessing.Options());
 *     r.objects().size();
 * }
 * </pre>
 */
public final class Segmenter implements AutoCloseable {

	private final NDManager manager;
	private final ModelFile.Loaded model;
	private final TiledPredictor predictor;
	private final Device device;

	/** A segmenter on a device given as text (at the edges: a command-line flag or macro key). */
	public Segmenter(Path modelFile, String deviceChoice, TiledPredictor.Options tiling) {
		this(modelFile, DeviceChoice.parse(deviceChoice), tiling);
	}

	public Segmenter(Path modelFile, DeviceChoice deviceChoice, TiledPredictor.Options tiling) {
		this(modelFile, deviceChoice, tiling, null);
	}

	/**
	 * @param sampling a diffusion model's sampling settings (steps, eta, samples, seed) in place of those its file
	 *                 records; null for the file's. A U-Net takes none: giving them is an error.
	 */
	public Segmenter(Path modelFile, DeviceChoice deviceChoice, TiledPredictor.Options tiling, DiffusionSettings sampling) {
		this.device = Devices.resolve(deviceChoice)[0];
		this.manager = NDManager.newBaseManager(device);
		try {
			this.model = ModelFile.load(modelFile, manager);
			this.predictor = new TiledPredictor(networkFor(model, manager, sampling), model.info, tiling);
		} catch (RuntimeException e) {
			manager.close();
			throw e;
		}
	}

	/** What runs on the tiles for this model file (the place where other kinds of network plug in). */
	static TileNetwork networkFor(ModelFile.Loaded model, NDManager manager, DiffusionSettings sampling) {
		if (!model.info.isDiffusion()) {
			if (sampling != null)
				throw new UnetException(model.bundle.source() + " is a U-Net: sampling steps, eta, samples and the sampling seed apply to diffusion models only");
			return new UNetTileNetwork(model.block, manager);
		}
		return diffusionNetwork(model.block, manager, model.info, sampling);
	}

	/** The sampler of a diffusion network: the file's schedule, and its sampling defaults unless others are given. */
	public static TileNetwork diffusionNetwork(ai.djl.nn.Block block, NDManager manager, ModelInfo info, DiffusionSettings sampling) {
		DiffusionSettings recorded = info.diffusion == null ? new DiffusionSettings() : info.diffusion;
		DiffusionSettings used = recorded.copy();
		if (sampling != null) {
			used.samplingSteps = sampling.samplingSteps;
			used.eta = sampling.eta;
			used.samples = sampling.samples;
			used.samplingSeed = sampling.samplingSeed;
		}
		used.check();
		NoiseSchedule schedule = new NoiseSchedule(NoiseSchedule.Kind.fromName(used.schedule), used.timesteps);
		return new DiffusionTileNetwork(block, manager, schedule, used);
	}

	/** The loaded model (description, network, file). */
	public ModelFile.Loaded model() {
		return model;
	}

	public ModelInfo info() {
		return model.info;
	}

	public String deviceDescription() {
		return Devices.describe(new Device[] { device });
	}

	public int tileSize() {
		return predictor.tileSize();
	}

	/** The result for one 2D image: probability map, mask, labels and objects. */
	public static final class Result {
		public final String name;
		public final int width;
		public final int height;
		public final float[] probability;
		/** A diffusion model's per-pixel standard deviation over its samples; null for a U-Net. */
		public final float[] uncertainty;
		public final MaskPostprocessing.Result processed;

		Result(String name, int width, int height, float[] probability, float[] uncertainty, MaskPostprocessing.Result processed) {
			this.name = name;
			this.width = width;
			this.height = height;
			this.probability = probability;
			this.uncertainty = uncertainty;
			this.processed = processed;
		}

		public byte[] mask() {
			return processed.mask();
		}

		public List<SegmentedObject> objects() {
			return processed.objects();
		}
	}

	/** Largest image, in pixels after scaling by the model's input scale, that is segmented (about 1 GB per float map). */
	static final long MAX_SCALED_PIXELS = 1L << 28;

	/** Refuses images that, scaled as the model's training images were, would not fit in Java arrays or memory. */
	private void checkScaledSize(String name, int width, int height) {
		double scale = model.info.inputScale;
		double scaled = Math.max(1, Math.round(width * scale)) * (double) Math.max(1, Math.round(height * scale)); // as Resizing.scaledSize, without int overflow
		if (scaled > MAX_SCALED_PIXELS || (long) width * height > MAX_SCALED_PIXELS)
			throw new UnetException("image " + name + " (" + width + "x" + height + ") is too large to segment at the model's input scale "
				+ String.format(java.util.Locale.ROOT, "%.3g", scale) + " (" + (long) scaled + " pixels, at most " + MAX_SCALED_PIXELS
				+ "): crop it or split it into parts");
	}

	/** The probability map (H × W) of raw pixels (C, H, W), normalised here as the model's training data. */
	public float[] probability(String name, float[] rawChw, int width, int height, int channels, int bitDepth) {
		return maps(name, rawChw, width, height, channels, bitDepth)[0];
	}

	/** True when the network gives an uncertainty map besides the probability (a diffusion model). */
	public boolean hasUncertainty() {
		return model.info.isDiffusion();
	}

	/** Every map of the network (H × W each): the probability, then a diffusion model's uncertainty. */
	public float[][] maps(String name, float[] rawChw, int width, int height, int channels, int bitDepth) {
		checkScaledSize(name, width, height);
		float[] pixels = rawChw.clone();
		Normalization.fromName(model.info.normalization).apply(pixels, width, height, channels, bitDepth);
		Devices.prepareThread();
		try {
			return predictor.maps(DatasetLoader.withChannels(Sample.of(name, pixels, width, height, channels, null), model.info.inputChannels));
		} catch (EngineException e) {
			throw new UnetException("the PyTorch engine failed on " + name + ": " + e.getMessage(), e);
		}
	}

	/** The probability map (H × W) of a sample that is already normalised like the training data. */
	public float[] probabilityOfNormalised(Sample normalised) {
		return mapsOfNormalised(normalised)[0];
	}

	/** Every map of a sample that is already normalised like the training data. */
	public float[][] mapsOfNormalised(Sample normalised) {
		checkScaledSize(normalised.name(), normalised.width(), normalised.height());
		Devices.prepareThread();
		try {
			return predictor.maps(DatasetLoader.withChannels(normalised, model.info.inputChannels));
		} catch (EngineException e) {
			throw new UnetException("the PyTorch engine failed on " + normalised.name() + ": " + e.getMessage(), e);
		}
	}

	/** Probability, mask and objects of one 2D image. */
	public Result segment(String name, float[] rawChw, int width, int height, int channels, int bitDepth, MaskPostprocessing.Options options) {
		float[][] maps = maps(name, rawChw, width, height, channels, bitDepth);
		return new Result(name, width, height, maps[0], maps.length > 1 ? maps[1] : null, MaskPostprocessing.process(maps[0], width, height, options));
	}

	@Override
	public void close() {
		manager.close();
	}
}
