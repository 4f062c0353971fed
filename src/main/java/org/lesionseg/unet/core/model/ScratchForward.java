package org.lesionseg.unet.core.model;

import java.util.function.Function;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * Runs a network's forward pass with its intermediate arrays in a scratch manager that is closed when the output is
 * ready, so that only the output stays with the caller.
 * <p>
 * Why: in DJL every intermediate array lives until its manager closes (for a training step, the end of the step),
 * while PyTorch frees an intermediate when the last Python reference goes. Autograd keeps what backward needs either
 * way; what DJL's handles kept on top of that (BatchNorm outputs before ReLU, pooling results, concatenations, and
 * every saved activation after backward has used it) raised the peak memory of a step. Closing a handle only drops
 * Java's reference to the tensor: autograd's own references keep gradients exact.
 */
final class ScratchForward {

	private ScratchForward() {
	}

	static NDList run(NDList inputs, Function<NDList, NDList> forward) {
		NDManager owner = inputs.head().getManager();
		try (NDManager scratch = owner.newSubManager()) {
			for (NDArray input : inputs)
				input.tempAttach(scratch); // results of operations go to their first operand's manager: the scratch one
			NDList output = forward.apply(inputs);
			output.attach(owner);
			return output;
		}
	}
}
