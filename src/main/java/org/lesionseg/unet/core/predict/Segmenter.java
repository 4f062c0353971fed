package org.lesionseg.unet.core.predict;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
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

	/**
	 * Steps an imported network needs on the whole normalised image before tiling (a bioimage.io package's
	 * preprocessing, whose per-image statistics must not be taken per tile); runs in place on (C, H, W) values.
	 */
	public interface Preprocessing {
		void apply(float[] chw, int width, int height, int channels);
	}

	private final AutoCloseable resources;
	private final ModelFile.Loaded model;
	private final ModelInfo info;
	private final Preprocessing preprocessing;
	private final String source;
	/** Networks to close with the segmenter (an onnxruntime session); the engine's memory is {@link #resources}. */
	private final List<AutoCloseable> networks = new ArrayList<>();
	private final TiledPredictor predictor;
	/** The other members of an ensemble (the folds of a cross-validation), after {@link #model}; usually empty. */
	private final List<ModelFile.Loaded> others = new ArrayList<>();
	private final List<TiledPredictor> otherPredictors = new ArrayList<>();
	private final Device device;
	/** Appended to the device line when another runtime than the engine runs the tiles. */
	private String runtimeDescription = "";

	/** A segmenter on a device given as text (at the edges: a command-line flag or macro key). */
	public Segmenter(Path modelFile, String deviceChoice, TiledPredictor.Options tiling) {
		this(modelFile, DeviceChoice.parse(deviceChoice), tiling);
	}

	public Segmenter(Path modelFile, DeviceChoice deviceChoice, TiledPredictor.Options tiling) {
		this(Collections.singletonList(modelFile), deviceChoice, tiling, ENGINE);
	}

	/**
	 * What runs a loaded model's network on tiles: the engine itself by default, or another runtime (ONNX). A network
	 * that is {@link AutoCloseable} is closed with the segmenter.
	 */
	public interface Runtime {
		TileNetwork network(ModelFile.Loaded model, NDManager manager);

		/** What runs the tiles, for the device line ("" for the engine itself). */
		default String describe() {
			return "";
		}
	}

	/** The engine itself (libtorch through DJL) runs the tiles; a diffusion model samples as its file records. */
	public static final Runtime ENGINE = engine(null);

	/**
	 * The engine, with a diffusion model's sampling settings (steps, eta, samples, seed) in place of those its file
	 * records; null for the file's. A U-Net takes none: giving them is an error.
	 */
	public static Runtime engine(DiffusionSettings sampling) {
		return (model, manager) -> networkFor(model, manager, sampling);
	}

	/** A segmenter whose diffusion model samples with the given settings (see {@link #engine(DiffusionSettings)}). */
	public Segmenter(Path modelFile, DeviceChoice deviceChoice, TiledPredictor.Options tiling, DiffusionSettings sampling) {
		this(Collections.singletonList(modelFile), deviceChoice, tiling, engine(sampling));
	}

	/** A segmenter whose tiles run in the given runtime (the model file is still read and checked by the engine). */
	public Segmenter(Path modelFile, DeviceChoice deviceChoice, TiledPredictor.Options tiling, Runtime runtime) {
		this(Collections.singletonList(modelFile), deviceChoice, tiling, runtime);
	}

	/**
	 * An ensemble: the probability map is the mean of the models' maps (each model normalises the image as its own
	 * training data was), as nnU-Net does with the models of a cross-validation's folds.
	 *
	 * @throws UnetException when the models do not take the same number of channels
	 */
	public Segmenter(List<Path> modelFiles, DeviceChoice deviceChoice, TiledPredictor.Options tiling, Runtime runtime) {
		if (modelFiles.isEmpty())
			throw new IllegalArgumentException("no model files");
		if (!runtime.describe().isEmpty())
			this.runtimeDescription = "; tiles run in " + runtime.describe();
		this.device = Devices.resolve(deviceChoice)[0];
		NDManager manager = NDManager.newBaseManager(device);
		this.resources = manager;
		try {
			this.model = ModelFile.load(modelFiles.get(0), manager);
			this.predictor = new TiledPredictor(network(runtime, model, manager), model.info, tiling);
			for (Path other : modelFiles.subList(1, modelFiles.size())) {
				ModelFile.Loaded loaded = ModelFile.load(other, manager);
				if (loaded.info.inputChannels != model.info.inputChannels)
					throw new UnetException("the models of an ensemble must take the same images: " + modelFiles.get(0).getFileName() + " takes "
						+ model.info.inputChannels + " channel(s), " + other + " " + loaded.info.inputChannels);
				others.add(loaded);
				otherPredictors.add(new TiledPredictor(network(runtime, loaded, manager), loaded.info, tiling));
			}
		} catch (RuntimeException e) {
			for (AutoCloseable network : networks)
				closeQuietly(network);
			manager.close();
			throw e;
		}
		this.info = model.info;
		this.preprocessing = null;
		this.source = "UNet model file";
	}

	/**
	 * A segmenter over a network that is not one of our model files (an imported TorchScript or bioimage.io model).
	 *
	 * @param info          the geometry and normalisation the tiler and {@link #probability} use (channels, depth for
	 *                      the size multiple, default tile as training size, input scale 1, normalisation)
	 * @param preprocessing applied to the whole normalised image before tiling, or null
	 * @param resources     closed with the segmenter (the network's memory)
	 * @param source        what the network is, for messages ("TorchScript file", "bioimage.io package ...")
	 */
	public Segmenter(TileNetwork network, ModelInfo info, Preprocessing preprocessing, AutoCloseable resources, Device device,
		TiledPredictor.Options tiling, String source) {
		this.device = device;
		this.resources = resources;
		this.model = null;
		this.info = info;
		this.preprocessing = preprocessing;
		this.source = source;
		this.predictor = new TiledPredictor(network, info, tiling);
	}

	private TileNetwork network(Runtime runtime, ModelFile.Loaded loaded, NDManager manager) {
		TileNetwork network = runtime.network(loaded, manager);
		if (network instanceof AutoCloseable)
			networks.add((AutoCloseable) network);
		return network;
	}

	private static void closeQuietly(AutoCloseable closeable) {
		try {
			closeable.close();
		} catch (Exception ignored) {
			// already failing: the first error is the one to report
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

	/** How many models average their probabilities (1 for a single model). */
	public int ensembleSize() {
		return 1 + others.size();
	}

	/**
	 * The loaded model file (description, network, file).
	 *
	 * @throws UnetException for an imported network, which has no model file of ours
	 */
	public ModelFile.Loaded model() {
		if (model == null)
			throw new UnetException("this is an imported " + source + ", not a model file written by Train UNet: it has no training state or model file to update");
		return model;
	}

	/** True for a network that is not one of our model files (TorchScript, bioimage.io). */
	public boolean isImported() {
		return model == null;
	}

	/** True for a diffusion model, whose samples spread into an uncertainty map of their own. */
	public boolean isDiffusion() {
		return info.isDiffusion();
	}

	/** What the network is, for messages: "UNet model file", "TorchScript file", "bioimage.io package NAME". */
	public String source() {
		return source;
	}

	public ModelInfo info() {
		return info;
	}

	public String deviceDescription() {
		return Devices.describe(new Device[] { device }) + runtimeDescription;
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
		/**
		 * The per-pixel standard deviation of a diffusion model's samples or of test-time augmentation's predictions;
		 * null without either.
		 */
		public final float[] uncertainty;
		public final MaskPostprocessing.Result processed;
		/** A multi-class model's label image (0 background, 1..K the most probable class inside the mask); null for binary. */
		public byte[] classLabels;
		/** A multi-class model's probability of each class 1..K (index 0: the foreground); null for binary. */
		public float[][] classMaps;

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

		/** The slice's {@link UncertaintyScore} (in and around its objects), or null without an uncertainty map. */
		public UncertaintyScore uncertaintyScore() {
			return uncertainty == null ? null : UncertaintyScore.of(probability, uncertainty, mask(), width, height);
		}
	}

	/** Largest image, in pixels after scaling by the model's input scale, that is segmented (about 1 GB per float map). */
	static final long MAX_SCALED_PIXELS = 1L << 28;

	/** Refuses images that, scaled as the model's training images were, would not fit in Java arrays or memory. */
	private void checkScaledSize(String name, int width, int height) {
		double scale = info.inputScale;
		double scaled = Math.max(1, Math.round(width * scale)) * (double) Math.max(1, Math.round(height * scale)); // as Resizing.scaledSize, without int overflow
		if (scaled > MAX_SCALED_PIXELS || (long) width * height > MAX_SCALED_PIXELS)
			throw new UnetException("image " + name + " (" + width + "x" + height + ") is too large to segment at the model's input scale "
				+ String.format(java.util.Locale.ROOT, "%.3g", scale) + " (" + (long) scaled + " pixels, at most " + MAX_SCALED_PIXELS
				+ "): crop it or split it into parts");
	}

	/**
	 * The probability map (H × W) of raw pixels (C, H, W), normalised here as the model's training data; for an
	 * ensemble the mean of its models' maps.
	 */
	public float[] probability(String name, float[] rawChw, int width, int height, int channels, int bitDepth) {
		return maps(name, rawChw, width, height, channels, bitDepth)[0];
	}

	/** True when the network gives an uncertainty map besides the probability (a diffusion model, test-time augmentation). */
	public boolean hasUncertainty() {
		return predictor.outputMaps() > 1 && !info.isMultiClass();
	}

	/**
	 * Every map of the network (H × W each): the probability, then the uncertainty (a diffusion model's, or test-time
	 * augmentation's); for an ensemble
	 * the mean of its models' maps.
	 */
	public float[][] maps(String name, float[] rawChw, int width, int height, int channels, int bitDepth) {
		checkScaledSize(name, width, height);
		return ensembleMean(maps(info, predictor, name, rawChw, width, height, channels, bitDepth),
			m -> maps(others.get(m).info, otherPredictors.get(m), name, rawChw, width, height, channels, bitDepth));
	}

	/** The first model's maps alone, or (in place) the mean of them and each other member's maps. */
	private float[][] ensembleMean(float[][] first, java.util.function.IntFunction<float[][]> otherMember) {
		if (others.isEmpty())
			return first;
		for (int m = 0; m < others.size(); m++) {
			float[][] p = otherMember.apply(m);
			for (int k = 0; k < first.length; k++)
				for (int i = 0; i < first[k].length; i++)
					first[k][i] += p[k][i];
		}
		float members = ensembleSize();
		for (float[] map : first)
			for (int i = 0; i < map.length; i++)
				map[i] /= members;
		return first;
	}

	private float[][] maps(ModelInfo memberInfo, TiledPredictor memberPredictor, String name, float[] rawChw, int width, int height,
		int channels, int bitDepth) {
		float[] pixels = rawChw.clone();
		Normalization.fromName(memberInfo.normalization).apply(pixels, width, height, channels, bitDepth);
		Devices.prepareThread();
		try {
			return memberPredictor.maps(prepared(DatasetLoader.withChannels(Sample.of(name, pixels, width, height, channels, null), memberInfo.inputChannels)));
		} catch (EngineException e) {
			throw new UnetException("the PyTorch engine failed on " + name + ": " + e.getMessage(), e);
		}
	}

	/**
	 * The probability map (H × W) of a sample that is already normalised like the training data; for an ensemble the
	 * mean of its models' maps (its models must then share one normalisation).
	 */
	public float[] probabilityOfNormalised(Sample normalised) {
		return mapsOfNormalised(normalised)[0];
	}

	/** Every map of a sample that is already normalised like the training data (see {@link #probabilityOfNormalised}). */
	public float[][] mapsOfNormalised(Sample normalised) {
		checkScaledSize(normalised.name(), normalised.width(), normalised.height());
		Devices.prepareThread();
		try {
			Sample input = DatasetLoader.withChannels(normalised, info.inputChannels);
			return ensembleMean(predictor.maps(prepared(input)), m -> {
				if (!others.get(m).info.normalization.equals(info.normalization))
					throw new UnetException("the models of this ensemble normalise images differently (" + info.normalization + ", "
						+ others.get(m).info.normalization + "): evaluate them one by one");
				return otherPredictors.get(m).maps(input);
			});
		} catch (EngineException e) {
			throw new UnetException("the PyTorch engine failed on " + normalised.name() + ": " + e.getMessage(), e);
		}
	}

	/** The sample after the imported network's own preprocessing (a copy; the sample itself stays as it was). */
	private Sample prepared(Sample normalised) {
		if (preprocessing == null)
			return normalised;
		float[] values = normalised.imageData().clone();
		preprocessing.apply(values, normalised.width(), normalised.height(), normalised.channels());
		return Sample.of(normalised.name(), values, normalised.width(), normalised.height(), normalised.channels(), normalised.maskData());
	}

	/** Probability, mask and objects of one 2D image. */
	public Result segment(String name, float[] rawChw, int width, int height, int channels, int bitDepth, MaskPostprocessing.Options options) {
		float[][] maps = maps(name, rawChw, width, height, channels, bitDepth);
		boolean classes = info.isMultiClass();
		Result result = new Result(name, width, height, maps[0], maps.length > 1 && !classes ? maps[1] : null,
			MaskPostprocessing.process(maps[0], width, height, options));
		if (classes) {
			result.classMaps = maps;
			result.classLabels = ClassMaps.labels(maps, result.mask());
		}
		return result;
	}

	@Override
	public void close() {
		try {
			for (AutoCloseable network : networks)
				network.close();
		} catch (Exception e) {
			throw new UnetException("could not free the network's memory: " + e.getMessage(), e);
		} finally {
			try {
				resources.close();
			} catch (Exception e) {
				throw new UnetException("could not free the network's memory: " + e.getMessage(), e);
			}
		}
	}
}
