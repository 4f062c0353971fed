package org.lesionseg.unet.core.train;

import java.nio.file.Path;
import java.util.List;

/** How a training ended: where the model is, its history, and whether it was cancelled or stopped early. */
public final class TrainingResult {

	public final Path modelFile;
	public final Path checkpoint;
	public final List<EpochRecord> history;
	public final int bestEpoch;
	public final double bestValDice;
	public final boolean cancelled;
	public final boolean stoppedEarly;
	public final String device;

	public TrainingResult(Path modelFile, Path checkpoint, List<EpochRecord> history, int bestEpoch, double bestValDice, boolean cancelled,
		boolean stoppedEarly, String device) {
		this.modelFile = modelFile;
		this.checkpoint = checkpoint;
		this.history = history;
		this.bestEpoch = bestEpoch;
		this.bestValDice = bestValDice;
		this.cancelled = cancelled;
		this.stoppedEarly = stoppedEarly;
		this.device = device;
	}
}
