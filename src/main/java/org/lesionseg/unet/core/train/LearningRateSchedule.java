package org.lesionseg.unet.core.train;

import java.util.Locale;
import java.util.Map;

import org.lesionseg.unet.core.UnetException;

/**
 * The learning rate over a training: constant, step, exponential, cosine with warm-up, cyclic triangular or
 * reduce-on-plateau, parsed from a short spec such as {@code step:size=5,gamma=0.5}.
 * <p>
 * Epoch-based schedules change the rate at epoch boundaries like PyTorch's StepLR and ExponentialLR; cosine,
 * warm-up and cyclic move it every batch. Plateau watches the validation Dice reported after each epoch.
 * The state that changes during training (plateau's current rate) is saved with checkpoints.
 */
public final class LearningRateSchedule {

	/** The schedule kinds and the keys each accepts. */
	public enum Kind {
		CONSTANT(""), STEP("size,gamma"), EXPONENTIAL("gamma"), COSINE("warmup,min"), CYCLIC("base,max,half"), PLATEAU("factor,patience,min");

		final String keys;

		Kind(String keys) {
			this.keys = keys;
		}
	}

	private final Kind kind;
	private final float baseRate;
	private final int epochs;
	private final Map<String, Double> params;

	// plateau state
	private float plateauRate;
	private double bestScore = Double.NEGATIVE_INFINITY;
	private int badEpochs;

	private LearningRateSchedule(Kind kind, float baseRate, int epochs, Map<String, Double> params) {
		this.kind = kind;
		this.baseRate = baseRate;
		this.epochs = Math.max(1, epochs);
		this.params = params;
		this.plateauRate = baseRate;
	}

	/**
	 * Parses {@code name[:key=value,...]}: {@code constant}, {@code step:size=10,gamma=0.1},
	 * {@code exponential:gamma=0.95}, {@code cosine:warmup=1,min=0}, {@code cyclic:base=1e-5,max=1e-3,half=2}
	 * (half-cycle in epochs), {@code plateau:factor=0.5,patience=3,min=1e-7}.
	 */
	public static LearningRateSchedule parse(String spec, float learningRate, int epochs) {
		String text = spec == null || spec.trim().isEmpty() ? "constant" : spec.trim().toLowerCase(Locale.ROOT);
		String name = text.contains(":") ? text.substring(0, text.indexOf(':')) : text;
		Kind kind = null;
		for (Kind k : Kind.values())
			if (k.name().equalsIgnoreCase(name) || (k == Kind.CONSTANT && name.equals("none")) || (k == Kind.STEP && name.equals("steplr"))
				|| (k == Kind.EXPONENTIAL && name.equals("exponentiallr")))
				kind = k;
		if (kind == null)
			throw new UnetException("unknown learning-rate schedule '" + name + "': use constant, step, exponential, cosine, cyclic or plateau");
		Map<String, Double> params = KeyValues.parse(text.contains(":") ? text.substring(text.indexOf(':') + 1) : "", kind.keys,
			"schedule " + kind.name().toLowerCase(Locale.ROOT));
		return new LearningRateSchedule(kind, learningRate, epochs, params);
	}

	public Kind kind() {
		return kind;
	}

	private double param(String key, double fallback) {
		return params.getOrDefault(key, fallback);
	}

	/** The rate for a batch: epoch counts from 0, fraction is the position within the epoch in [0, 1). */
	public float rateAt(int epoch, double fraction) {
		double t = epoch + fraction;
		switch (kind) {
			case STEP:
				return (float) (baseRate * Math.pow(param("gamma", 0.1), Math.floor(epoch / Math.max(1, param("size", 10)))));
			case EXPONENTIAL:
				return (float) (baseRate * Math.pow(param("gamma", 0.95), epoch));
			case COSINE: {
				double warmup = param("warmup", 0), min = param("min", 0);
				if (t < warmup)
					return (float) (baseRate * (t + 1.0 / 64) / warmup);
				double progress = (t - warmup) / Math.max(1e-9, epochs - warmup);
				return (float) (min + (baseRate - min) * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress))));
			}
			case CYCLIC: {
				double low = param("base", baseRate / 10), high = param("max", baseRate), half = param("half", 2);
				double cyclePosition = t / half;
				double x = Math.abs(cyclePosition % 2 - 1); // 1 at cycle start, 0 at peak
				return (float) (low + (high - low) * (1 - x));
			}
			case PLATEAU:
				return plateauRate;
			default:
				return baseRate;
		}
	}

	/** Tells the schedule the validation score (Dice, higher is better) at the end of an epoch. */
	public void endOfEpoch(double validationScore) {
		if (kind != Kind.PLATEAU || Double.isNaN(validationScore))
			return;
		if (validationScore > bestScore + 1e-4) {
			bestScore = validationScore;
			badEpochs = 0;
		} else if (++badEpochs > param("patience", 3)) {
			plateauRate = (float) Math.max(param("min", 1e-7), plateauRate * param("factor", 0.5));
			badEpochs = 0;
		}
	}

	/** The changing state, for checkpoints. */
	public double[] state() {
		return new double[] { plateauRate, bestScore, badEpochs };
	}

	public void restore(double[] state) {
		if (state != null && state.length == 3) {
			plateauRate = (float) state[0];
			bestScore = state[1];
			badEpochs = (int) state[2];
		}
	}
}
