package org.lesionseg.unet.core.train;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.modelfile.OptimizerState;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.util.Pair;

/**
 * The optimizers of the original workflow with PyTorch's update rules (torch.optim defaults and epsilon
 * placement): SGD, SGD with momentum, Nesterov, AdaGrad, RMSProp, Adam, AdamW and AdaDelta.
 * <p>
 * Written here rather than taken from DJL so that the state (moments, step counts) can be saved in a
 * checkpoint and a resumed training continues exactly. On the CPU each parameter is updated in one fused pass
 * over its weight, gradient and moments, in place and on all cores (no temporaries); elsewhere (GPU) the update
 * is a chain of in-place array operations whose temporaries are freed at once. PyTorch's autograd adds to
 * gradients and DJL has no zero_grad, so every update clears the parameter's own gradient (DJL's
 * {@code trainer.step()} hands {@link #update} a copy of it, so the update clears the parameter's own). Weight
 * decay is L2 (added to the gradient) except for AdamW, where it is decoupled. RMSProp follows torch.optim.RMSprop
 * with its momentum buffer and, when centered, the running mean of the gradient.
 */
public final class TrainingOptimizer extends Optimizer implements OptimizerState {

	/** The available update rules. */
	public enum Kind {
		SGD, MOMENTUM, NESTEROV, ADAGRAD, RMSPROP, ADAM, ADAMW, ADADELTA;

		public static Kind fromName(String name) {
			String n = name.trim().toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
			switch (n) {
				case "sgdmomentum":
				case "momentum":
					return MOMENTUM;
				case "nag":
				case "nesterov":
					return NESTEROV;
				default:
					for (Kind k : values())
						if (k.name().equalsIgnoreCase(n))
							return k;
			}
			throw new UnetException("unknown optimizer '" + name + "': use sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw or adadelta");
		}

		public String key() {
			return name().toLowerCase(Locale.ROOT);
		}
	}

	private final Kind kind;
	private final float weightDecay;
	private final float momentum;
	private final boolean centered;
	private final LearningRate learningRate;
	/** Parameter id → stable name (the block path), so saved state finds its parameter again after a reload. */
	private final Map<String, String> namesById = new HashMap<>();
	private final Map<String, NDArray[]> stateByName = new LinkedHashMap<>();
	private final Map<String, Integer> stepsByName = new HashMap<>();

	private final Map<String, Boolean> inPlaceByName = new HashMap<>();
	private boolean fusedCpu = true;
	private long fusedUpdates;

	// torch.optim's defaults; like PyTorch, (1 - beta) and the bias corrections are formed in double precision
	static final double BETA1 = 0.9, BETA2 = 0.999;
	static final float ADAM_EPS = 1e-8f;
	static final double RMSPROP_ALPHA = 0.99;
	static final float RMSPROP_EPS = 1e-8f;
	static final float ADAGRAD_EPS = 1e-10f;
	static final double ADADELTA_RHO = 0.9;
	static final float ADADELTA_EPS = 1e-6f;

	/** Supplies the current learning rate (the trainer moves it with its schedule). */
	public interface LearningRate {
		float current();
	}

	public TrainingOptimizer(OptimizerSpec spec, LearningRate learningRate, Block block) {
		super(new Builder());
		this.kind = spec.kind();
		this.learningRate = learningRate;
		this.weightDecay = spec.weightDecay();
		this.momentum = spec.momentum();
		this.centered = spec.centered();
		for (Pair<String, Parameter> p : block.getParameters())
			namesById.put(p.getValue().getId(), p.getKey());
	}

	public TrainingOptimizer(Kind kind, LearningRate learningRate, float weightDecay, float momentum, Block block) {
		this(OptimizerSpec.of(kind, momentum, weightDecay, false), learningRate, block);
	}

	public Kind kind() {
		return kind;
	}

	/**
	 * Updates every trainable parameter of a block (on one device) from its gradient, and clears the gradients for
	 * the next step. This is {@code trainer.step()} without DJL's copy of every gradient: on the CPU each parameter
	 * is updated in a single pass over its memory.
	 */
	public void updateAll(Block block) {
		for (Parameter parameter : block.getParameters().values()) {
			NDArray weight = parameter.getArray();
			if (!parameter.requiresGradient() || weight == null || !weight.hasGradient())
				continue;
			try (NDArray grad = weight.getGradient()) {
				apply(parameter.getId(), weight, grad, true);
			}
		}
	}

	/**
	 * DJL's entry point (used by {@code trainer.step()}). DJL passes a copy of the gradient,
	 * so the parameter's own gradient is cleared here as well; PyTorch's autograd would otherwise keep adding to it.
	 */
	@Override
	public void update(String parameterId, NDArray weight, NDArray grad) {
		apply(parameterId, weight, grad, false);
	}

