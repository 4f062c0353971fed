package org.lesionseg.unet.core.modelfile;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes the network weights straight into the model file, so that large weights never exist twice in
 * memory. For DJL: {@code out -> block.saveParameters(new DataOutputStream(out))}.
 * <p>
 * The stream must not be closed by the writer (closing it is harmless: it is ignored). If the writer
 * throws, nothing is saved and an existing model file at the target stays as it was.
 */
@FunctionalInterface
public interface WeightsWriter {

	/** Writes all weight bytes to {@code out}. */
	void write(OutputStream out) throws IOException;
}
