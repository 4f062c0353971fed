package org.lesionseg.unet.core.model;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import org.lesionseg.unet.core.Json;
import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.bundle.ModelBundle;
import org.lesionseg.unet.core.bundle.ModelFileException;
import org.lesionseg.unet.core.train.TrainingOptimizer;

import com.google.gson.JsonObject;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;

/**
 * Saves and loads a U-Net as one model file: {@code model.json} ({@link ModelInfo}) and the weights, optionally
 * with the optimizer's state and the schedule's state so that a training can resume exactly.
 * <p>
 * The weights entry is framed by us: a magic word, the DJL parameter stream of the block, then an optional
 * optimizer section. The container (atomic write, checksums, size limits) is {@link ModelBundle}'s job.
 */
public final class ModelFile {

	private static final String MAGIC = "UNETW";
	private static final int WEIGHTS_VERSION = 1;

	private ModelFile() {
	}

	/** What a checkpoint adds to the weights: optimizer moments and the schedule's state. */
	public static final class TrainingState {
		public final TrainingOptimizer optimizer;
		public final double[] scheduleState;

		public TrainingState(TrainingOptimizer optimizer, double[] scheduleState) {
			this.optimizer = optimizer;
			this.scheduleState = scheduleState;
		}
	}

	/** Writes the model atomically; {@code state} may be null (a model for prediction only). */
	public static void save(Path file, UNetBlock block, ModelInfo info, TrainingState state, Map<String, String> textEntries) {
		JsonObject metadata = Json.GSON.toJsonTree(info).getAsJsonObject();
		ModelBundle.write(file, metadata, out -> {
			DataOutputStream data = new DataOutputStream(new BufferedOutputStream(out, 1 << 16));
			data.writeUTF(MAGIC);
			data.writeInt(WEIGHTS_VERSION);
			block.saveParameters(data);
			data.writeBoolean(state != null);
			if (state != null) {
				state.optimizer.saveState(data);
				double[] s = state.scheduleState == null ? new double[0] : state.scheduleState;
				data.writeInt(s.length);
				for (double v : s)
					data.writeDouble(v);
			}
			data.flush();
		}, textEntries);
	}

	/** A model read back: its description, its block with weights on the manager's device, and the raw file. */
	public static final class Loaded {
		public final ModelInfo info;
		public final UNetBlock block;
		public final ModelBundle bundle;
		private final byte[] weights;
		private final int optimizerOffset;

		Loaded(ModelInfo info, UNetBlock block, ModelBundle bundle, byte[] weights, int optimizerOffset) {
			this.info = info;
			this.block = block;
			this.bundle = bundle;
			this.weights = weights;
			this.optimizerOffset = optimizerOffset;
		}

		/** True when the file carries optimizer state (a checkpoint saved during training). */
		public boolean hasTrainingState() {
			return optimizerOffset >= 0;
		}

		/** Restores the optimizer's state and returns the schedule's state. */
		public double[] restoreTrainingState(TrainingOptimizer optimizer, NDManager manager) {
			if (!hasTrainingState())
				throw new UnetException("this model file holds no optimizer state: it cannot be resumed, but it can start a new training as the initial model");
			try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(weights, optimizerOffset, weights.length - optimizerOffset))) {
				optimizer.loadState(in, manager);
				double[] s = new double[in.readInt()];
				for (int i = 0; i < s.length; i++)
					s[i] = in.readDouble();
				return s;
			} catch (IOException e) {
				throw new UnetException("the optimizer state in the checkpoint is damaged: " + e.getMessage());
			}
		}
	}

	/** Reads only the description (cheap: no weights parsed). */
	public static ModelInfo readInfo(Path file) {
		return parseInfo(file, ModelBundle.peek(file));
	}

	/** Reads the model and builds its network on the given manager (whose device receives the weights). */
	public static Loaded load(Path file, NDManager manager) {
		ModelBundle bundle = ModelBundle.read(file);
		ModelInfo info = parseInfo(file, bundle.metadata());
		byte[] weights = bundle.weights();
		UNetBlock block = new UNetBlock(info.toConfig());
		CountingInput counting = new CountingInput(weights);
		try (DataInputStream in = new DataInputStream(counting)) {
			if (!MAGIC.equals(in.readUTF()) || in.readInt() > WEIGHTS_VERSION)
				throw new ModelFileException(ModelFileException.Problem.NEWER_VERSION, file + " has weights in an unknown layout: update the plugin");
			block.loadParameters(manager, in);
			int optimizerOffset = in.readBoolean() ? counting.position() : -1;
			return new Loaded(info, block, bundle, weights, optimizerOffset);
		} catch (IOException | MalformedModelException | RuntimeException e) {
			if (e instanceof UnetException)
				throw (UnetException) e;
			throw new ModelFileException(ModelFileException.Problem.DAMAGED, file + " has weights that do not fit its description (" + info.toConfig() + "): " + e.getMessage());
		}
	}

	private static ModelInfo parseInfo(Path file, JsonObject metadata) {
		try {
			ModelInfo info = Json.GSON.fromJson(metadata, ModelInfo.class);
			if (info.depth < 1 || info.baseFeatures < 1 || info.inputChannels < 1 || info.trainingSize < 1 || info.normalization == null)
				throw new ModelFileException(ModelFileException.Problem.NOT_A_MODEL, file + " has an incomplete model description (architecture or input size missing)");
			info.toConfig(); // validates the numbers
			return info;
		} catch (com.google.gson.JsonParseException | IllegalStateException | UnsupportedOperationException | NumberFormatException e) {
			throw new ModelFileException(ModelFileException.Problem.NOT_A_MODEL, file + " has a malformed model description: " + e.getMessage());
		}
	}

	/** A byte stream over an array that tells how far it has been read (to find the optimizer section). */
	private static final class CountingInput extends ByteArrayInputStream {
		CountingInput(byte[] bytes) {
			super(bytes);
		}

		int position() {
			return pos;
		}
	}
}