	/** Test hook: false forces the generic array operations even where the fused CPU pass applies. */
	void setFusedCpu(boolean fused) {
		this.fusedCpu = fused;
	}

	/** How many parameter updates took the fused CPU pass (for tests). */
	long fusedUpdates() {
		return fusedUpdates;
	}

	private void apply(String parameterId, NDArray weight, NDArray grad, boolean gradIsParametersOwn) {
		// one state per parameter: several devices are trained through DataParallel, which updates the block's own weights only
		String name = namesById.getOrDefault(parameterId, parameterId);
		int step = stepsByName.merge(name, 1, Integer::sum);
		float lr = learningRate.current();
		NDArray[] s = stateCount() == 0 ? new NDArray[0] : state(name, weight, stateCount());
		if (fusedCpu && CpuUpdate.applies(name, weight, grad, s, inPlaceByName)) {
			CpuUpdate.run(new Rule(kind, step, lr, weightDecay, momentum, centered), weight, grad, s, gradIsParametersOwn);
			fusedUpdates++;
			if (!gradIsParametersOwn)
				clearGradient(weight);
			return;
		}
		updateWithArrays(step, lr, weight, grad, s);
		clearGradient(weight);
	}

	/** The update with NDArray operations, for any device. */
	@SuppressWarnings("try") // the scope is never named: closing it frees the intermediate arrays
	private void updateWithArrays(int step, float lr, NDArray weight, NDArray grad, NDArray[] s) {
		try (NDScope scope = new NDScope()) {
			NDArray g = grad;
			if (weightDecay != 0f && kind != Kind.ADAMW)
				g = grad.add(weight.mul(weightDecay));
			switch (kind) {
				case SGD:
					weight.subi(g.mul(lr));
					break;
				case MOMENTUM:
				case NESTEROV: {
					NDArray buf = s[0];
					if (step == 1)
						buf.addi(g);
					else
						buf.muli(momentum).addi(g);
					NDArray direction = kind == Kind.NESTEROV ? g.add(buf.mul(momentum)) : buf;
					weight.subi(direction.mul(lr));
					break;
				}
				case ADAGRAD: {
					NDArray sum = s[0];
					sum.addi(g.square());
					weight.subi(g.div(sum.sqrt().addi(ADAGRAD_EPS)).muli(lr));
					break;
				}
				case RMSPROP: {
					NDArray sq = s[0];
					sq.muli((float) RMSPROP_ALPHA).addi(g.square().muli((float) (1 - RMSPROP_ALPHA)));
					NDArray avg;
					if (centered) {
						NDArray gradAvg = s[rmspropGradAvgSlot()];
						gradAvg.muli((float) RMSPROP_ALPHA).addi(g.mul((float) (1 - RMSPROP_ALPHA)));
						avg = sq.sub(gradAvg.square()).maximum(0f).sqrt().addi(RMSPROP_EPS); // >= 0 in exact arithmetic; rounding may not be
					} else {
						avg = sq.sqrt().addi(RMSPROP_EPS);
					}
					if (momentum > 0) {
						NDArray buf = s[1];
						buf.muli(momentum).addi(g.div(avg));
						weight.subi(buf.mul(lr));
					} else {
						weight.subi(g.div(avg).muli(lr));
					}
					break;
				}
				case ADAM:
				case ADAMW: {
					if (kind == Kind.ADAMW && weightDecay != 0f)
						weight.muli(1f - lr * weightDecay);
					s[0].muli((float) BETA1).addi(g.mul((float) (1 - BETA1)));
					s[1].muli((float) BETA2).addi(g.square().muli((float) (1 - BETA2)));
					double bias1 = 1 - Math.pow(BETA1, step);
					double bias2 = 1 - Math.pow(BETA2, step);
					float stepSize = (float) (lr / bias1);
					// PyTorch: denom = sqrt(v) / sqrt(bias2) + eps
					NDArray denom = s[1].sqrt().divi((float) Math.sqrt(bias2)).addi(ADAM_EPS);
					weight.subi(s[0].div(denom).muli(stepSize));
					break;
				}
				case ADADELTA: {
					s[0].muli((float) ADADELTA_RHO).addi(g.square().muli((float) (1 - ADADELTA_RHO)));
					NDArray delta = s[1].add(ADADELTA_EPS).sqrt().divi(s[0].add(ADADELTA_EPS).sqrt()).muli(g);
					s[1].muli((float) ADADELTA_RHO).addi(delta.square().muli((float) (1 - ADADELTA_RHO)));
					weight.subi(delta.muli(lr));
					break;
				}
				default:
					throw new IllegalStateException(kind.name());
			}
		}
	}

