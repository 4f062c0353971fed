package org.lesionseg.unet.core.train;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.lesionseg.unet.core.data.Batch;
import org.lesionseg.unet.core.engine.OneDnnSwitch;
import org.lesionseg.unet.core.interop.OnnxTileNetwork;
import org.lesionseg.unet.core.interop.UNetOnnx;
import org.lesionseg.unet.core.data.Sample;
import org.lesionseg.unet.core.metrics.ConfusionCounts;
import org.lesionseg.unet.core.metrics.ImageMetrics;
import org.lesionseg.unet.core.metrics.MetricsSummary;
import org.lesionseg.unet.core.model.UNetBlock;
import org.lesionseg.unet.core.modelfile.ModelInfo;
import org.lesionseg.unet.core.predict.MaskPostprocessing;
import org.lesionseg.unet.core.predict.TileNetwork;
import org.lesionseg.unet.core.predict.TiledPredictor;
import org.lesionseg.unet.core.predict.UNetTileNetwork;

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

	/**
	 * @param samples validation images at the training size (resize mode), or whole (patch mode)
	 * @param wholeImages true in patch mode: images are tiled, not batched
	 */
	Validation(List<Sample> samples, boolean wholeImages, int batchSize) {
		this.samples = samples;
		this.wholeImages = wholeImages;
		this.batchSize = batchSize;
	}

	boolean isEmpty() {
		return samples.isEmpty();
	}

	/** Loss, pooled Dice, mean Dice, mean IoU, mean accuracy (all NaN without validation images). */
	double[] run(Trainer trainer, Loss loss, ModelInfo info) {
		if (samples.isEmpty())
			return new double[] { Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN };
		List<ImageMetrics> metrics = new ArrayList<>();
		double lossSum = wholeImages ? wholeImages(trainer, loss, info, metrics) : batches(trainer, loss, metrics);
		MetricsSummary summary = new MetricsSummary(metrics);
		return new double[] { lossSum / samples.size(), summary.pooledDice(), summary.meanDice(), summary.meanIou(), summary.meanAccuracy() };
	}

	/**
	 * Batches of images at the training size; returns the sum over samples of the loss. Where libtorch's fast CPU
	 * kernels are off ({@link OneDnnSwitch}), onnxruntime runs the same weights several times faster, as in patch
	 * mode; the loss is then taken on the logits of its probabilities.
	 */
	private double batches(Trainer trainer, Loss loss, List<ImageMetrics> metrics) {
		OnnxTileNetwork onnx = onnxWhereFaster(trainer);
		ByteBuffer input = null;
		try {
			double lossSum = 0;
			for (int from = 0; from < samples.size(); from += batchSize) {
				List<Sample> part = samples.subList(from, Math.min(samples.size(), from + batchSize));
				Batch batch = Batch.of(part);
				int plane = batch.height() * batch.width();
				try (NDManager batchManager = trainer.getManager().newSubManager()) {
					float[] probability;
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

	/** onnxruntime over the block's current weights where it beats libtorch on this device, else null. */
	private static OnnxTileNetwork onnxWhereFaster(Trainer trainer) {
		return OneDnnSwitch.prefersOnnxruntime(trainer.getManager().getDevice())
			? new OnnxTileNetwork(UNetOnnx.export((UNetBlock) trainer.getModel().getBlock(), "unet", "validation"), false, 0) : null;
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

	/** Whole images, tiled and blended as prediction does; the loss is taken on the blended map's logits. */
	private double wholeImages(Trainer trainer, Loss loss, ModelInfo info, List<ImageMetrics> metrics) {
		UNetBlock block = (UNetBlock) trainer.getModel().getBlock();
		OnnxTileNetwork onnx = onnxWhereFaster(trainer);
		TileNetwork network = onnx != null ? onnx : new UNetTileNetwork(block, trainer.getManager());
		try {
			TiledPredictor predictor = new TiledPredictor(network, info, new TiledPredictor.Options());
			double lossSum = 0;
			for (Sample s : samples) {
				float[] probability = predictor.probability(s);
				metrics.add(score(s, probability));
				float[] truth = new float[probability.length];
				byte[] mask = s.maskData();
				for (int i = 0; i < truth.length; i++)
					truth[i] = mask[i] != 0 ? 1f : 0f;
				lossSum += lossOfProbabilities(loss, trainer.getManager(), probability, truth, new Shape(1, 1, s.height(), s.width()));
			}
			return lossSum;
		} finally {
			if (onnx != null)
				onnx.close();
		}
	}

	private static ImageMetrics score(Sample sample, float[] probability) {
		return new ImageMetrics(sample.name(), ConfusionCounts.of(probability, THRESHOLD, sample.maskData()));
	}
}
