package org.lesionseg.unet.core.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.augment.Augmenter;
import org.lesionseg.unet.core.modelfile.ModelFileException;
import org.lesionseg.unet.core.data.Batch;
import org.lesionseg.unet.core.data.InputMode;
import org.lesionseg.unet.core.data.BatchStream;
import org.lesionseg.unet.core.data.Resizing;
import org.lesionseg.unet.core.data.Sample;
import org.lesionseg.unet.core.engine.Devices;
import org.lesionseg.unet.core.engine.OneDnnSwitch;
import org.lesionseg.unet.core.engine.Version;
import org.lesionseg.unet.core.data.SampleTransform;
import org.lesionseg.unet.core.modelfile.ModelFile;
import org.lesionseg.unet.core.modelfile.ModelInfo;
import org.lesionseg.unet.core.modelfile.TrainingSettings;
import org.lesionseg.unet.core.model.UNetBlock;
import org.lesionseg.unet.core.model.DiffusionUNetBlock;
import ai.djl.nn.Block;
import org.lesionseg.unet.core.model.UNetConfig;
import org.lesionseg.unet.core.model.WeightInit;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;

/**
 * Trains a U-Net: batches are loaded and augmented ahead of the network, each epoch ends with a validation
 * pass, the best model (by pooled validation Dice) and the last checkpoint are written atomically, and the run
 * can be cancelled, stopped early, or resumed from its last checkpoint with the same history.
 * <p>
 * Files: {@code model.zip} holds the best model; {@code model.last.zip} beside it holds the last epoch with the
 * optimizer's state, for {@code resume}.
 */
public final class UNetTrainer {

	private final TrainingConfig trainingConfig;
	/** The checked settings as plain values (and as the model file records them). */
	private final TrainingSettings settings;
	private final TrainingListener listener;
	private final AtomicBoolean cancel;
	private final float[] currentRate = new float[1];
	/** The epoch whose model this run last wrote to the model file (0: none yet), for messages after a failure. */
	private int savedBestEpoch;
	/** The initial model of a fine-tuning (not of a resume), recorded in the new model file. */
	private ModelFile.Loaded startedFrom;
	private Path startedFromFile;
	/** Test seam: devices to train on instead of those the setting names (e.g. the CPU three times). */
	Device[] devicesForTest;

	public UNetTrainer(TrainingConfig config, TrainingListener listener, AtomicBoolean cancel) {
		this.trainingConfig = config;
		this.settings = config.settings();
		this.listener = listener == null ? new TrainingListener() {
		} : listener;
		this.cancel = cancel == null ? new AtomicBoolean() : cancel;
	}

	/** Checks the settings ({@link TrainingConfig#of}) and makes a trainer of them. */
	public UNetTrainer(TrainingSettings settings, TrainingListener listener, AtomicBoolean cancel) {
		this(TrainingConfig.of(settings), listener, cancel);
	}

	/** The last-epoch checkpoint that goes with a model file: model.zip → model.last.zip. */
	public static Path checkpointOf(Path modelFile) {
		return org.lesionseg.unet.core.modelfile.ModelBundle.checkpointOf(modelFile);
	}

