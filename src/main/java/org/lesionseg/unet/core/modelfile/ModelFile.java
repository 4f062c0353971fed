package org.lesionseg.unet.core.modelfile;

import org.lesionseg.unet.core.model.UNetConfig;
import org.lesionseg.unet.core.model.UNetBlock;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.lesionseg.unet.core.model.DiffusionUNetBlock;
import ai.djl.nn.Block;

import org.lesionseg.unet.core.io.Json;
import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.modelfile.ModelBundle;
import org.lesionseg.unet.core.modelfile.ModelFileException;
import org.lesionseg.unet.core.data.Normalization;

import com.google.gson.JsonObject;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;

/**
 * Saves and loads a U-Net as one model file: {@code model.json} ({@link ModelInfo}) and the weights, optionally
 * with the optimizer's state and the schedule's state so that a training can resume exactly.
 * <p>
 * The weights entry is framed by us: a magic word, the DJL parameter stream of the block, then an optional
 * optimizer section. The container (atomic write, checksums, size limits) is {@link ModelBundle}'s job.
 * <p>
 * A model file is untrusted input. Nothing in it is executed or followed: {@code model.json} is read by Gson into
 * the plain {@link ModelInfo} record (numbers, strings and lists; no class names, no paths opened, nothing
 * downloaded), and the weights are walked by {@link WeightsCheck} against the architecture that record describes
 * before DJL reads them, so that a crafted file cannot make the reader allocate more than the file holds or give
 * the engine arrays of impossible shapes. Every problem ends in a {@link ModelFileException} that names the file.
 */
public final class ModelFile {

	private static final String MAGIC = "UNETW";
	private static final int WEIGHTS_VERSION = 1;

	/** Highest input scale and training size accepted in a model description (far beyond any real model). */
	private static final double MAX_INPUT_SCALE = 64;
	private static final int MAX_TRAINING_SIZE = 65536;

	private ModelFile() {
	}

	/** What a checkpoint adds to the weights: optimizer moments and the schedule's state. */
	public static final class TrainingState {
		public final OptimizerState optimizer;
		public final double[] scheduleState;

		public TrainingState(OptimizerState optimizer, double[] scheduleState) {
			this.optimizer = optimizer;
			this.scheduleState = scheduleState;
		}
	}

	/** Writes the model atomically; {@code state} may be null (a model for prediction only). */
	public static void save(Path file, Block block, ModelInfo info, TrainingState state, Map<String, String> textEntries) {
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
		/** The network: a {@link UNetBlock}, or a {@link DiffusionUNetBlock} when {@link ModelInfo#isDiffusion()}. */
		public final Block block;
		public final ModelBundle bundle;
		private final byte[] weights;
		private final int optimizerOffset;

		Loaded(ModelInfo info, Block block, ModelBundle bundle, byte[] weights, int optimizerOffset) {
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
		public double[] restoreTrainingState(OptimizerState optimizer, NDManager manager) {
			if (!hasTrainingState())
				throw new UnetException("this model file holds no optimizer state: it cannot be resumed, but it can start a new training as the initial model");
			String problem = trainingStateProblem(weights, optimizerOffset);
			if (problem != null)
				throw damagedState(problem);
			try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(weights, optimizerOffset, weights.length - optimizerOffset))) {
				optimizer.loadState(in, manager);
				double[] s = new double[in.readInt()];
				for (int i = 0; i < s.length; i++)
					s[i] = in.readDouble();
				return s;
			} catch (IOException | RuntimeException e) {
				if (e instanceof UnetException)
					throw (UnetException) e;
				throw damagedState(oneLine(e.getMessage()));
			}
		}