	/**
	 * Moments (or sums) kept per parameter by each rule. RMSProp keeps its squared average in slot 0, then the
	 * momentum buffer when momentum is used, then the gradient average when centered.
	 */
	private int stateCount() {
		switch (kind) {
			case SGD:
				return 0;
			case ADAM:
			case ADAMW:
			case ADADELTA:
				return 2;
			case RMSPROP:
				return 1 + (momentum > 0 ? 1 : 0) + (centered ? 1 : 0);
			default:
				return 1;
		}
	}

	private int rmspropGradAvgSlot() {
		return momentum > 0 ? 2 : 1;
	}

	/** Clears the weight's own gradient for the next step: DJL has no zero_grad and PyTorch's autograd accumulates. */
	private static void clearGradient(NDArray weight) {
		if (weight instanceof PtNDArray) {
			JniUtils.zeroGrad((PtNDArray) weight); // zero_() in place: also clears NaN and infinity
			return;
		}
		try (NDArray own = weight.getGradient()) {
			own.muli(0f);
		}
	}

	private NDArray[] state(String name, NDArray weight, int count) {
		NDArray[] s = stateByName.get(name);
		if (s == null) {
			s = new NDArray[count];
			for (int i = 0; i < count; i++) {
				s[i] = weight.zerosLike();
				NDScope.unregister(s[i]); // lives as long as the optimizer, not the update
			}
			stateByName.put(name, s);
		}
		return s;
	}

	/** Writes the step counts and moments, keyed by parameter name. */
	@Override
	public void saveState(DataOutputStream out) throws IOException {
		out.writeUTF(kind.name());
		out.writeInt(stateByName.size());
		for (Map.Entry<String, NDArray[]> e : stateByName.entrySet()) {
			out.writeUTF(e.getKey());
			out.writeInt(stepsByName.getOrDefault(e.getKey(), 0));
			out.writeInt(e.getValue().length);
			for (NDArray a : e.getValue()) {
				long[] shape = a.getShape().getShape();
				out.writeInt(shape.length);
				for (long d : shape)
					out.writeLong(d);
				float[] values = a.toFloatArray();
				byte[] bytes = new byte[values.length * 4];
				java.nio.ByteBuffer.wrap(bytes).asFloatBuffer().put(values);
				out.write(bytes);
			}
		}
		// parameters without moments (plain SGD) still count steps
		out.writeInt(stepsByName.size());
		for (Map.Entry<String, Integer> e : stepsByName.entrySet()) {
			out.writeUTF(e.getKey());
			out.writeInt(e.getValue());
		}
	}

	/** Restores what {@link #saveState} wrote; moments go onto the device of the model's manager. */
	@Override
	public void loadState(DataInputStream in, NDManager manager) throws IOException {
		String savedKind = in.readUTF();
		if (!savedKind.equals(kind.name()))
			throw new UnetException("the checkpoint was trained with optimizer " + savedKind.toLowerCase(Locale.ROOT) + ", not " + kind.key()
				+ ": resume with the same optimizer");
		int entries = in.readInt();
		for (int i = 0; i < entries; i++) {
			String name = in.readUTF();
			stepsByName.put(name, in.readInt());
			int count = in.readInt();
			if (count != stateCount())
				throw new UnetException("the checkpoint keeps " + count + " state array(s) per parameter for optimizer " + kind.key() + " but "
					+ describeSettings() + " keeps " + stateCount() + ": resume with the momentum and centered settings of the checkpoint");
			NDArray[] arrays = new NDArray[count];
			for (int j = 0; j < count; j++) {
				int dims = in.readInt();
				long[] shape = new long[dims];
				long size = 1;
				for (int d = 0; d < dims; d++) {
					shape[d] = in.readLong();
					size *= shape[d];
				}
				if (size < 0 || size > Integer.MAX_VALUE / 4)
					throw new IOException("optimizer state too large");
				byte[] bytes = new byte[(int) size * 4];
				in.readFully(bytes);
				float[] values = new float[(int) size];
				java.nio.ByteBuffer.wrap(bytes).asFloatBuffer().get(values);
				arrays[j] = manager.create(values, new Shape(shape)).toType(DataType.FLOAT32, false);
			}
			stateByName.put(name, arrays);
		}
		int steps = in.readInt();
		for (int i = 0; i < steps; i++)
			stepsByName.put(in.readUTF(), in.readInt());
	}

	private String describeSettings() {
		return kind.key() + (kind == Kind.RMSPROP ? " with momentum " + momentum + (centered ? ", centered," : "") : "");
	}

