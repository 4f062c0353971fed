package org.lesionseg.unet.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.data.DatasetFolders;
import org.lesionseg.unet.core.data.ImageFiles;
import org.lesionseg.unet.core.data.MaskPolicy;
import org.lesionseg.unet.core.data.Normalization;
import org.lesionseg.unet.core.data.Pairing;
import org.lesionseg.unet.core.train.TrainingSettings;
import org.lesionseg.unet.workflow.LabelledImages;
import org.lesionseg.unet.workflow.SegmentRequest;
import org.lesionseg.unet.workflow.SegmentationJob;
import org.lesionseg.unet.workflow.Spelling;
import org.lesionseg.unet.workflow.sources.ImageSource;
import org.lesionseg.unet.workflow.TrainingJob;

/**
 * {@code unet demo}: the whole workflow on the shipped sample data, on the CPU in a few minutes. Trains a small
 * U-Net on the BHSD CT slices, segments the held-back test slices, evaluates them, and writes everything to
 * {@code demo-output/}.
 */
final class Demo {

	static final String HELP = String.join("\n", "usage: unet demo [--data sample-data/ich-ct-bhsd] [--output demo-output] [--epochs N] [--quick] [training options]", "",
		"Trains on the sample data (a small U-Net: base 16, 128x128 patches), then segments and evaluates the held-back test slices.",
		"Writes demo-output/: model.zip, predictions/ (probability maps, masks, ROI sets, objects.csv), metrics.csv,",
		"history.csv, training-curves.png and panels/ (image | truth | prediction).",
		"--quick trains 3 epochs (a smoke test). Any option of 'unet train' may be given to change the settings.");

	private final PrintStream out;

	Demo(PrintStream out) {
		this.out = out;
	}

	/** The demo's settings: the original workflow's choices, scaled to a CPU and a small data set. */
	static TrainingSettings defaults() {
		TrainingSettings s = new TrainingSettings();
		// Haemorrhages are small in a 512-pixel CT slice: train on 128-pixel patches at full resolution, half of them
		// centred on a lesion, and predict whole slices tile by tile.
		s.inputMode = "patch";
		s.patchForeground = 0.5;
		s.imageSize = 128;
		s.baseFeatures = 16;
		s.batchSize = 4;
		s.epochs = 60;
		s.learningRate = 1e-3f;
		s.loss = "bce_dice";
		s.optimizer = "adam";
		s.augment = "flip,rot90,rotate=15,brightness=0.1,contrast=0.1";
		s.valFraction = 0.2;
		s.testFraction = 0.2;
		s.seed = 7;
		s.device = "auto";
		return s;
	}

	int run(Args a) {
		Path data = Paths.get(a.string("data", "sample-data/ich-ct-bhsd"));
		Path output = Paths.get(a.string("output", "demo-output"));
		boolean quick = a.flag("quick");
		TrainingSettings s = defaults();
		if (quick)
			s.epochs = 3;
		s = UnetCli.settings(a, s);
		a.rejectUnknown();
		Path images = data.resolve("images"), masks = data.resolve("masks");
		if (!Files.isDirectory(images) || !Files.isDirectory(masks))
			throw new UnetException("no sample data at " + data.toAbsolutePath() + " (expected images/ and masks/): run the demo from the project folder or give --data");
		long start = System.nanoTime();
		out.println("UNet demo: training on " + data + " -> " + output);
		LabelledImages set = LabelledImages.fromFolders(images, masks, Pairing.BY_NAME, MaskPolicy.STRICT, Normalization.fromName(s.normalization));
		Path model = output.resolve("model.zip");
		TrainingJob.Outcome o = TrainingJob.run(set, s, model, null, false, output, new ConsoleProgress(out, System.console() != null), new java.util.concurrent.atomic.AtomicBoolean());
		new UnetCli(out, System.err).printOutcome(o);

		// segment the held-back slices from their files, as a user would
		List<Path> testFiles = new ArrayList<>();
		for (Path f : DatasetFolders.listImages(images))
			if (o.test != null && containsName(o, ImageFiles.baseName(f)))
				testFiles.add(f);
		SegmentationJob.run(SegmentRequest.builder(model, ImageSource.files(testFiles), Spelling.COMMAND_LINE).output(output.resolve("predictions"))
			.device(s.device).build(), new SegmentationJob.Listener() {
			});
		out.println("predictions of the " + testFiles.size() + " test slices: " + output.resolve("predictions"));
		out.printf(Locale.ROOT, "demo finished in %.1f min%n", (System.nanoTime() - start) / 60e9);
		if (o.test != null)
			out.printf(Locale.ROOT, "final test Dice: pooled %.4f, mean %.4f (mean over slices with lesion %.4f)%n", o.test.summary.pooledDice(),
				o.test.summary.meanDice(), o.test.summary.meanDiceNonEmpty());
		return 0;
	}

	private static boolean containsName(TrainingJob.Outcome o, String name) {
		for (org.lesionseg.unet.core.metrics.ImageMetrics m : o.test.images)
			if (m.name().equals(name))
				return true;
		return false;
	}
}
