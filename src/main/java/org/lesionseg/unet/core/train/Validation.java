package org.lesionseg.unet.core.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.lesionseg.unet.core.data.Batch;
import org.lesionseg.unet.core.interop.UNetOnnx;
import org.lesionseg.unet.core.interop.OnnxTileNetwork;
import org.lesionseg.unet.core.engine.OneDnnSwitch;
import org.lesionseg.unet.core.data.Sample;
import org.lesionseg.unet.core.metrics.ConfusionCounts;
import org.lesionseg.unet.core.metrics.ImageMetrics;
import org.lesionseg.unet.core.metrics.MetricsSummary;
import org.lesionseg.unet.core.modelfile.ModelInfo;
import org.lesionseg.unet.core.predict.ClassMaps;
import org.lesionseg.unet.core.predict.MaskPostprocessing;
import org.lesionseg.unet.core.predict.TiledPredictor;
import org.lesionseg.unet.core.predict.TileNetwork;
import org.lesionseg.unet.core.predict.UNetTileNetwork;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;

/**
 * The validation pass at the end of each epoch, scored as a user's prediction would be: foreground where the
 * probability is above the prediction's default threshold ({@link MaskPostprocessing#threshold}, the one rule),
 * and in patch mode on whole images tiled as {@link TiledPredictor} tiles them, so that a false positive anywhere
 * in an image counts. The loss is the mean over samples (a short last batch weighs by its size).
 */
final class Validation {

	/** The prediction's default threshold: validation scores what prediction would segment. */
	static final float THRESHOLD = new MaskPostprocessing.Options().threshold();

	private final List<Sample> samples;
	private final boolean wholeImages;
	private final int batchSize;
	private final TrainingObjective objective;
	private ModelInfo info;
	/** Per-class scores of a multi-class network (null for binary). */
	private MultiClassTraining.Scores classScores;

	/**
	 * @param samples validation images at the training size (resize mode), or whole (patch mode)
	 * @param wholeImages true in patch mode: images are tiled, not batched
	 */
	Validation(List<Sample> samples, boolean wholeImages, int batchSize) {
		this(samples, wholeImages, batchSize, null);
	}

	/** @param objective what is trained (null: the U-Net's logits), which says how validation images are predicted */
	Validation(List<Sample> samples, boolean wholeImages, int batchSize, TrainingObjective objective) {
		this.objective = objective;
		this.samples = samples;
		this.wholeImages = wholeImages;
		this.batchSize = batchSize;
	}

	boolean isEmpty() {
		return samples.isEmpty();
	}

	/** Loss, pooled Dice, mean Dice, mean IoU, mean accuracy (all NaN without validation images). */
	double[] run(Trainer trainer, Loss loss, ModelInfo info) {
		this.info = info;
		if (samples.isEmpty())
			return new double[] { Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN };
		List<ImageMetrics> metrics = new ArrayList<>();
		classScores = info.isMultiClass() ? new MultiClassTraining.Scores(info) : null;
		double lossSum = wholeImages ? wholeImages(trainer, loss, info, metrics) : batches(trainer, loss, metrics);
		MetricsSummary summary = new MetricsSummary(metrics);
		if (classScores != null)
			return classScores.result(lossSum / samples.size(), summary);
		return new double[] { lossSum / samples.size(), summary.pooledDice(), summary.meanDice(), summary.meanIou(), summary.meanAccuracy() };
	}