		private ModelFileException damagedState(String problem) {
			return new ModelFileException(ModelFileException.Problem.DAMAGED, "the optimizer state in the checkpoint " + bundle.source() + " is damaged ("
				+ problem + "): start a new training, or fine-tune from the best model as the initial model");
		}
	}

	/** Reads only the description (cheap: no weights parsed). */
	public static ModelInfo readInfo(Path file) {
		return parseInfo(file, ModelBundle.peek(file));
	}

	/**
	 * Reads the model and builds its network on the given manager (whose device receives the weights). Checks, in
	 * this order: the archive and checksums ({@link ModelBundle#read}), the description, that the weights are at
	 * least as large as the architecture needs, their layout ({@link WeightsCheck}); only then does DJL read them.
	 *
	 * @throws ModelFileException naming the file for any problem with it
	 */
	public static Loaded load(Path file, NDManager manager) {
		ModelBundle bundle = ModelBundle.read(file);
		ModelInfo info = parseInfo(file, bundle.metadata());
		byte[] weights = bundle.weights();
		UNetConfig config = info.toConfig();
		List<long[]> shapes = info.isDiffusion() ? DiffusionUNetBlock.parameterShapes(config, info.trainingSize) : WeightsCheck.expectedShapes(config);
		long needed = WeightsCheck.expectedDataBytes(shapes);
		if (needed > weights.length)
			throw notFitting(file, config, "the architecture needs " + needed + " bytes of weights, the file holds " + weights.length);
		Block block = newBlock(info);
		CountingInput counting = new CountingInput(weights);
		try (DataInputStream in = new DataInputStream(counting)) {
			if (!MAGIC.equals(in.readUTF()))
				throw notFitting(file, config, "the weights do not start as this plugin writes them");
			if (in.readInt() > WEIGHTS_VERSION)
				throw new ModelFileException(ModelFileException.Problem.NEWER_VERSION, file + " has weights in a newer layout than this plugin reads: update the plugin");
			int parametersEnd = WeightsCheck.check(block, shapes, weights, counting.position());
			block.loadParameters(manager, in);
			if (counting.position() != parametersEnd)
				throw notFitting(file, config, "the engine read " + counting.position() + " bytes where " + parametersEnd + " were expected");
			int optimizerOffset = in.readBoolean() ? counting.position() : -1;
			if (optimizerOffset < 0 && counting.available() != 0)
				throw notFitting(file, config, counting.available() + " bytes follow the weights");
			return new Loaded(info, block, bundle, weights, optimizerOffset);
		} catch (WeightsCheck.Mismatch e) {
			throw notFitting(file, config, e.getMessage());
		} catch (OutOfMemoryError e) {
			throw new UnetException("not enough memory to load " + file + " (" + weights.length / (1 << 20)
				+ " MB of weights): close other programs or give Java more memory");
		} catch (IOException | MalformedModelException | RuntimeException e) {
			if (e instanceof UnetException)
				throw (UnetException) e;
			throw notFitting(file, config, oneLine(e.getMessage()));
		}
	}

	/** A new network of the kind and architecture the description names (weights not yet initialised). */
	public static Block newBlock(ModelInfo info) {
		return info.isDiffusion() ? new DiffusionUNetBlock(info.toConfig(), info.trainingSize) : new UNetBlock(info.toConfig());
	}

	private static ModelFileException notFitting(Path file, UNetConfig config, String detail) {
		return new ModelFileException(ModelFileException.Problem.DAMAGED, file + " has weights that do not fit its description (" + config + "): " + detail
			+ "; " + remedy(file));
	}

	/** What to do about a damaged file: the other copy beside it when there is one. */
	private static String remedy(Path file) {
		Path other = ModelBundle.otherCopyOf(file);
		return other != null && Files.isRegularFile(other) ? "use the copy saved as " + other.getFileName() + " or retrain the model"
			: "restore it from a backup or retrain the model";
	}

	private static ModelInfo parseInfo(Path file, JsonObject metadata) {
		ModelInfo info;
		try {
			info = Json.GSON.fromJson(metadata, ModelInfo.class);
		} catch (RuntimeException e) {
			// Gson reports wrong types with JsonSyntaxException, IllegalStateException, NumberFormatException, ...
			throw new ModelFileException(ModelFileException.Problem.NOT_A_MODEL, file + " has a malformed model description: " + oneLine(e.getMessage()));
		}
		if (info == null || info.depth < 1 || info.baseFeatures < 1 || info.inputChannels < 1 || info.trainingSize < 1 || info.normalization == null)
			throw new ModelFileException(ModelFileException.Problem.NOT_A_MODEL, file + " has an incomplete model description (architecture or input size missing)");
		try {
			info.toConfig(); // validates the numbers
			Normalization.fromName(info.normalization);
		} catch (UnetException e) {
			throw new ModelFileException(ModelFileException.Problem.NOT_A_MODEL, file + " has an invalid model description (" + oneLine(e.getMessage()) + ")");
		}
		if (info.modelKind != null && !ModelInfo.UNET.equals(info.modelKind) && !info.isDiffusion())
			throw new ModelFileException(ModelFileException.Problem.NOT_A_MODEL, file + " holds a model of the kind '" + info.modelKind
				+ "', which this plugin does not know (unet or diffusion): update the plugin");
		if (info.isDiffusion()) {
			if (info.diffusion == null)
				info.diffusion = new DiffusionSettings();
			if (info.trainingSize % info.toConfig().sizeMultiple() != 0)
				throw new ModelFileException(ModelFileException.Problem.NOT_A_MODEL, file + " has an invalid model description (training size "
					+ info.trainingSize + " is not a multiple of " + info.toConfig().sizeMultiple() + ")");
			try {
				info.diffusion.check();
			} catch (UnetException e) {
				throw new ModelFileException(ModelFileException.Problem.NOT_A_MODEL, file + " has an invalid model description (" + oneLine(e.getMessage()) + ")");
			}
		}
		if (!(info.inputScale > 0 && info.inputScale <= MAX_INPUT_SCALE) || info.trainingSize > MAX_TRAINING_SIZE)
			throw new ModelFileException(ModelFileException.Problem.NOT_A_MODEL, file + " has an invalid model description (input scale " + info.inputScale
				+ ", training size " + info.trainingSize + ")");
		return info;
	}

	/**
	 * Walks the optimizer section as {@link OptimizerState#saveState} (the trainer's optimizer) and {@link #save} write it, before anything
	 * is allocated from it: every count and array size must fit in the bytes that follow. Null when it is sound.
	 */
	static String trainingStateProblem(byte[] weights, int offset) {
		ByteArrayInputStream bytes = new ByteArrayInputStream(weights, offset, weights.length - offset);
		try (DataInputStream in = new DataInputStream(bytes)) {
			in.readUTF(); // the optimizer's kind, compared by loadState
			int entries = in.readInt();
			if (entries < 0 || entries > bytes.available())
				return "it declares " + entries + " parameters";
			for (int i = 0; i < entries; i++) {
				in.readUTF();
				in.readInt(); // steps taken
				int arrays = in.readInt();
				if (arrays < 0 || arrays > 8)
					return "a parameter has " + arrays + " state arrays";
				for (int j = 0; j < arrays; j++) {
					int dims = in.readInt();
					if (dims < 0 || dims > 8)
						return "a state array has " + dims + " dimensions";
					long size = 1;
					for (int d = 0; d < dims; d++) {
						long dim = in.readLong();
						if (dim < 0 || dim > bytes.available())
							return "a state array has a dimension of " + dim;
						size *= dim;
						if (size > bytes.available())
							return "a state array is larger than the file";
					}
					if (4 * size > bytes.available())
						return "a state array is larger than the file";
					in.skipBytes((int) (4 * size));
				}
			}
			int steps = in.readInt();
			if (steps < 0 || steps > bytes.available())
				return "it declares " + steps + " step counters";
			for (int i = 0; i < steps; i++) {
				in.readUTF();
				in.readInt();
			}
			int schedule = in.readInt();
			if (schedule < 0 || 8L * schedule != bytes.available())
				return "the learning-rate schedule's state does not fill the rest of the file";
			return null;
		} catch (IOException e) {
			return "it ends too early";
		}
	}

	private static String oneLine(String text) {
		String t = String.valueOf(text).replaceAll("\\s+", " ");
		return t.length() > 160 ? t.substring(0, 157) + "..." : t;
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
