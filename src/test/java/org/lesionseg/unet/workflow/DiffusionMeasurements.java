package org.lesionseg.unet.workflow;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.lesionseg.unet.core.data.MaskPolicy;
import org.lesionseg.unet.core.data.Normalization;
import org.lesionseg.unet.core.data.Pairing;
import org.lesionseg.unet.core.data.Sample;
import org.lesionseg.unet.core.engine.DeviceChoice;
import org.lesionseg.unet.core.modelfile.DiffusionSettings;
import org.lesionseg.unet.core.modelfile.ModelFile;
import org.lesionseg.unet.core.modelfile.ModelInfo;
import org.lesionseg.unet.core.modelfile.TrainingSettings;
import org.lesionseg.unet.core.predict.Segmenter;
import org.lesionseg.unet.core.predict.TiledPredictor;
import org.lesionseg.unet.core.train.TrainingConfig;

/**
 * The measurements of docs/diffusion.md (not a test: run by hand, see the doc for the command). Trains a U-Net and a
 * diffusion model on one sample-data set with the same split, epochs, size and width, then a U-Net for the
 * diffusion model's training time; times sampling for steps × K; relates the uncertainty map to the errors.
 * <p>
 * Arguments: set (ich-ct-bhsd or isles22-case0009), epochs, size, base, depth, input mode (resize or patch), sampling steps
 * (validation samples with at most 10), and diffusion-only to skip the U-Nets.
 */
public final class DiffusionMeasurements {

	private DiffusionMeasurements() {
	}