	/**
	 * Batches of images at the training size; returns the sum over samples of the loss. Where libtorch's fast CPU
	 * kernels are off ({@link OneDnnSwitch}), onnxruntime runs a U-Net's weights several times faster, as in patch
	 * mode; the loss is then taken on the logits of its probabilities. A diffusion model samples its masks.
	 */
	private double batches(Trainer trainer, Loss loss, List<ImageMetrics> metrics) {
		boolean diffusion = objective instanceof DiffusionObjective;
		// onnxruntime for a binary U-Net where it is faster; a multi-class one is scored per class from the engine's logits
		OnnxTileNetwork onnx = diffusion || classScores != null ? null : onnxWhereFaster(trainer);
		ByteBuffer input = null;
		try {
			double lossSum = 0;
			for (int from = 0; from < samples.size(); from += batchSize) {
				List<Sample> part = samples.subList(from, Math.min(samples.size(), from + batchSize));
				Batch batch = Batch.of(part);
				int plane = batch.height() * batch.width();
				try (NDManager batchManager = trainer.getManager().newSubManager()) {
					float[] probability;
					if (diffusion) {
						// the training loss at random steps, and Dice of masks really sampled from noise
						NDArray x = batchManager.create(batch.images(), new Shape(batch.imageShape()));
						NDArray y = batchManager.create(batch.masks(), new Shape(batch.maskShape()));
						lossSum += objective.loss(trainer, x, y, false).getFloat() * batch.size();
						float[][] maps = sample(trainer, batch);
						for (int i = 0; i < batch.size(); i++)
							metrics.add(score(part.get(i), maps[i]));
						continue;
					}
					if (onnx != null) {
						float[] images = batch.images();
						if (input == null || input.capacity() < images.length * Float.BYTES)
							input = ByteBuffer.allocateDirect(images.length * Float.BYTES).order(ByteOrder.nativeOrder());
						input.clear();
						input.asFloatBuffer().put(images);
						probability = new float[batch.size() * plane];
						onnx.run(input, batch.size(), batch.channels(), batch.height(), batch.width(), probability);
						lossSum += lossOfProbabilities(loss, batchManager, probability, batch.masks(), new Shape(batch.maskShape())) * batch.size();
					} else {
						NDArray x = batchManager.create(batch.images(), new Shape(batch.imageShape()));
						NDArray y = batchManager.create(batch.masks(), new Shape(batch.maskShape()));
						NDArray logits = trainer.evaluate(new NDList(x)).singletonOrThrow();
						// the loss is the batch's mean: weighted by its samples, a short last batch counts as much as it holds
						lossSum += loss.evaluate(new NDList(y), new NDList(logits)).getFloat() * batch.size();
						if (classScores != null) {
							float[] maps = ClassMaps.fromLogits(logits).toFloatArray();
							int outputs = info.outputClasses;
							for (int i = 0; i < batch.size(); i++) {
								float[][] m = MultiClassTraining.mapsOf(maps, i, outputs, plane);
								classScores.add(part.get(i), m);
								metrics.add(score(part.get(i), m[0]));
							}
							continue;
						}
						probability = logits.getNDArrayInternal().sigmoid().toFloatArray();
					}
					for (int i = 0; i < batch.size(); i++)
						metrics.add(score(part.get(i), Arrays.copyOfRange(probability, i * plane, (i + 1) * plane)));
				}
			}
			return lossSum;
		} finally {
			if (onnx != null)
				onnx.close();
		}
	}

	/** onnxruntime over the U-Net's current weights where it beats libtorch on this device, else null. */
	static OnnxTileNetwork onnxWhereFaster(Trainer trainer) {
		return onnxWhereFaster(trainer.getModel().getBlock(), trainer.getManager());
	}

	static OnnxTileNetwork onnxWhereFaster(ai.djl.nn.Block unet, NDManager manager) {
		return OneDnnSwitch.prefersOnnxruntime(manager.getDevice()) ? new OnnxTileNetwork(UNetOnnx.export(unet, "unet", "validation"), false, 0, false) : null;
	}

	/** The loss of probabilities against 0/1 truth, on the logits the probabilities came from (clamped away from 0 and 1). */
	private static double lossOfProbabilities(Loss loss, NDManager manager, float[] probability, float[] truth, Shape shape) {
		float[] logits = new float[probability.length];
		for (int i = 0; i < logits.length; i++) {
			double p = Math.min(1 - 1e-7, Math.max(1e-7, probability[i]));
			logits[i] = (float) (Math.log(p) - Math.log1p(-p));
		}
		try (NDManager m = manager.newSubManager()) {
			return loss.evaluate(new NDList(m.create(truth, shape)), new NDList(m.create(logits, shape))).getFloat();
		}
	}

