package org.lesionseg.unet.core.train;

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

	/** Batches of images at the training size; returns the sum over samples of the loss. */
	private double batches(Trainer trainer, Loss loss, List<ImageMetrics> metrics) {
		double lossSum = 0;
		for (int from = 0; from < samples.size(); from += batchSize) {
			List<Sample> part = samples.subList(from, Math.min(samples.size(), from + batchSize));
			Batch batch = Batch.of(part);
			try (NDManager batchManager = trainer.getManager().newSubManager()) {
				NDArray x = batchManager.create(batch.images(), new Shape(batch.imageShape()));
				NDArray y = batchManager.create(batch.masks(), new Shape(batch.maskShape()));
				NDArray logits = trainer.evaluate(new NDList(x)).singletonOrThrow();
				// the loss is the batch's mean: weighted by its samples, a short last batch counts as much as it holds
				lossSum += loss.evaluate(new NDList(y), new NDList(logits)).getFloat() * batch.size();
				float[] probability = logits.getNDArrayInternal().sigmoid().toFloatArray();
				int plane = batch.height() * batch.width();
				for (int i = 0; i < batch.size(); i++)
					metrics.add(score(part.get(i), Arrays.copyOfRange(probability, i * plane, (i + 1) * plane)));
			}
		}
		return lossSum;
	}

	/** Whole images, tiled and blended as prediction does; the loss is taken on the blended map's logits. */
	private double wholeImages(Trainer trainer, Loss loss, ModelInfo info, List<ImageMetrics> metrics) {
		UNetBlock block = (UNetBlock) trainer.getModel().getBlock();
		// where libtorch's fast CPU kernels are off (OneDnnSwitch), onnxruntime runs the same weights several times faster
		OnnxTileNetwork onnx = OneDnnSwitch.prefersOnnxruntime(trainer.getManager().getDevice())
			? new OnnxTileNetwork(UNetOnnx.export(block, "unet", "validation"), false, 0) : null;
		TileNetwork network = onnx != null ? onnx : new UNetTileNetwork(block, trainer.getManager());
		try {
			TiledPredictor predictor = new TiledPredictor(network, info, new TiledPredictor.Options());
			double lossSum = 0;
			for (Sample s : samples) {
				float[] probability = predictor.probability(s);
				metrics.add(score(s, probability));
				try (NDManager imageManager = trainer.getManager().newSubManager()) {
					Shape shape = new Shape(1, 1, s.height(), s.width());
					float[] truth = new float[probability.length], logits = new float[probability.length];
					byte[] mask = s.maskData();
					for (int i = 0; i < truth.length; i++) {
						truth[i] = mask[i] != 0 ? 1f : 0f;
						double p = Math.min(1 - 1e-7, Math.max(1e-7, probability[i]));
						logits[i] = (float) (Math.log(p) - Math.log1p(-p));
					}
					lossSum += loss.evaluate(new NDList(imageManager.create(truth, shape)), new NDList(imageManager.create(logits, shape))).getFloat();
				}
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