	public static void main(String[] args) throws Exception {
		if (args.length > 0 && args[0].equals("timing")) {
			timing(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
			return;
		}
		String set = args.length > 0 ? args[0] : "ich-ct-bhsd";
		int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 30;
		int size = args.length > 2 ? Integer.parseInt(args[2]) : 64;
		int base = args.length > 3 ? Integer.parseInt(args[3]) : 8;
		int depth = args.length > 4 ? Integer.parseInt(args[4]) : 3;
		mode = args.length > 5 ? args[5] : "resize";
		samplingSteps = args.length > 6 ? Integer.parseInt(args[6]) : 10;
		boolean diffusionOnly = args.length > 7 && args[7].equals("diffusion-only");
		// SET-crops: LesionCrops of the set's slices at the given size (full resolution)
		boolean crops = set.endsWith("-crops");
		set = crops ? set.substring(0, set.length() - "-crops".length()) : set;
		Path root = Paths.get("sample-data", set);
		LabelledImages images = LabelledImages.fromFolders(root.resolve("images"), root.resolve("masks"), Pairing.BY_NAME, MaskPolicy.STRICT,
			Normalization.SCALE_01);
		if (crops)
			images = LesionCrops.of(images, size, 7);
		Path dir = Files.createTempDirectory("diffusion-measure");
		System.out.printf(Locale.ROOT, "set %s: %d images; %d epochs, %d px %s, base %d, depth %d, sampling steps %d%n", set, images.samples.size(), epochs, size,
			mode, base, depth, samplingSteps);

		long t0 = System.nanoTime();
		TrainingJob.Outcome diffusion = TrainingJob.run(images, TrainingConfig.of(settings(set, "diffusion", epochs, size, base, depth)),
			dir.resolve("diffusion.zip"), null, false, null, PRINT, null);
		double diffusionSeconds = (System.nanoTime() - t0) / 1e9;
		report("diffusion", diffusion, diffusionSeconds);
		if (diffusionOnly) {
			uncertainty(images, dir);
			return;
		}

		t0 = System.nanoTime();
		TrainingJob.Outcome unet = TrainingJob.run(images, TrainingConfig.of(settings(set, "unet", epochs, size, base, depth)), dir.resolve("unet.zip"), null,
			false, null, null, null);
		double unetSeconds = (System.nanoTime() - t0) / 1e9;
		report("unet same epochs", unet, unetSeconds);
		int sameTimeEpochs = Math.max(1, (int) Math.round(epochs * diffusionSeconds / unetSeconds));
		t0 = System.nanoTime();
		TrainingJob.Outcome unetSameTime = TrainingJob.run(images, TrainingConfig.of(settings(set, "unet", sameTimeEpochs, size, base, depth)),
			dir.resolve("unet-time.zip"), null, false, null, PRINT, null);
		report("unet same time (" + sameTimeEpochs + " epochs)", unetSameTime, (System.nanoTime() - t0) / 1e9);
		uncertainty(images, dir);
	}

	/** Sampling time, Dice and uncertainty against errors on the diffusion model's test images for steps × K. */
	private static void uncertainty(LabelledImages images, Path dir) {
		ModelInfo info = ModelFile.readInfo(dir.resolve("diffusion.zip"));
		List<Sample> test = images.select(info.testImages);
		for (int steps : new int[] { 5, 25 })
			for (int k : new int[] { 1, 5 }) {
				DiffusionSettings sampling = info.diffusion.copy();
				sampling.samplingSteps = steps;
				sampling.samples = k;
				try (Segmenter segmenter = new Segmenter(dir.resolve("diffusion.zip"), DeviceChoice.parse("cpu"), new TiledPredictor.Options(), sampling)) {
					segmenter.mapsOfNormalised(test.get(0)); // warm-up
					long s0 = System.nanoTime();
					double[] stats = new double[6];
					for (Sample s : test)
						accumulate(stats, s, segmenter.mapsOfNormalised(s));
					double perImage = (System.nanoTime() - s0) / 1e9 / test.size();
					System.out.printf(Locale.ROOT,
						"sampling steps %d x K %d: %.3f s per image (%dx%d); pooled Dice %.4f; mean uncertainty on wrong pixels %.4f, on right pixels %.4f; AUC %.3f%n",
						steps, k, perImage, test.get(0).width(), test.get(0).height(), stats[0], stats[1], stats[2], stats[3]);
				}
			}
	}

	/** Sampling time of one size×size tile for steps × K on the CPU (the network's weights do not change its cost). */
	private static void timing(int size, int base, int depth) {
		try (ai.djl.ndarray.NDManager manager = ai.djl.ndarray.NDManager.newBaseManager(ai.djl.Device.cpu())) {
			org.lesionseg.unet.core.model.DiffusionUNetBlock net = new org.lesionseg.unet.core.model.DiffusionUNetBlock(
				new org.lesionseg.unet.core.model.UNetConfig().depth(depth).baseFeatures(base), size);
			net.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32, new ai.djl.ndarray.types.Shape(1, 1, size, size),
				new ai.djl.ndarray.types.Shape(1, 1, size, size), new ai.djl.ndarray.types.Shape(1));
			org.lesionseg.unet.core.diffusion.NoiseSchedule schedule = new org.lesionseg.unet.core.diffusion.NoiseSchedule(
				org.lesionseg.unet.core.diffusion.NoiseSchedule.Kind.LINEAR, 1000);
			java.nio.ByteBuffer input = java.nio.ByteBuffer.allocateDirect(size * size * 4).order(java.nio.ByteOrder.nativeOrder());
			for (int steps : new int[] { 1, 5, 10, 25, 50 })
				for (int k : new int[] { 1, 5 }) {
					DiffusionSettings sampling = new DiffusionSettings();
					sampling.samplingSteps = steps;
					sampling.samples = k;
					org.lesionseg.unet.core.predict.DiffusionTileNetwork network = new org.lesionseg.unet.core.predict.DiffusionTileNetwork(net, manager, schedule,
						sampling);
					float[] output = new float[2 * size * size];
					network.run(input, 1, 1, size, size, output); // warm-up
					long t0 = System.nanoTime();
					int repeats = 3;
					for (int r = 0; r < repeats; r++)
						network.run(input, 1, 1, size, size, output);
					System.out.printf(Locale.ROOT, "%d px, base %d, depth %d: steps %d x K %d: %.3f s per tile%n", size, base, depth, steps, k,
						(System.nanoTime() - t0) / 1e9 / repeats);
				}
		}
	}

	private static void report(String what, TrainingJob.Outcome o, double seconds) {
		System.out.printf(Locale.ROOT, "%s: test pooled Dice %.4f, mean Dice %.4f on %d images; best val Dice %.4f at epoch %d; %.0f s training+test%n", what,
			o.test.summary.pooledDice(), o.test.summary.meanDice(), o.test.summary.images(), o.training.bestValDice, o.training.bestEpoch, seconds);
	}