	/** The probability maps of a batch at the training size from the objective's prediction network. */
	private float[][] sample(Trainer trainer, Batch batch) {
		ModelInfo info = this.info;
		TileNetwork network = objective.predictionNetwork(trainer.getModel().getBlock(), trainer.getManager(), info);
		int n = batch.size(), h = batch.height(), w = batch.width(), c = batch.images().length / (n * h * w), plane = h * w;
		ByteBuffer input = ByteBuffer.allocateDirect(batch.images().length * Float.BYTES).order(ByteOrder.nativeOrder());
		input.asFloatBuffer().put(batch.images());
		float[] output = new float[n * network.outputMaps() * plane];
		network.run(input, n, c, h, w, output);
		float[][] maps = new float[n][];
		for (int i = 0; i < n; i++)
			maps[i] = Arrays.copyOfRange(output, i * network.outputMaps() * plane, (i * network.outputMaps() + 1) * plane);
		return maps;
	}

	/** Whole images, tiled and blended as prediction does; the loss is taken on the blended map's logits (a diffusion model's: none). */
	private double wholeImages(Trainer trainer, Loss loss, ModelInfo info, List<ImageMetrics> metrics) {
		TileNetwork network = (objective != null ? objective : TrainingObjective.segmentation(loss)).predictionNetwork(trainer.getModel().getBlock(),
			trainer.getManager(), info);
		try {
			TiledPredictor predictor = new TiledPredictor(network, info, new TiledPredictor.Options());
			boolean diffusion = objective instanceof DiffusionObjective;
			double lossSum = diffusion ? Double.NaN : 0;
			for (Sample s : samples) {
				float[][] maps = classScores != null ? predictor.maps(s) : null;
				float[] probability = maps != null ? maps[0] : predictor.probability(s);
				metrics.add(score(s, probability));
				if (diffusion)
					continue;
				if (maps != null) {
					classScores.add(s, maps);
					lossSum += classLoss(trainer, loss, s, maps);
					continue;
				}
				float[] truth = new float[probability.length];
				byte[] mask = s.maskData();
				for (int i = 0; i < truth.length; i++)
					truth[i] = mask[i] != 0 ? 1f : 0f;
				lossSum += lossOfProbabilities(loss, trainer.getManager(), probability, truth, new Shape(1, 1, s.height(), s.width()));
			}
			return lossSum;
		} finally {
			if (network instanceof AutoCloseable)
				closeQuietly((AutoCloseable) network);
		}
	}

	/** A multi-class image's loss on the blended maps (their log-probabilities as logits) against its labels. */
	private static double classLoss(Trainer trainer, Loss loss, Sample s, float[][] maps) {
		try (NDManager imageManager = trainer.getManager().newSubManager()) {
			byte[] mask = s.maskData();
			float[] truth = new float[mask.length];
			for (int i = 0; i < truth.length; i++)
				truth[i] = mask[i] & 0xff;
			NDArray logits = imageManager.create(MultiClassTraining.logits(maps), new Shape(1, maps.length, s.height(), s.width()));
			return loss.evaluate(new NDList(imageManager.create(truth, new Shape(1, 1, s.height(), s.width()))), new NDList(logits)).getFloat();
		}
	}

	private static void closeQuietly(AutoCloseable network) {
		try {
			network.close();
		} catch (Exception e) {
			throw new IllegalStateException("could not free the validation network: " + e.getMessage(), e);
		}
	}

	private static ImageMetrics score(Sample sample, float[] probability) {
		return new ImageMetrics(sample.name(), ConfusionCounts.of(probability, THRESHOLD, sample.maskData()));
	}
}
