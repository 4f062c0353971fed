package org.lesionseg.unet.core.train;

/**
 * Hears a training's progress. The command line prints it, Fiji shows it in the status bar, a log and a live plot.
 * All methods have empty defaults; they are called on the training thread and should return quickly.
 */
public interface TrainingListener {

	/** Once, before the first batch: the device actually used, the data sizes, the network. */
	default void started(String description) {
	}

	/** After each batch; {@code epoch} and {@code batch} count from 1. */
	default void batchDone(int epoch, int epochs, int batch, int batches, double loss) {
	}

	/** After each epoch's validation, with the estimated seconds still to go. */
	default void epochDone(EpochRecord record, int epochs, boolean improved, double etaSeconds) {
	}

	/** After each epoch's model files are written, before {@link #epochDone}: where the epoch's time went. */
	default void epochTimes(EpochTimes times) {
	}

	/** Anything else worth telling the user (checkpoint saved, early stop, warnings). */
	default void message(String text) {
	}
}
