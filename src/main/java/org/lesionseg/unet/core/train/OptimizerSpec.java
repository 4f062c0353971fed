package org.lesionseg.unet.core.train;

import org.lesionseg.unet.core.UnetException;

/**
 * An optimizer as chosen, checked once: its update rule, momentum, weight decay and RMSProp's {@code centered}.
 * Values not given take the rule's own default, as in torch.optim: weight decay 0.01 for AdamW and 0 otherwise;
 * momentum 0.9 for momentum and Nesterov SGD (our defaults for those named rules) and 0 for RMSProp.
 */
public final class OptimizerSpec {

	/** torch.optim.AdamW's default weight decay. */
	public static final float ADAMW_DEFAULT_WEIGHT_DECAY = 0.01f;
	/** Momentum of the momentum and Nesterov rules when none is given. */
	public static final float DEFAULT_MOMENTUM = 0.9f;

	private final TrainingOptimizer.Kind kind;
	private final float momentum;
	private final float weightDecay;
	private final boolean centered;

	private OptimizerSpec(TrainingOptimizer.Kind kind, float momentum, float weightDecay, boolean centered) {
		this.kind = kind;
		this.momentum = momentum;
		this.weightDecay = weightDecay;
		this.centered = centered;
	}

	/**
	 * @param momentum null for the rule's default
	 * @param weightDecay null for the rule's default
	 * @throws UnetException naming an unknown optimizer or a value out of range
	 */
	public static OptimizerSpec of(String name, Float momentum, Float weightDecay, boolean centered) {
		return of(TrainingOptimizer.Kind.fromName(name == null ? "" : name), momentum, weightDecay, centered);
	}

	public static OptimizerSpec of(TrainingOptimizer.Kind kind, Float momentum, Float weightDecay, boolean centered) {
		float wd = weightDecay != null ? weightDecay : kind == TrainingOptimizer.Kind.ADAMW ? ADAMW_DEFAULT_WEIGHT_DECAY : 0f;
		float m = momentum != null ? momentum
			: kind == TrainingOptimizer.Kind.MOMENTUM || kind == TrainingOptimizer.Kind.NESTEROV ? DEFAULT_MOMENTUM : 0f;
		if (!(wd >= 0) || !Float.isFinite(wd))
			throw new UnetException("weight decay must not be negative, got " + wd);
		if (!(m >= 0 && m < 1))
			throw new UnetException("momentum must be in [0, 1), got " + m);
		if (centered && kind != TrainingOptimizer.Kind.RMSPROP)
			throw new UnetException("centered applies to the rmsprop optimizer only, not " + kind.key());
		return new OptimizerSpec(kind, m, wd, centered);
	}

	public TrainingOptimizer.Kind kind() {
		return kind;
	}

	/** The momentum used (the rule's default when none was given). */
	public float momentum() {
		return momentum;
	}

	/** The weight decay used (the rule's default when none was given). */
	public float weightDecay() {
		return weightDecay;
	}

	public boolean centered() {
		return centered;
	}

	@Override
	public String toString() {
		return kind.key() + " (momentum " + momentum + ", weight decay " + weightDecay + (centered ? ", centered" : "") + ")";
	}
}