	/**
	 * Trains and writes the model file.
	 *
	 * @param initialModel a model file whose weights start the training (fine-tuning), or null
	 * @param resume continue from {@link #checkpointOf(Path)} instead of starting anew
	 */
	public TrainingResult train(TrainingData data, Path modelFile, Path initialModel, boolean resume) {
		checkData(data);
		// fail now, not after the first epoch, when the model cannot be saved there
		org.lesionseg.unet.core.io.AtomicFiles.prepareFolder(modelFile.toAbsolutePath().getParent(), "model file");
		Devices.prepareThread();
		Device[] devices = devicesForTest != null ? devicesForTest.clone() : Devices.resolve(trainingConfig.device());
		int channels = data.train.get(0).channels();
		Engine.getInstance().setRandomSeed((int) settings.seed);
		UNetConfig config = new UNetConfig().depth(settings.depth).baseFeatures(settings.baseFeatures).inputChannels(channels)
			.dropout(settings.dropout).init(trainingConfig.init()).outputClasses(trainingConfig.outputs());
		config.checkTrainingSize(settings.imageSize);

		try (NDManager loadManager = NDManager.newBaseManager(devices[0])) {
			ModelFile.Loaded start = null;
			Path checkpoint = checkpointOf(modelFile);
			int leftovers = org.lesionseg.unet.core.io.AtomicFiles.removeLeftoverTemporaryFiles(modelFile)
				+ org.lesionseg.unet.core.io.AtomicFiles.removeLeftoverTemporaryFiles(checkpoint);
			if (leftovers > 0)
				listener.message("removed " + leftovers + " temporary file(s) left beside " + modelFile.getFileName() + " by an interrupted save");
			if (resume) {
				if (!Files.isRegularFile(checkpoint))
					throw new UnetException("nothing to resume: " + checkpoint + " does not exist (it is written after each epoch of a training to " + modelFile.getFileName() + ")");
				try {
					start = ModelFile.load(checkpoint, loadManager);
				} catch (ModelFileException e) {
					throw new ModelFileException(e.problem(), e.getMessage().replaceFirst("(; )?(use the copy saved as|restore it from a backup)[^;]*$", "")
						+ "; it cannot be resumed: start a new training, or fine-tune from the best model " + modelFile.getFileName() + " as the initial model", e);
				}
			} else if (initialModel != null) {
				start = ModelFile.load(initialModel, loadManager);
			}
			if (start != null) {
				if (!start.info.kind().equals(trainingConfig.modelKind()))
					throw new UnetException("the " + (resume ? "checkpoint" : "initial model") + " is a " + start.info.kind() + " model but this training is for a "
						+ trainingConfig.modelKind() + " model: choose model kind " + start.info.kind() + " or start a new training");
				config = start.info.toConfig();
				if (config.inputChannels() != channels)
					throw new UnetException("the " + (resume ? "checkpoint" : "initial model") + " takes " + config.inputChannels()
						+ " channel(s) but the training images have " + channels);
				config.checkTrainingSize(settings.imageSize);
				MultiClassTraining.checkSameClasses(start.info, trainingConfig, resume ? "checkpoint" : "initial model");
			}
			Block block = start != null ? start.block
				: diffusion() ? new DiffusionUNetBlock(config, settings.imageSize) : new UNetBlock(config);
			if (!resume && start != null) {
				startedFrom = start;
				startedFromFile = initialModel;
			}
			return run(data, modelFile, checkpoint, devices, config, block, start, resume);
		} catch (EngineException | OutOfMemoryError e) {
			throw memoryOrEngineError(e, modelFile);
		} finally {
			Staging.release();
		}
	}

	/** Batches with a non-finite loss a diffusion training skips in a row before it stops (see the training loop). */
	static final int MAX_NON_FINITE_IN_A_ROW = 2;

	/** Non-finite losses in a row so far (diffusion only). */
	private int nonFiniteInARow;

		private boolean diffusion() {
		return ModelInfo.DIFFUSION.equals(trainingConfig.modelKind());
	}

