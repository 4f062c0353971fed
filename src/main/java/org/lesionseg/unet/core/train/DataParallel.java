package org.lesionseg.unet.core.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;

/**
 * Training on several devices, as PyTorch's DataParallel does it: the batch is split over the devices (sizes differ
 * by at most one, so every sample is used), each device runs forward and backward on its slice with a replica of
 * the weights, the replicas' gradients are summed onto the block's own parameters, the one optimizer updates those
 * (so there is one optimizer state, saved and resumed like a single device's), and the updated weights and
 * BatchNorm statistics are copied back to every replica. The replicas therefore hold the block's weights after
 * every step, whatever initialisation or checkpoint the block started from.
 * <p>
 * Replica 0 is the block's own arrays (on the first device); the others are copies held by a {@link Replica}.
 * Copies are made with {@code duplicate()} on the same device (the engine's {@code toDevice} would alias the
 * tensor there), so tests run this path on the CPU with the CPU listed several times.
 */
final class DataParallel {

	private final Block block;
	private final Device[] devices;
	private final ParameterStore[] stores;

	/** @param manager the training's manager (on the first device); the replicas' memory goes when it closes */
	DataParallel(Block block, Device[] devices, NDManager manager) {
		this.block = block;
		this.devices = devices.clone();
		this.stores = new ParameterStore[devices.length];
		stores[0] = new ParameterStore(manager, false);
		for (int d = 1; d < devices.length; d++)
			stores[d] = new Replica(manager.newSubManager(devices[d]), devices[d]);
		broadcast();
	}

	int deviceCount() {
		return devices.length;
	}

	/** How many samples of a batch of {@code n} each device takes: 16 over 3 devices gives 6, 5, 5. */
	static int[] sliceSizes(int n, int devices) {
		int[] sizes = new int[devices];
		for (int d = 0; d < devices; d++)
			sizes[d] = n / devices + (d < n % devices ? 1 : 0);
		return sizes;
	}

	/**
	 * Forward and backward of a batch over the devices. Each slice's loss is weighted by its share of the batch, so
	 * the gradients sum to those of the batch's mean loss. Leaves the summed gradients on the block's own
	 * parameters (and none on the replicas) when the loss is finite, no gradient at all otherwise.
	 *
	 * @return the batch's loss
	 */
	double forwardBackward(GradientCollector collector, Loss loss, NDArray x, NDArray y) {
		int n = (int) x.getShape().get(0);
		int[] sizes = sliceSizes(n, devices.length);
		double value = 0;
		int from = 0, used = 0;
		for (int d = 0; d < devices.length && sizes[d] > 0; d++, used++) {
			NDIndex slice = new NDIndex(from + ":" + (from + sizes[d]));
			from += sizes[d];
			NDArray xd = x.get(slice).toDevice(devices[d], false);
			NDArray yd = y.get(slice).toDevice(devices[d], false);
			NDArray logits = block.forward(stores[d], new NDList(xd), true).singletonOrThrow();
			NDArray l = loss.evaluate(new NDList(yd), new NDList(logits)).mul(sizes[d] / (float) n);
			double part = l.getFloat();
			value += part;
			if (Double.isFinite(part))
				collector.backward(l);
		}
		if (Double.isFinite(value))
			gatherGradients(used);
		else
			clearGradients(used);
		return value;
	}

	/** Copies the block's weights and statistics to every replica (after each update, and once at the start). */
	void broadcast() {
		for (Parameter p : block.getParameters().values()) {
			NDArray own = p.getArray();
			for (int d = 1; d < devices.length; d++) {
				NDArray replica = stores[d].getValue(p, devices[d], true);
				NDArray source = own.toDevice(devices[d], false);
				replica.set(new NDIndex("..."), source);
				if (source != own)
					source.close();
			}
		}
	}

	/** The replica of a parameter on device {@code d} (0: the block's own array); for tests. */
	NDArray replica(Parameter p, int d) {
		return stores[d].getValue(p, devices[d], true);
	}

	/** Sums the gradients of the replicas that took part onto the block's own, and clears theirs. */
	private void gatherGradients(int used) {
		for (Parameter p : block.getParameters().values()) {
			NDArray own = p.getArray();
			if (!p.requiresGradient() || !own.hasGradient())
				continue;
			try (NDArray sum = own.getGradient()) {
				for (int d = 1; d < used; d++) {
					NDArray replica = stores[d].getValue(p, devices[d], true);
					try (NDArray grad = replica.getGradient(); NDArray onFirst = grad.toDevice(devices[0], true)) {
						sum.addi(onFirst);
					}
					zeroGradient(replica);
				}
			}
		}
	}

	/** After a non-finite loss: no weight may change, so every gradient that was computed goes. */
	private void clearGradients(int used) {
		for (Parameter p : block.getParameters().values()) {
			if (!p.requiresGradient())
				continue;
			for (int d = 0; d < used; d++)
				zeroGradient(stores[d].getValue(p, devices[d], true));
		}
	}

	private static void zeroGradient(NDArray array) {
		if (!array.hasGradient())
			return;
		try {
			if (array instanceof PtNDArray) {
				JniUtils.zeroGrad((PtNDArray) array); // zero_() in place: also clears NaN and infinity
				return;
			}
			try (NDArray grad = array.getGradient()) {
				grad.muli(0f);
			}
		} catch (ai.djl.engine.EngineException e) {
			// no backward has reached this array yet: there is no gradient to clear
		}
	}

	/** A copy of every parameter on one device, made on first use and kept; forward passes read it like DJL's store. */
	private static final class Replica extends ParameterStore {

		private final NDManager manager;
		private final Device device;
		private final java.util.Map<String, NDArray> copies = new java.util.HashMap<>();

		Replica(NDManager manager, Device device) {
			super(manager, true);
			this.manager = manager;
			this.device = device;
		}

		@Override
		public NDArray getValue(Parameter parameter, Device requested, boolean training) {
			if (parameter == null)
				return null;
			return copies.computeIfAbsent(parameter.getId(), id -> {
				NDArray own = parameter.getArray();
				NDArray copy = own.getDevice().equals(device) ? own.duplicate() : own.toDevice(device, true);
				copy.attach(manager);
				if (parameter.requiresGradient())
					copy.setRequiresGradient(true);
				return copy;
			});
		}
	}
}
