package org.lesionseg.unet.core.modelfile;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

import ai.djl.ndarray.NDManager;

/**
 * An optimizer whose state (moments, step counts) a checkpoint carries. Defined here so that the model file
 * knows nothing of the trainer's classes; the trainer's optimizer implements it.
 */
public interface OptimizerState {

	/** Writes the state; {@link #loadState} must read back exactly what this writes. */
	void saveState(DataOutputStream out) throws IOException;

	/** Restores what {@link #saveState} wrote, with arrays on the manager's device. */
	void loadState(DataInputStream in, NDManager manager) throws IOException;
}