	/**
	 * The update as one pass over each parameter's memory on the CPU. The weight, its gradient and the moments are
	 * read and written through direct buffers over the tensors' own memory, in chunks that fit the caches and in
	 * parallel, with no temporary tensors: the generic path streams the same memory 10-14 times and allocates
	 * several parameter-sized temporaries per parameter. The per-element arithmetic is torch.optim's, in float.
	 */
	private static final class CpuUpdate {

		private static final int CHUNK = 8192;
		private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[5][CHUNK]);
		private static final float[] ZEROS = new float[CHUNK];

		private CpuUpdate() {
		}

		/**
		 * Whether the fused pass can run: float32 arrays on the CPU whose direct buffers are the tensors' own memory.
		 * That last point is checked once per parameter by writing through the buffer and reading the tensor back.
		 */
		static boolean applies(String name, NDArray weight, NDArray grad, NDArray[] state, Map<String, Boolean> inPlaceByName) {
			if (!ai.djl.Device.Type.CPU.equals(weight.getDevice().getDeviceType()) || weight.size() > Integer.MAX_VALUE || weight.size() == 0)
				return false;
			if (weight.getDataType() != DataType.FLOAT32 || grad.getDataType() != DataType.FLOAT32 || grad.size() != weight.size())
				return false;
			for (NDArray a : state)
				if (a.getDataType() != DataType.FLOAT32 || a.size() != weight.size() || !ai.djl.Device.Type.CPU.equals(a.getDevice().getDeviceType()))
					return false;
			Boolean known = inPlaceByName.get(name);
			if (known == null) {
				boolean ok = writesThrough(weight) && writesThrough(grad);
				for (NDArray a : state)
					ok &= writesThrough(a);
				inPlaceByName.put(name, ok);
				known = ok;
			}
			return known;
		}

		/** Whether a write through the array's direct buffer shows in the array (the buffer is not a copy). */
		private static boolean writesThrough(NDArray array) {
			java.nio.ByteBuffer bytes;
			try {
				bytes = array.toByteBuffer(true);
			} catch (RuntimeException e) {
				return false;
			}
			if (!bytes.isDirect() || bytes.capacity() != array.size() * Float.BYTES)
				return false;
			FloatBuffer floats = bytes.order(ByteOrder.nativeOrder()).asFloatBuffer();
			float old = floats.get(0);
			float probe = old == 1.25f ? -2.5f : 1.25f;
			floats.put(0, probe);
			boolean same;
			try (NDArray flat = array.flatten(); NDArray first = flat.get(0)) {
				same = first.getFloat() == probe;
			}
			floats.put(0, old);
			return same;
		}

		private static FloatBuffer floats(NDArray array) {
			return array.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
		}

		static void run(Rule rule, NDArray weight, NDArray grad, NDArray[] state, boolean clearGrad) {
			FloatBuffer w = floats(weight), g = floats(grad);
			FloatBuffer s0 = state.length > 0 ? floats(state[0]) : null, s1 = state.length > 1 ? floats(state[1]) : null;
			FloatBuffer s2 = state.length > 2 ? floats(state[2]) : null;
			int n = w.capacity();
			int chunks = (n + CHUNK - 1) / CHUNK;
			java.util.function.IntConsumer work = chunk -> {
				int from = chunk * CHUNK, len = Math.min(CHUNK, n - from);
				float[][] scratch = SCRATCH.get();
				float[] wa = scratch[0], ga = scratch[1], a = scratch[2], b = scratch[3], c = scratch[4];
				read(w, from, wa, len);
				read(g, from, ga, len);
				if (s0 != null)
					read(s0, from, a, len);
				if (s1 != null)
					read(s1, from, b, len);
				if (s2 != null)
					read(s2, from, c, len);
				rule.apply(wa, ga, a, b, c, len);
				write(w, from, wa, len);
				if (s0 != null)
					write(s0, from, a, len);
				if (s1 != null)
					write(s1, from, b, len);
				if (s2 != null)
					write(s2, from, c, len);
				if (clearGrad)
					write(g, from, ZEROS, len);
			};
			if (chunks < 4)
				for (int c = 0; c < chunks; c++)
					work.accept(c);
			else
				java.util.stream.IntStream.range(0, chunks).parallel().forEach(work);
		}

		private static void read(FloatBuffer buffer, int from, float[] into, int len) {
			FloatBuffer view = buffer.duplicate();
			view.position(from);
			view.get(into, 0, len);
		}

