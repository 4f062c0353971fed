package org.lesionseg.unet.core.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.ToDoubleBiFunction;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.loss.Loss;

/** Runs a loss on small arrays with the PyTorch engine and compares it with a plain double implementation. */
final class LossTestSupport {

	/** One 2x2 image. */
	static final Shape SMALL = new Shape(1, 1, 2, 2);
	/** Two 3x3 images. */
	static final Shape BATCH = new Shape(2, 1, 3, 3);

	/** Logits of a 2x1x3x3 batch, fixed seed, in [-3, 3]. */
	static final float[] BATCH_LOGITS = randomLogits(18, 42L);
	/** Targets of the batch: a lesion in each image. */
	static final float[] BATCH_TARGETS = {
			0, 1, 1, 0, 1, 0, 0, 0, 0, //
			1, 0, 0, 0, 0, 0, 0, 1, 1};
	/** Targets with an empty second image. */
	static final float[] BATCH_TARGETS_ONE_EMPTY = {
			0, 1, 1, 0, 1, 0, 0, 0, 0, //
			0, 0, 0, 0, 0, 0, 0, 0, 0};

	private LossTestSupport() {
	}

	static float[] randomLogits(int count, long seed) {
		Random random = new Random(seed);
		float[] logits = new float[count];
		for (int i = 0; i < count; i++) {
			logits[i] = (float) (random.nextDouble() * 6 - 3);
		}
		return logits;
	}

	/** The loss value for the given logits and targets. */
	static float value(Loss loss, float[] logits, float[] targets, Shape shape) {
		try (NDManager manager = NDManager.newBaseManager()) {
			NDArray x = manager.create(logits, shape);
			NDArray y = manager.create(targets, shape);
			NDArray result = loss.evaluate(new NDList(y), new NDList(x));
			assertEquals(0, result.getShape().dimension(), "loss must be a scalar");
			assertEquals(DataType.FLOAT32, result.getDataType(), "loss must stay float32");
			return result.getFloat();
		}
	}

	/** The gradient of the loss with respect to the logits, by DJL's autograd on the PyTorch engine. */
	static float[] gradient(Loss loss, float[] logits, float[] targets, Shape shape) {
		try (NDManager manager = NDManager.newBaseManager()) {
			NDArray x = manager.create(logits, shape);
			x.setRequiresGradient(true);
			NDArray y = manager.create(targets, shape);
			try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
				NDArray result = loss.evaluate(new NDList(y), new NDList(x));
				collector.backward(result);
			}
			return x.getGradient().toFloatArray();
		}
	}

	/** Splits a flat (N,1,H,W) array into [image][pixel] doubles. */
	static double[][] rows(float[] flat, Shape shape) {
		int n = (int) shape.get(0);
		int p = flat.length / n;
		double[][] rows = new double[n][p];
		for (int i = 0; i < flat.length; i++) {
			rows[i / p][i % p] = flat[i];
		}
		return rows;
	}

	/** Value of a reference implementation. */
	static double reference(ToDoubleBiFunction<double[][], double[][]> reference, float[] logits, float[] targets,
			Shape shape) {
		return reference.applyAsDouble(rows(logits, shape), rows(targets, shape));
	}

	/** Central differences of a reference implementation in double precision. */
	static double[] numericGradient(ToDoubleBiFunction<double[][], double[][]> reference, float[] logits,
			float[] targets, Shape shape, double step) {
		double[][] x = rows(logits, shape);
		double[][] y = rows(targets, shape);
		int p = x[0].length;
		double[] gradient = new double[logits.length];
		for (int i = 0; i < logits.length; i++) {
			double original = x[i / p][i % p];
			x[i / p][i % p] = original + step;
			double plus = reference.applyAsDouble(x, y);
			x[i / p][i % p] = original - step;
			double minus = reference.applyAsDouble(x, y);
			x[i / p][i % p] = original;
			gradient[i] = (plus - minus) / (2 * step);
		}
		return gradient;
	}

	/** Checks value and autograd gradient of a loss against the reference on the fixed batch. */
	static void assertMatchesReference(Loss loss, ToDoubleBiFunction<double[][], double[][]> reference,
			float[] logits, float[] targets, Shape shape) {
		double expected = reference(reference, logits, targets, shape);
		assertEquals(expected, value(loss, logits, targets, shape), 1e-5 + 1e-5 * Math.abs(expected),
				"value of " + loss.getName());
		float[] autograd = gradient(loss, logits, targets, shape);
		double[] numeric = numericGradient(reference, logits, targets, shape, 1e-4);
		double norm = 0;
		for (int i = 0; i < autograd.length; i++) {
			assertTrue(Float.isFinite(autograd[i]), "finite gradient");
			assertEquals(numeric[i], autograd[i], 2e-5 + 2e-3 * Math.abs(numeric[i]),
					"gradient of " + loss.getName() + " at pixel " + i);
			norm += autograd[i] * (double) autograd[i];
		}
		assertTrue(norm > 1e-8, "gradient of " + loss.getName() + " must not vanish, norm^2 " + norm);
	}

	/** Checks that value and gradient stay finite for huge logits, right and wrong, and for an empty target. */
	static void assertFiniteForExtremeLogits(Loss loss) {
		float[] logits = {100, -100, 50, -50, 0, 1e-3f, -100, 100, 50, //
				-50, -50, -50, -50, -50, -50, -50, -50, -50};
		float[][] targetSets = {BATCH_TARGETS, BATCH_TARGETS_ONE_EMPTY, new float[18], ones(18)};
		for (float[] targets : targetSets) {
			float value = value(loss, logits, targets, BATCH);
			assertTrue(Float.isFinite(value), loss.getName() + " value finite: " + value);
			for (float g : gradient(loss, logits, targets, BATCH)) {
				assertTrue(Float.isFinite(g), loss.getName() + " gradient finite: " + g);
			}
		}
	}

	static float[] ones(int count) {
		float[] ones = new float[count];
		java.util.Arrays.fill(ones, 1f);
		return ones;
	}

	/** Logits of a perfect, confident prediction: +50 on the lesion, -50 elsewhere. */
	static float[] perfectLogits(float[] targets) {
		float[] logits = new float[targets.length];
		for (int i = 0; i < targets.length; i++) {
			logits[i] = targets[i] > 0.5f ? 50f : -50f;
		}
		return logits;
	}
}
