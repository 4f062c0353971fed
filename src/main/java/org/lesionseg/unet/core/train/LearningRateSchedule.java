package org.lesionseg.unet.core.train;

/**
 * The learning rate over a training: constant, step, exponential, cosine with warm-up, cyclic triangular or
 * reduce-on-plateau, started from a {@link ScheduleSpec} (parsed once from a short spec such as
 * {@code step:size=5,gamma=0.5}).
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

	private final ScheduleSpec spec;
	private final float baseRate;
	private final int epochs;

	// plateau state
	private float plateauRate;
	private double bestScore = Double.NEGATIVE_INFINITY;
	private int badEpochs;

	LearningRateSchedule(ScheduleSpec spec, float baseRate, int epochs) {
		this.spec = spec;
		this.baseRate = baseRate;
		this.epochs = Math.max(1, epochs);
		this.plateauRate = baseRate;
	}

	/** Parses a spec ({@link ScheduleSpec#parse}) and starts a schedule from it. */
	public static LearningRateSchedule parse(String spec, float learningRate, int epochs) {
		return ScheduleSpec.parse(spec).start(learningRate, epochs);
	}

	public Kind kind() {
		return spec.kind();
	}

	private double param(String key, double fallback) {
		return spec.param(key, fallback);
	}

	/** The rate for a batch: epoch counts from 0, fraction is the position within the epoch in [0, 1). */
	public float rateAt(int epoch, double fraction) {
		double t = epoch + fraction;
		switch (spec.kind()) {
			case STEP:
				return (float) (baseRate * Math.pow(param("gamma", 0.1), Math.floor(epoch / Math.max(1, param("size", 10)))));
			case EXPONENTIAL:
				return (float) (baseRate * Math.pow(param("gamma", 0.95), epoch));
			case COSINE: {
				double warmup = param("warmup", 0), min = param("min", 0);
				if (t < warmup) // starts a little above 0 (a step at rate 0 is wasted), reaches the base rate at the end, never more
					return (float) (baseRate * Math.min(1.0, (t + 1.0 / 64) / warmup));
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

	/** PyTorch ReduceLROnPlateau's default: an improvement must beat the best by this share of it. */
	static final double PLATEAU_RELATIVE_THRESHOLD = 1e-4;

	/**
	 * Tells the schedule the validation score at the end of an epoch: the pooled validation Dice, higher is
	 * better (PyTorch's mode max), compared relatively (threshold_mode rel).
	 */
	public void endOfEpoch(double validationScore) {
		if (spec.kind() != Kind.PLATEAU || Double.isNaN(validationScore))
			return;
		if (validationScore > bestScore * (1 + PLATEAU_RELATIVE_THRESHOLD)) {
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