	private TrainingResult run(TrainingData data, Path modelFile, Path checkpoint, Device[] devices, UNetConfig config, Block block,
		ModelFile.Loaded start, boolean resume) {
		LearningRateSchedule schedule = trainingConfig.schedule().start(settings.learningRate, settings.epochs);
		TrainingOptimizer optimizer = new TrainingOptimizer(trainingConfig.optimizer(), () -> currentRate[0], block);
		Loss loss = trainingConfig.loss().create();
		TrainingObjective objective = diffusion() ? new DiffusionObjective(trainingConfig.diffusion()) : TrainingObjective.segmentation(loss);
		if (diffusion() && devices.length > 1) {
			listener.message("a diffusion model trains on one device: " + Devices.describe(new Device[] { devices[0] }));
			devices = new Device[] { devices[0] };
		}
		List<EpochRecord> history = new ArrayList<>();
		int firstEpoch = 0;
		ModelInfo info = describe(config, data, devices);
		if (startedFrom != null) {
			info.initialModel = startedFromFile.toAbsolutePath().toString();
			info.initialModelSummary = startedFrom.info.summary();
		} else if (resume && start != null) {
			info.initialModel = start.info.initialModel; // a resumed fine-tuning is still one
			info.initialModelSummary = start.info.initialModelSummary;
		}
		double bestDice = Double.NEGATIVE_INFINITY;
		int bestEpoch = 0;

		try (Model model = Model.newInstance("unet", devices[0])) {
			model.setBlock(block);
			// DJL's trainer on the first device only: several devices are driven by DataParallel, with one optimizer state
			DefaultTrainingConfig trainingConfig = new DefaultTrainingConfig(loss).optOptimizer(optimizer).optDevices(new Device[] { devices[0] });
			try (Trainer trainer = model.newTrainer(trainingConfig)) {
				Shape imageShape = new Shape(settings.batchSize, config.inputChannels(), settings.imageSize, settings.imageSize);
				if (diffusion())
					trainer.initialize(new Shape(settings.batchSize, 1, settings.imageSize, settings.imageSize), imageShape, new Shape(settings.batchSize));
				else
					trainer.initialize(imageShape);
				if (start == null && config.init() == UNetConfig.Init.PYTORCH)
					WeightInit.pytorchDefault(block, settings.seed);
				if (resume) {
					schedule.restore(start.restoreTrainingState(optimizer, trainer.getManager()));
					history.addAll(EpochRecord.parseCsv(start.bundle.textEntry("history.csv").orElse(null)));
					firstEpoch = start.info.epochsDone;
					bestDice = Double.isNaN(start.info.bestValDice) ? Double.NEGATIVE_INFINITY : start.info.bestValDice;
					bestEpoch = start.info.bestEpoch;
					if (!start.info.trainImages.equals(info.trainImages))
						listener.message("warning: the training images differ from those of the checkpoint");
					listener.message("resuming after epoch " + firstEpoch + " of " + settings.epochs + " from " + checkpoint);
				}
				// made after initialisation and resume, so every replica starts from the weights the block holds
				DataParallel parallel = devices.length > 1 ? new DataParallel(block, devices, trainer.getManager()) : null;
				listener.started(Devices.describe(devices) + "\nnetwork: " + (diffusion() ? "diffusion denoiser on a " : "") + config + ", "
					+ String.format(Locale.ROOT, "%,d", UNetBlock.trainableParameterCount(block))
					+ " trainable parameters\ndata: " + data.train.size() + " training, " + data.val.size() + " validation, " + data.testNames.size()
					+ " test images; " + settings.imageSize + "x" + settings.imageSize + " " + settings.inputMode + ", batch " + settings.batchSize
					+ ", loss " + (diffusion() ? "noise MSE (" + info.diffusion.schedule + " schedule, T = " + info.diffusion.timesteps + ")" : loss.getName()) + ", optimizer " + settings.optimizer + " lr " + settings.learningRate + ", schedule " + settings.scheduler
					+ ", augment " + settings.augment);

				SampleTransform trainTransform = trainTransform();
				List<Sample> valSamples = prepareValidation(data.val);
				Validation validation = new Validation(valSamples, "patch".equals(settings.inputMode), settings.batchSize, objective);
				// as a straight run would have counted them: the epochs since the best one
				int epochsWithoutImprovement = resume ? firstEpoch - bestEpoch : 0;
				boolean cancelled = false, stoppedEarly = false;
				long trainingStart = System.nanoTime();
				int epochsRun = 0;
				for (int epoch = firstEpoch; epoch < settings.epochs; epoch++) {
					long epochStart = System.nanoTime();
					// dropout's generator seeded per epoch: a resumed run draws what a straight run draws in this epoch
					Engine.getInstance().setRandomSeed(epochSeed(settings.seed, epoch));
					double lossSum = 0;
					int batches = 0, images = 0, skipped = 0;
					int batchCount = Math.max(1, data.train.size() / settings.batchSize);
					// where the epoch's time goes (EpochTimes): clock reads only, nothing that changes a result
					long stepNanos = 0, waitNanos = 0;
					double loaderCpu;
					try (BatchStream stream = new BatchStream(data.train, settings.batchSize, true, settings.seed, epoch, trainTransform, true,
						settings.loaderThreads)) {
						java.util.Iterator<Batch> next = stream.iterator();
						while (next.hasNext()) {
							long waitStart = System.nanoTime();
							Batch batch = next.next();
							long stepStart = System.nanoTime();
							waitNanos += stepStart - waitStart;
							if (cancel.get()) {
								cancelled = true;
								break;
							}
							currentRate[0] = schedule.rateAt(epoch, (double) batches / batchCount);
							double value = step(trainer, objective, optimizer, batch, parallel, loss);
							stepNanos += System.nanoTime() - stepStart;
							if (!Double.isFinite(value)) {
								// a non-finite loss leaves the weights as they were (step updates nothing). A diffusion model's loss
								// has come out NaN for a single batch now and then on this VM's CPU (same seed, other runs finite):
								// such a batch is skipped; several in a row mean the training itself diverged, and it stops
								if (diffusion() && ++nonFiniteInARow <= MAX_NON_FINITE_IN_A_ROW) {
									listener.message(String.format(Locale.ROOT, "warning: epoch %d, batch %d: the loss was not finite; the batch is skipped, the weights are unchanged",
										epoch + 1, batches + skipped + 1));
									skipped++;
									continue;
								}
								throw nanError(epoch + 1, batches + skipped + 1, bestEpoch, modelFile);
							}
							nonFiniteInARow = 0;
							lossSum += value;
							batches++;
							images += batch.size();
							listener.batchDone(epoch + 1, settings.epochs, batches, batchCount, value);
						}
						loaderCpu = stream.loaderCpuSeconds();
					}
					if (cancelled)
						break;
					if (batches == 0)
						throw new UnetException("no complete batch of " + settings.batchSize + " images: there are only " + data.train.size()
							+ " training images; lower the batch size");
					long validationStart = System.nanoTime();
					double[] val = validation.run(trainer, loss, info);
					long validationNanos = System.nanoTime() - validationStart;
					schedule.endOfEpoch(val[1]);
					double seconds = (System.nanoTime() - epochStart) / 1e9;
					EpochRecord record = new EpochRecord(epoch + 1, lossSum / batches, val[0], val[1], val[2], val[3], val[4], currentRate[0], seconds);
					history.add(record);
					epochsRun++;
					boolean improved = !Double.isNaN(record.valDice) && record.valDice > bestDice;
					if (improved || valSamples.isEmpty()) {
						bestDice = Double.isNaN(record.valDice) ? bestDice : record.valDice;
						bestEpoch = epoch + 1;
						epochsWithoutImprovement = 0;
					} else {
						epochsWithoutImprovement++;
					}
					info.epochsDone = epoch + 1;
					info.bestEpoch = bestEpoch;
					info.bestValDice = bestDice == Double.NEGATIVE_INFINITY ? Double.NaN : bestDice;
					long saveStart = System.nanoTime();
					Map<String, String> text = textEntries(history);
					if (improved || valSamples.isEmpty()) {
						ModelFile.save(modelFile, block, info, null, text);
						savedBestEpoch = epoch + 1;
					}
					ModelFile.save(checkpoint, block, info, new ModelFile.TrainingState(optimizer, schedule.state()), text);
					long saveEnd = System.nanoTime();
					listener.epochTimes(new EpochTimes(epoch + 1, stepNanos / 1e9, waitNanos / 1e9, validationNanos / 1e9, (saveEnd - saveStart) / 1e9, loaderCpu,
						(saveEnd - epochStart) / 1e9, images));
					double perEpoch = (System.nanoTime() - trainingStart) / 1e9 / epochsRun;
					listener.epochDone(record, settings.epochs, improved, perEpoch * (settings.epochs - epoch - 1));
					if (settings.patience > 0 && epochsWithoutImprovement >= settings.patience) {
						stoppedEarly = true;
						listener.message("early stop: validation Dice has not improved for " + settings.patience + " epochs (best "
							+ String.format(Locale.ROOT, "%.4f", bestDice) + " at epoch " + bestEpoch + ")");
						break;
					}
				}
				if (info.epochsDone == 0 || !Files.isRegularFile(modelFile)) {
					if (cancelled)
						throw new UnetException("training cancelled before the first epoch ended: no model was written");
					ModelFile.save(modelFile, block, info, null, textEntries(history));
				}
				return new TrainingResult(modelFile, checkpoint, history, bestEpoch, info.bestValDice, cancelled, stoppedEarly, Devices.describe(devices));
			}
		}
	}

