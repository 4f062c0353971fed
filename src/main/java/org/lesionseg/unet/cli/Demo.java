package org.lesionseg.unet.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.data.DatasetFolders;
import org.lesionseg.unet.core.data.ImageFiles;
import org.lesionseg.unet.workflow.LabelledSource;
import org.lesionseg.unet.workflow.SegmentRequest;
import org.lesionseg.unet.workflow.SegmentationJob;
import org.lesionseg.unet.workflow.Spelling;
import org.lesionseg.unet.workflow.TrainRequest;
import org.lesionseg.unet.workflow.sources.ImageSource;
import org.lesionseg.unet.workflow.TrainingJob;
import org.lesionseg.unet.workflow.options.CommonOptions;
import org.lesionseg.unet.workflow.options.DemoOptions;
import org.lesionseg.unet.workflow.options.OptionValues;

/**
 * {@code unet demo}: the whole workflow on the shipped sample data, on the CPU in a few minutes. Trains a small
 * U-Net on the BHSD CT slices, segments the held-back test slices, evaluates them, and writes everything to
 * {@code demo-output/}.
 */
final class Demo {

	static final String USAGE = "usage: unet demo [--data sample-data/ich-ct-bhsd] [--output demo-output] [--quick] [training options]";

	private final PrintStream out;

	Demo(PrintStream out) {
		this.out = out;
	}

	int run(OptionValues options) {
		Path data = options.get(DemoOptions.DATA);
		Path output = options.get(DemoOptions.OUTPUT);
		Path images = data.resolve("images"), masks = data.resolve("masks");
		if (!Files.isDirectory(images) || !Files.isDirectory(masks))
			throw new UnetException("no sample data at " + data.toAbsolutePath() + " (expected images/ and masks/): run the demo from the project folder or give --data");
		Path model = output.resolve("model.zip");
		TrainRequest request = TrainRequest.of(options, LabelledSource.folders(images, masks, CommonOptions.PAIRING.defaultValue()), model, null, false, output);
		long start = System.nanoTime();
		out.println("UNet demo: training on " + data + " -> " + output);
		TrainingJob.Outcome o = TrainingJob.run(request, new ConsoleProgress(out, System.console() != null), new AtomicBoolean());
		new UnetCli(out, System.err).printOutcome(o);

		// segment the held-back slices from their files, as a user would
		List<Path> testFiles = new ArrayList<>();
		for (Path f : DatasetFolders.listImages(images))
			if (o.test != null && containsName(o, ImageFiles.baseName(f)))
				testFiles.add(f);
		SegmentationJob.run(SegmentRequest.builder(model, ImageSource.files(testFiles), Spelling.COMMAND_LINE).output(output.resolve("predictions"))
			.device(request.config.settings().device).build(), new SegmentationJob.Listener() {
				@Override
				public void warning(String message) {
					out.println("warning: " + message);
				}
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