		private static void write(FloatBuffer buffer, int from, float[] values, int len) {
			FloatBuffer view = buffer.duplicate();
			view.position(from);
			view.put(values, 0, len);
		}
	}

	/** One rule's arithmetic on a chunk: weights w, gradients g, state slots a, b, c (as the tensor path). */
	private static final class Rule {

		private final Kind kind;
		private final int step;
		private final float lr, weightDecay, momentum;
		private final boolean centered;

		Rule(Kind kind, int step, float lr, float weightDecay, float momentum, boolean centered) {
			this.kind = kind;
			this.step = step;
			this.lr = lr;
			this.weightDecay = weightDecay;
			this.momentum = momentum;
			this.centered = centered;
		}

		void apply(float[] w, float[] g, float[] a, float[] b, float[] c, int len) {
			if (weightDecay != 0f && kind != Kind.ADAMW) // L2: g + wd * w, before the weight changes
				for (int i = 0; i < len; i++)
					g[i] = g[i] + w[i] * weightDecay;
			switch (kind) {
				case SGD:
					for (int i = 0; i < len; i++)
						w[i] -= g[i] * lr;
					break;
				case MOMENTUM:
				case NESTEROV: {
					boolean nesterov = kind == Kind.NESTEROV;
					for (int i = 0; i < len; i++) {
						float buf = step == 1 ? a[i] + g[i] : a[i] * momentum + g[i];
						a[i] = buf;
						float direction = nesterov ? g[i] + buf * momentum : buf;
						w[i] -= direction * lr;
					}
					break;
				}
				case ADAGRAD:
					for (int i = 0; i < len; i++) {
						float sum = a[i] + g[i] * g[i];
						a[i] = sum;
						w[i] -= g[i] / ((float) Math.sqrt(sum) + ADAGRAD_EPS) * lr;
					}
					break;
				case RMSPROP: {
					float alpha = (float) RMSPROP_ALPHA, rest = (float) (1 - RMSPROP_ALPHA);
					boolean withMomentum = momentum > 0;
					float[] gradAvg = withMomentum ? c : b; // the slots of stateCount()
					for (int i = 0; i < len; i++) {
						float sq = a[i] * alpha + g[i] * g[i] * rest;
						a[i] = sq;
						float avg;
						if (centered) {
							float mean = gradAvg[i] * alpha + g[i] * rest;
							gradAvg[i] = mean;
							avg = (float) Math.sqrt(Math.max(0f, sq - mean * mean)) + RMSPROP_EPS;
						} else {
							avg = (float) Math.sqrt(sq) + RMSPROP_EPS;
						}
						if (withMomentum) {
							float buf = b[i] * momentum + g[i] / avg;
							b[i] = buf;
							w[i] -= buf * lr;
						} else {
							w[i] -= g[i] / avg * lr;
						}
					}
					break;
				}
				case ADAM:
				case ADAMW: {
					if (kind == Kind.ADAMW && weightDecay != 0f) {
						float keep = 1f - lr * weightDecay;
						for (int i = 0; i < len; i++)
							w[i] *= keep;
					}
					float beta1 = (float) BETA1, rest1 = (float) (1 - BETA1), beta2 = (float) BETA2, rest2 = (float) (1 - BETA2);
					float stepSize = (float) (lr / (1 - Math.pow(BETA1, step)));
					float bias2Sqrt = (float) Math.sqrt(1 - Math.pow(BETA2, step));
					for (int i = 0; i < len; i++) {
						float m = a[i] * beta1 + g[i] * rest1;
						float v = b[i] * beta2 + g[i] * g[i] * rest2;
						a[i] = m;
						b[i] = v;
						// PyTorch: denom = sqrt(v) / sqrt(bias2) + eps; w -= step_size * m / denom
						w[i] -= m / ((float) Math.sqrt(v) / bias2Sqrt + ADAM_EPS) * stepSize;
					}
					break;
				}
				case ADADELTA: {
					float rho = (float) ADADELTA_RHO, rest = (float) (1 - ADADELTA_RHO);
					for (int i = 0; i < len; i++) {
						float sq = a[i] * rho + g[i] * g[i] * rest;
						a[i] = sq;
						float delta = (float) Math.sqrt(b[i] + ADADELTA_EPS) / (float) Math.sqrt(sq + ADADELTA_EPS) * g[i];
						b[i] = b[i] * rho + delta * delta * rest;
						w[i] -= delta * lr;
					}
					break;
				}
				default:
					throw new IllegalStateException(kind.name());
			}
		}
	}

	/** DJL's Optimizer wants a builder; every setting of ours lives in the constructor. */
	private static final class Builder extends OptimizerBuilder<Builder> {
		@Override
		protected Builder self() {
			return this;
		}
	}
}