	/**
	 * One training step: the batch goes to the device, forward and loss, backward, optimizer update. The only value
	 * copied back to the host is the loss. A step whose loss is NaN or infinite changes no weight.
	 *
	 * @param parallel the devices' replicas when training on several devices, null on one
	 * @return the batch's loss
	 */
	static double step(Trainer trainer, Loss loss, TrainingOptimizer optimizer, Batch batch, DataParallel parallel) {
		return step(trainer, TrainingObjective.segmentation(loss), optimizer, batch, parallel, loss);
	}

	/** One step of any objective (several devices: the U-Net's loss through DataParallel). */
	static double step(Trainer trainer, TrainingObjective objective, TrainingOptimizer optimizer, Batch batch, DataParallel parallel, Loss loss) {
		// oneDNN off for the step where its backward pass is wrong (OneDnnSwitch); validation and prediction keep it
		try (OneDnnSwitch.Scope cpuKernels = OneDnnSwitch.trainingStep(); NDManager batchManager = trainer.getManager().newSubManager()) {
			NDArray x = Staging.array(batchManager, 0, batch.images(), new Shape(batch.imageShape()));
			NDArray y = Staging.array(batchManager, 1, batch.masks(), new Shape(batch.maskShape()));
			double value;
			try (GradientCollector collector = trainer.newGradientCollector()) {
				if (parallel == null) {
					NDArray l = objective.loss(trainer, x, y, true);
					value = l.getFloat();
					if (Double.isFinite(value))
						collector.backward(l);
				} else {
					value = parallel.forwardBackward(collector, loss, x, y);
				}
			}
			if (Double.isFinite(value)) {
				optimizer.updateAll(trainer.getModel().getBlock()); // in place, without DJL's copy of every gradient
				if (parallel != null)
					parallel.broadcast();
			}
			return value;
		}
	}

