package org.lesionseg.unet.core.predict;

import java.nio.file.Path;
import java.util.List;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.data.DatasetLoader;
import org.lesionseg.unet.core.data.Normalization;
import org.lesionseg.unet.core.data.Sample;
import org.lesionseg.unet.core.modelfile.ModelFile;
import org.lesionseg.unet.core.modelfile.ModelInfo;
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
	private final TileNetwork network;
	private final TiledPredictor predictor;
	private final Device device;

	/** A segmenter on a device given as text (at the edges: a command-line flag or macro key). */
	public Segmenter(Path modelFile, String deviceChoice, TiledPredictor.Options tiling) {
		this(modelFile, DeviceChoice.parse(deviceChoice), tiling);
	}

	public Segmenter(Path modelFile, DeviceChoice deviceChoice, TiledPredictor.Options tiling) {
		this(modelFile, deviceChoice, tiling, Segmenter::networkFor);
	}

	/**
	 * What runs a loaded model's network on tiles: the engine itself by default, or another runtime (ONNX). A network
	 * that is {@link AutoCloseable} is closed with the segmenter.
	 */
	public interface Runtime {
		TileNetwork network(ModelFile.Loaded model, NDManager manager);
	}

	/** A segmenter whose tiles run in the given runtime (the model file is still read and checked by the engine). */
	public Segmenter(Path modelFile, DeviceChoice deviceChoice, TiledPredictor.Options tiling, Runtime runtime) {
		this.device = Devices.resolve(deviceChoice)[0];
		this.manager = NDManager.newBaseManager(device);
		try {
			this.model = ModelFile.load(modelFile, manager);
			this.network = runtime.network(model, manager);
			this.predictor = new TiledPredictor(network, model.info, tiling);
		} catch (RuntimeException e) {
			manager.close();
			throw e;
		}
	}

	/** What runs on the tiles for this model file (the place where other kinds of network plug in). */
	private static TileNetwork networkFor(ModelFile.Loaded model, NDManager manager) {
		return new UNetTileNetwork(model.block, manager);
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
		public final MaskPostprocessing.Result processed;

		Result(String name, int width, int height, float[] probability, MaskPostprocessing.Result processed) {
			this.name = name;
			this.width = width;
			this.height = height;
			this.probability = probability;
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
		checkScaledSize(name, width, height);
		float[] pixels = rawChw.clone();
		Normalization.fromName(model.info.normalization).apply(pixels, width, height, channels, bitDepth);
		Devices.prepareThread();
		try {
			return predictor.probability(DatasetLoader.withChannels(Sample.of(name, pixels, width, height, channels, null), model.info.inputChannels));
		} catch (EngineException e) {
			throw new UnetException("the PyTorch engine failed on " + name + ": " + e.getMessage(), e);
		}
	}

	/** The probability map (H × W) of a sample that is already normalised like the training data. */
	public float[] probabilityOfNormalised(Sample normalised) {
		checkScaledSize(normalised.name(), normalised.width(), normalised.height());
		Devices.prepareThread();
		try {
			return predictor.probability(DatasetLoader.withChannels(normalised, model.info.inputChannels));
		} catch (EngineException e) {
			throw new UnetException("the PyTorch engine failed on " + normalised.name() + ": " + e.getMessage(), e);
		}
	}

	/** Probability, mask and objects of one 2D image. */
	public Result segment(String name, float[] rawChw, int width, int height, int channels, int bitDepth, MaskPostprocessing.Options options) {
		float[] probability = probability(name, rawChw, width, height, channels, bitDepth);
		return new Result(name, width, height, probability, MaskPostprocessing.process(probability, width, height, options));
	}

	@Override
	public void close() {
		try {
			if (network instanceof AutoCloseable)
				((AutoCloseable) network).close();
		} catch (Exception e) {
			throw new UnetException("cannot free the network: " + e.getMessage(), e);
		} finally {
			manager.close();
		}
	}
}
