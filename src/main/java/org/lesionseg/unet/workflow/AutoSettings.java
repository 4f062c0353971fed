package org.lesionseg.unet.workflow;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.lesionseg.unet.core.data.Sample;
import org.lesionseg.unet.core.modelfile.TrainingSettings;
import org.lesionseg.unet.workflow.options.Option;
import org.lesionseg.unet.workflow.options.TrainOptions;

/**
 * The training settings a user left to the job ({@code auto}), chosen from the data, the device's memory, the
 * optimizer and the epochs, the way the self-configuring trainers do:
 * <ul>
 * <li>image size: the median image's longer side (a multiple of 2^depth, at most 512), halved while a batch of two
 * would not fit the memory;</li>
 * <li>batch size: as many images as fit the memory, at most 32 and at most the training images;</li>
 * <li>learning rate: the optimizer's usual one (1e-3 for Adam, 1e-2 for SGD...);</li>
 * <li>schedule: one warm-up epoch, then a cosine decay to 1% of the learning rate (as the self-configuring trainers
 * decay theirs to near zero), whatever the optimizer; constant below 10 epochs;</li>
 * <li>patience: a quarter of the epochs, at least 5 (0 without validation images: nothing to stop on).</li>
 * </ul>
 * The memory of one training image is estimated from the U-Net's activations: 64 floats per base feature and pixel
 * (every level keeps its convolution, normalisation and activation outputs for the backward pass, in the encoder and
 * the decoder: about 32; the backward pass's temporaries about as much again). Measured on the CPU (base 16,
 * 112×112), the peak memory grew by 42 MB per image of the batch; this rule says 51 MB. The weights with their
 * gradients and Adam's two moments come on top; half the device's memory is planned for, the rest left to the
 * engine's workspace, the data and the system.
 */
public final class AutoSettings {

	/** Share of the device memory a training plans for. */
	static final double MEMORY_SHARE = 0.5;
	static final int MAX_BATCH = 32;
	static final int MAX_SIDE = 512;
	/** Fewer epochs than this keep a constant rate under scheduler auto. */
	static final int MIN_EPOCHS_TO_DECAY = 10;
	/** The smallest batch an automatic image size leaves room for. */
	static final int MIN_BATCH = 2;
	static final int MIN_PATIENCE = 5;

	/** The settings with every auto value filled in, and the line that says what was chosen and why. */
	public static final class Choice {
		public final TrainingSettings settings;
		public final String line;

		Choice(TrainingSettings settings, String line) {
			this.settings = settings;
			this.line = line;
		}
	}

	/** What the choice needs of the data: how many images train, and the median image. */
	public static final class Data {
		final int trainingImages;
		final int width, height, channels;

		public Data(int trainingImages, int width, int height, int channels) {
			this.trainingImages = Math.max(1, trainingImages);
			this.width = width;
			this.height = height;
			this.channels = channels;
		}

		/** The facts of a labelled set, with the share of it the split leaves for training. */
		public static Data of(List<Sample> samples, double valFraction, double testFraction) {
			long[] areas = new long[samples.size()];
			for (int i = 0; i < areas.length; i++)
				areas[i] = (long) samples.get(i).width() * samples.get(i).height();
			long[] sorted = areas.clone();
			Arrays.sort(sorted);
			long median = sorted[sorted.length / 2];
			Sample m = samples.get(0);
			for (int i = 0; i < areas.length; i++)
				if (areas[i] == median) {
					m = samples.get(i);
					break;
				}
			return new Data((int) Math.round(samples.size() * (1 - valFraction - testFraction)), m.width(), m.height(), m.channels());
		}
	}

	private AutoSettings() {
	}