	/** The engine's random seed for an epoch (dropout), from the run's seed and the epoch alone. */
	static int epochSeed(long seed, int epoch) {
		return (int) (seed * 1_000_003L + epoch * 7919L);
	}

	/**
	 * Direct buffers from which batch arrays are made, reused from step to step. DJL would otherwise copy each
	 * batch into a fresh direct buffer that the tensor keeps pointing at, and that memory only returns when the
	 * garbage collector happens to run: resident memory can then climb by hundreds of MB in long trainings. A tensor
	 * made here shares the buffer, so it must be closed before the next batch of the same slot (each step closes
	 * its batch manager before the next begins).
	 */
	private static final class Staging {

		private static final ThreadLocal<java.nio.ByteBuffer[]> BUFFERS = ThreadLocal.withInitial(() -> new java.nio.ByteBuffer[2]);

		private Staging() {
		}

		static NDArray array(NDManager manager, int slot, float[] values, Shape shape) {
			java.nio.ByteBuffer[] buffers = BUFFERS.get();
			java.nio.ByteBuffer buffer = buffers[slot];
			int bytes = values.length * Float.BYTES;
			if (buffer == null || buffer.capacity() < bytes)
				buffers[slot] = buffer = java.nio.ByteBuffer.allocateDirect(bytes).order(java.nio.ByteOrder.nativeOrder());
			buffer.clear();
			buffer.asFloatBuffer().put(values);
			buffer.limit(bytes);
			return manager.create(buffer, shape, DataType.FLOAT32);
		}

		/** Lets the buffers of this thread go (the end of a training on a long-lived thread, e.g. in Fiji). */
		static void release() {
			BUFFERS.remove();
		}
	}

	private SampleTransform trainTransform() {
		return trainingTransform(trainingConfig);
	}

	/**
	 * What happens to each training image in every epoch: scaled to fit the training size (one factor for both
	 * axes, {@link Resizing#fitToSize}, the rule prediction follows) or a random patch cut out of it, then augmented.
	 */
	public static SampleTransform trainingTransform(TrainingConfig config) {
		Augmenter augmenter = new Augmenter(config.augment());
		int size = config.imageSize();
		boolean patch = config.inputMode() == InputMode.PATCH;
		double foreground = config.settings().patchForeground;
		return (sample, random) -> {
			Sample s = patch ? Resizing.randomCrop(sample, size, random, foreground) : Resizing.fitToSize(sample, size);
			return augmenter.apply(s, random);
		};
	}

	/** Validation images at the training size: scaled to fit as in training, or in patch mode whole (they are tiled as prediction tiles). */
	private List<Sample> prepareValidation(List<Sample> val) {
		List<Sample> prepared = new ArrayList<>();
		boolean patch = trainingConfig.inputMode() == InputMode.PATCH;
		for (int i = 0; i < val.size(); i++) {
			Sample s = val.get(i);
			prepared.add(patch ? s : Resizing.fitToSize(s, settings.imageSize));
		}
		return prepared;
	}

