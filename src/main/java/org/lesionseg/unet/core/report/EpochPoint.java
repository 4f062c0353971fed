package org.lesionseg.unet.core.report;

/**
 * One epoch of a training history, as plotted by {@link Curves}: the mean training loss, the validation
 * loss and the validation Dice. A value that was not measured (no validation set, say) is NaN.
 */
public final class EpochPoint {

	private final int epoch;
	private final double trainLoss;
	private final double validationLoss;
	private final double validationDice;

	public EpochPoint(int epoch, double trainLoss, double validationLoss, double validationDice) {
		this.epoch = epoch;
		this.trainLoss = trainLoss;
		this.validationLoss = validationLoss;
		this.validationDice = validationDice;
	}

	/** The epoch number as shown to the user (usually 1-based). */
	public int epoch() {
		return epoch;
	}

	public double trainLoss() {
		return trainLoss;
	}

	/** NaN when there was no validation. */
	public double validationLoss() {
		return validationLoss;
	}

	/** NaN when there was no validation. */
	public double validationDice() {
		return validationDice;
	}
}