	private static final List<double[]> PAIRS = new ArrayList<>();

	/** Pooled Dice, mean uncertainty on wrong and right pixels and the AUC of uncertainty for errors, over images so far. */
	private static void accumulate(double[] stats, Sample s, float[][] maps) {
		if (stats[5] == 0)
			PAIRS.clear();
		stats[5] = 1;
		byte[] mask = s.maskData();
		for (int i = 0; i < mask.length; i++) {
			boolean truth = mask[i] != 0, predicted = maps[0][i] > 0.5f;
			PAIRS.add(new double[] { maps[1][i], truth != predicted ? 1 : 0, truth ? 1 : 0, predicted ? 1 : 0 });
		}
		long tp = 0, fp = 0, fn = 0, wrong = 0;
		double uWrong = 0, uRight = 0;
		for (double[] p : PAIRS) {
			if (p[2] == 1 && p[3] == 1)
				tp++;
			else if (p[3] == 1)
				fp++;
			else if (p[2] == 1)
				fn++;
			if (p[1] == 1) {
				wrong++;
				uWrong += p[0];
			} else
				uRight += p[0];
		}
		stats[0] = 2.0 * tp / Math.max(1, 2 * tp + fp + fn);
		stats[1] = uWrong / Math.max(1, wrong);
		stats[2] = uRight / Math.max(1, PAIRS.size() - wrong);
		stats[3] = auc(PAIRS);
	}

	/** Area under the ROC curve of uncertainty as a score for "this pixel is wrong" (ties count half). */
	static double auc(List<double[]> pairs) {
		double[][] sorted = pairs.toArray(new double[0][]);
		Arrays.sort(sorted, (a, b) -> Double.compare(a[0], b[0]));
		long positives = 0, negatives = 0;
		double rankSum = 0;
		int i = 0;
		while (i < sorted.length) {
			int j = i;
			while (j < sorted.length && sorted[j][0] == sorted[i][0])
				j++;
			double rank = (i + 1 + j) / 2.0;
			for (int k = i; k < j; k++)
				if (sorted[k][1] == 1) {
					positives++;
					rankSum += rank;
				} else
					negatives++;
			i = j;
		}
		if (positives == 0 || negatives == 0)
			return Double.NaN;
		return (rankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
	}

	/** Prints each epoch's validation, so that a long measurement shows where it is. */
	private static final org.lesionseg.unet.core.train.TrainingListener PRINT = new org.lesionseg.unet.core.train.TrainingListener() {
		@Override
		public void epochDone(org.lesionseg.unet.core.train.EpochRecord r, int epochs, boolean improved, double eta) {
			System.out.printf(Locale.ROOT, "  epoch %d: train loss %.4f, val pooled Dice %.4f, mean %.4f, %.1f s%n", r.epoch, r.trainLoss, r.valDice, r.valMeanDice, r.seconds);
		}
	};

	private static String mode = "resize";
	private static int samplingSteps = 10;

	static TrainingSettings settings(String set, String kind, int epochs, int size, int base, int depth) {
		return settings(set, kind, epochs, size, base, depth, mode, samplingSteps);
	}

	static TrainingSettings settings(String set, String kind, int epochs, int size, int base, int depth, String mode, int samplingSteps) {
		TrainingSettings s = new TrainingSettings();
		s.modelKind = kind;
		if ("diffusion".equals(kind)) {
			s.diffusion = new DiffusionSettings();
			s.diffusion.samplingSteps = samplingSteps;
			s.diffusion.samples = 5;
		}
		s.inputMode = mode;
		s.imageSize = size;
		s.depth = depth;
		s.baseFeatures = base;
		s.batchSize = 4;
		s.epochs = epochs;
		s.learningRate = 1e-3f;
		s.augment = "flip,rot90";
		s.device = "cpu";
		s.seed = 7;
		s.groupBy = set.startsWith("ich") ? LearningOnRealDataTest.VOLUME : "";
		return s;
	}
}