	private void checkData(TrainingData data) {
		if (data.train.isEmpty())
			throw new UnetException("no training images: check the image and mask folders and the validation/test fractions");
		int channels = data.train.get(0).channels();
		MultiClassTraining.checkLabels(data, trainingConfig.classes());
		boolean anyForeground = false;
		for (Sample s : data.train) {
			if (s.channels() != channels)
				throw new UnetException("image " + s.name() + " has " + s.channels() + " channel(s) but " + data.train.get(0).name() + " has " + channels
					+ ": all training images must have the same channels (all grey or all RGB)");
			if (!s.hasMask())
				throw new UnetException("image " + s.name() + " has no mask");
			for (byte b : s.maskData())
				if (b != 0) {
					anyForeground = true;
					break;
				}
		}
		if (!anyForeground)
			throw new UnetException("every training mask is empty: there is no lesion to learn; check that masks use 0 for background and a non-zero value for the lesion");
		if (settings.batchSize > data.train.size())
			throw new UnetException("batch size " + settings.batchSize + " is larger than the " + data.train.size() + " training images; lower it to at most "
				+ data.train.size());
	}

	private ModelInfo describe(UNetConfig config, TrainingData data, Device[] devices) {
		ModelInfo info = ModelInfo.of(config);
		info.modelKind = trainingConfig.modelKind();
		info.diffusion = diffusion() ? trainingConfig.diffusion().copy() : null;
		MultiClassTraining.describeClasses(info, trainingConfig.classes());
		info.normalization = settings.normalization;
		info.trainingSize = settings.imageSize;
		info.inputMode = settings.inputMode;
		info.inputScale = trainingConfig.inputMode() == InputMode.PATCH ? 1.0 : medianScale(data.train, settings.imageSize);
		info.bitDepth = data.bitDepth;
		info.settings = settings.copy();
		info.splitSeed = settings.seed;
		for (Sample s : data.train)
			info.trainImages.add(s.name());
		for (Sample s : data.val)
			info.valImages.add(s.name());
		info.testImages.addAll(data.testNames);
		info.imagesFolder = data.imagesFolder;
		info.masksFolder = data.masksFolder;
		info.trainingIntensity = data.rawStats;
		info.device = Devices.describe(devices);
		info.engine = Devices.engineDescription();
		info.pluginVersion = Version.get();
		return info;
	}

	/** The factor by which resize mode scaled the training images (median over images, for prediction). */
	static double medianScale(List<Sample> samples, int size) {
		double[] scales = new double[samples.size()];
		for (int i = 0; i < scales.length; i++)
			scales[i] = Resizing.fitScale(samples.get(i).width(), samples.get(i).height(), size);
		Arrays.sort(scales);
		return scales[scales.length / 2];
	}

	private static Map<String, String> textEntries(List<EpochRecord> history) {
		Map<String, String> text = new LinkedHashMap<>();
		text.put("history.csv", EpochRecord.toCsv(history));
		return text;
	}

	private UnetException nanError(int epoch, int batch, int bestEpoch, Path modelFile) {
		String cause = settings.learningRate > 1e-2f ? "the learning rate " + settings.learningRate + " is too high; try 1e-4"
			: "try a lower learning rate (now " + settings.learningRate + ")" + (diffusion() ? "" : ", another loss than " + settings.loss) + ", or check the images for NaN values";
		return new UnetException("training stopped at epoch " + epoch + ", batch " + batch + ": the loss became NaN or infinite (" + cause + "). "
			+ (bestEpoch > 0 ? "The best model so far (epoch " + bestEpoch + ") is kept in " + modelFile : "No epoch had finished, so no model was written."));
	}

	private UnetException memoryOrEngineError(Throwable e, Path modelFile) {
		String message = String.valueOf(e.getMessage());
		String kept = savedBestEpoch > 0 ? " The best model so far (epoch " + savedBestEpoch + ") is kept in " + modelFile + "." : "";
		if (e instanceof OutOfMemoryError || message.toLowerCase(Locale.ROOT).contains("out of memory")
			|| message.toLowerCase(Locale.ROOT).contains("can't allocate") || message.contains("DefaultCPUAllocator")) {
			String what = e instanceof OutOfMemoryError ? "Java ran out of memory" : "the " + (message.contains("CUDA") ? "GPU" : "device") + " ran out of memory";
			return new UnetException(what + " while training with batch size " + settings.batchSize + " at " + settings.imageSize + "x" + settings.imageSize
				+ ": lower the batch size (try " + Math.max(1, settings.batchSize / 2) + ") or the image size, or use fewer base features." + kept, e);
		}
		return new UnetException("the PyTorch engine failed: " + Devices.describeEngineFailure(message) + "." + kept, e);
	}
}