	/**
	 * Fills in the settings named in {@code auto} (option names of {@link TrainOptions}).
	 *
	 * @param memoryBytes the devices' memory ({@code DeviceMemory}), 0 when unknown
	 * @param deviceName how the devices are named in the line (cpu, gpu:0, ...)
	 */
	public static Choice choose(TrainingSettings given, Set<String> auto, Data data, long memoryBytes, String deviceName) {
		TrainingSettings s = given.copy();
		Map<String, String> why = new LinkedHashMap<>();
		List<String> parts = new ArrayList<>();
		int multiple = 1 << s.depth;
		double budget = memoryBytes * MEMORY_SHARE - 16.0 * parameters(s.baseFeatures, s.depth, data.channels);
		String memory = memoryBytes > 0 ? String.format(Locale.ROOT, "%.1f GB %s memory", memoryBytes / 1e9, deviceName) : "memory unknown";
		if (auto.contains(TrainOptions.IMAGE_SIZE.name())) {
			int side = Math.max(data.width, data.height);
			int size = Math.max(multiple, Math.min(MAX_SIDE, side) / multiple * multiple);
			size = Math.max(size, (8 + multiple - 1) / multiple * multiple);
			boolean halved = false;
			while (memoryBytes > 0 && size / 2 >= Math.max(8, multiple) && MIN_BATCH * imageBytes(size, s.baseFeatures) > budget) {
				size = size / 2 / multiple * multiple;
				halved = true;
			}
			s.imageSize = size;
			String reason = "median image " + data.width + "×" + data.height + (side > MAX_SIDE ? ", at most " + MAX_SIDE : "")
				+ (halved ? ", halved until a batch of " + MIN_BATCH + " fits " + memory : "");
			why.put(TrainOptions.IMAGE_SIZE.name(), reason);
			parts.add("image size " + size + " (" + reason + ")");
		}
		if (auto.contains(TrainOptions.BATCH_SIZE.name())) {
			double perImage = imageBytes(s.imageSize, s.baseFeatures);
			int fits = memoryBytes > 0 ? (int) Math.max(1, Math.min(MAX_BATCH, Math.floor(budget / perImage))) : given.batchSize;
			int batch = Math.max(1, Math.min(fits, data.trainingImages));
			s.batchSize = batch;
			String reason = String.format(Locale.ROOT, "%s, about %.2f GB per image of %d×%d%s", memory, perImage / 1e9, s.imageSize, s.imageSize,
				batch < fits ? "; at most the " + data.trainingImages + " training images" : fits == MAX_BATCH ? "; at most " + MAX_BATCH : "");
			why.put(TrainOptions.BATCH_SIZE.name(), reason);
			parts.add(0, "batch " + batch + " (" + reason + ")");
		}
		if (auto.contains(TrainOptions.LEARNING_RATE.name())) {
			s.learningRate = usualLearningRate(s.optimizer);
			String reason = TrainOptions.OPTIMIZER.parse(s.optimizer) + "'s usual";
			why.put(TrainOptions.LEARNING_RATE.name(), reason);
			parts.add("learning rate " + Option.formatValue(s.learningRate) + " (" + reason + ")");
		}
		if (auto.contains(TrainOptions.SCHEDULER.name())) {
			String reason;
			if (s.epochs >= MIN_EPOCHS_TO_DECAY) {
				s.scheduler = "cosine:warmup=1,min=" + new java.math.BigDecimal(Float.toString(s.learningRate)).movePointLeft(2).stripTrailingZeros().toPlainString(); // decimal: 1e-3 gives 0.00001
				reason = "one warm-up epoch, then a cosine decay to 1% of the rate by epoch " + s.epochs;
			} else {
				s.scheduler = "constant";
				reason = "fewer than " + MIN_EPOCHS_TO_DECAY + " epochs are too few to decay over";
			}
			why.put(TrainOptions.SCHEDULER.name(), reason);
			parts.add("schedule " + s.scheduler + " (" + reason + ")");
		}
		if (auto.contains(TrainOptions.PATIENCE.name())) {
			String reason;
			if (s.valFraction <= 0) {
				s.patience = 0;
				reason = "no validation images to stop on";
			} else {
				s.patience = Math.max(MIN_PATIENCE, Math.round(s.epochs / 4f));
				reason = "a quarter of " + s.epochs + " epochs, at least " + MIN_PATIENCE;
			}
			why.put(TrainOptions.PATIENCE.name(), reason);
			parts.add("patience " + s.patience + " (" + reason + ")");
		}
		s.auto = why.isEmpty() ? null : why;
		return new Choice(s, "auto settings: " + String.join(", ", parts));
	}

	/** The learning rate each optimizer is usually run with (PyTorch's and Keras' defaults; nnU-Net's for SGD). */
	static float usualLearningRate(String optimizer) {
		switch (TrainOptions.OPTIMIZER.parse(optimizer)) {
			case "sgd":
			case "momentum":
			case "nesterov":
			case "adagrad":
				return 1e-2f;
			case "adadelta":
				return 1f;
			default: // adam, adamw, rmsprop
				return 1e-3f;
		}
	}

	/** Bytes one training image of side {@code size} keeps for the backward pass (see the class comment). */
	static double imageBytes(int size, int baseFeatures) {
		return 64.0 * baseFeatures * size * size * Float.BYTES;
	}

	/** The U-Net's weights: two 3×3 convolutions per level and side, the up-sampling and the 1×1 output. */
	static double parameters(int baseFeatures, int depth, int channels) {
		double p = 0;
		int in = channels;
		for (int l = 0; l <= depth; l++) {
			double c = (double) baseFeatures * (1 << l);
			p += 9 * (in * c + c * c); // encoder (the bottleneck at l = depth)
			if (l < depth)
				p += 4 * (2 * c) * c + 9 * (2 * c * c + c * c); // up-sampling from the level below, then the decoder block
			in = (int) c;
		}
		return p + baseFeatures;
	}
}
