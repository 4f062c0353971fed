package org.lesionseg.unet.core.train;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.lesionseg.unet.core.UnetException;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.util.Pair;

/**
 * The optimizers of the original workflow with PyTorch's update rules (torch.optim defaults and epsilon
 * placement): SGD, SGD with momentum, Nesterov, AdaGrad, RMSProp, Adam, AdamW and AdaDelta.
 * <p>
 * Written here rather than taken from DJL so that the state (moments, step counts) can be saved in a
 * checkpoint and a resumed training continues exactly; updates work in place and free their temporaries at
 * once, so memory stays flat over long trainings. The gradient handed to {@link #update} may be a copy made by DJL's
 * parameter server, so clearing gradients is the trainer's job ({@code UNetTrainer.zeroGradients}). Weight decay is L2 (added to the gradient) except for
 * AdamW, where it is decoupled.
 */
public final class TrainingOptimizer extends Optimizer {

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
	private final LearningRate learningRate;
	/** Parameter id → stable name (the block path), so saved state finds its parameter again after a reload. */
	private final Map<String, String> namesById = new HashMap<>();
	private final Map<String, NDArray[]> stateByName = new LinkedHashMap<>();
	private final Map<String, Integer> stepsByName = new HashMap<>();
	private ai.djl.Device primaryDevice;

	/** Supplies the current learning rate (the trainer moves it with its schedule). */
	public interface LearningRate {
		float current();
	}

	public TrainingOptimizer(Kind kind, LearningRate learningRate, float weightDecay, float momentum, Block block) {
		super(new Builder());
		this.kind = kind;
		this.learningRate = learningRate;
		this.weightDecay = weightDecay;
		this.momentum = momentum;
		for (Pair<String, Parameter> p : block.getParameters())
			namesById.put(p.getValue().getId(), p.getKey());
	}

	public Kind kind() {
		return kind;
	}

	@Override
	public void update(String parameterId, NDArray weight, NDArray grad) {
		// On several GPUs DJL updates one copy of each weight per device: keep a state per copy.
		if (primaryDevice == null)
			primaryDevice = weight.getDevice();
		String name = namesById.getOrDefault(parameterId, parameterId)
			+ (weight.getDevice().equals(primaryDevice) ? "" : "@" + weight.getDevice());
		int step = stepsByName.merge(name, 1, Integer::sum);
		float lr = learningRate.current();
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
					NDArray buf = state(name, weight, 1)[0];
					if (step == 1)
						buf.addi(g);
					else
						buf.muli(momentum).addi(g);
					NDArray direction = kind == Kind.NESTEROV ? g.add(buf.mul(momentum)) : buf;
					weight.subi(direction.mul(lr));
					break;
				}
				case ADAGRAD: {
					NDArray sum = state(name, weight, 1)[0];
					sum.addi(g.square());
					weight.subi(g.div(sum.sqrt().addi(1e-10f)).muli(lr));
					break;
				}
				case RMSPROP: {
					NDArray sq = state(name, weight, 1)[0];
					sq.muli(0.99f).addi(g.square().muli(0.01f));
					weight.subi(g.div(sq.sqrt().addi(1e-8f)).muli(lr));
					break;
				}
				case ADAM:
				case ADAMW: {
					NDArray[] s = state(name, weight, 2);
					float beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f;
					if (kind == Kind.ADAMW && weightDecay != 0f)
						weight.muli(1f - lr * weightDecay);
					s[0].muli(beta1).addi(g.mul(1f - beta1));
					s[1].muli(beta2).addi(g.square().muli(1f - beta2));
					double bias1 = 1 - Math.pow(beta1, step);
					double bias2 = 1 - Math.pow(beta2, step);
					float stepSize = (float) (lr / bias1);
					// PyTorch: denom = sqrt(v) / sqrt(bias2) + eps
					NDArray denom = s[1].sqrt().divi((float) Math.sqrt(bias2)).addi(eps);
					weight.subi(s[0].div(denom).muli(stepSize));
					break;
				}
				case ADADELTA: {
					NDArray[] s = state(name, weight, 2);
					float rho = 0.9f, eps = 1e-6f;
					s[0].muli(rho).addi(g.square().muli(1f - rho));
					NDArray delta = s[1].add(eps).sqrt().divi(s[0].add(eps).sqrt()).muli(g);
					s[1].muli(rho).addi(delta.square().muli(1f - rho));
					weight.subi(delta.muli(lr));
					break;
				}
				default:
					throw new IllegalStateException(kind.name());
			}
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
	public void saveState(DataOutputStream out) throws IOException {
		out.writeUTF(kind.name());
		Map<String, NDArray[]> primary = new LinkedHashMap<>();
		for (Map.Entry<String, NDArray[]> e : stateByName.entrySet())
			if (!e.getKey().contains("@"))
				primary.put(e.getKey(), e.getValue());
		out.writeInt(primary.size());
		for (Map.Entry<String, NDArray[]> e : primary.entrySet()) {
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

	/** DJL's Optimizer wants a builder; every setting of ours lives in the constructor. */
	private static final class Builder extends OptimizerBuilder<Builder> {
		@Override
		protected Builder self() {
			return this;
		}
	}
}
