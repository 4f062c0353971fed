package org.lesionseg.unet.workflow;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.lesionseg.unet.core.data.ImageFiles;
import org.lesionseg.unet.core.data.LoadedImage;
import org.lesionseg.unet.core.data.MaskPolicy;
import org.lesionseg.unet.core.data.Normalization;
import org.lesionseg.unet.core.data.Pairing;
import org.lesionseg.unet.core.metrics.ConfusionCounts;
import org.lesionseg.unet.core.modelfile.TrainingSettings;
import org.lesionseg.unet.core.predict.MaskPostprocessing;
import org.lesionseg.unet.core.predict.Segmenter;
import org.lesionseg.unet.core.predict.TiledPredictor;
import org.lesionseg.unet.core.train.TrainingConfig;
import org.lesionseg.unet.workflow.options.Option;
import org.lesionseg.unet.workflow.options.ReviewOptions;
import org.lesionseg.unet.workflow.sources.ImageSource;
import org.lesionseg.unet.workflow.sources.SourceImage;

import ij.process.ByteProcessor;
import ij.process.ImageProcessor;

/**
 * The numbers of docs/review.md on real CT (sample-data/ich-ct-bhsd): a small U-Net trained on the first 24 slices
 * (by name, so whole patients), a review of the other 12 as one stack: does the uncertainty ranking put the worst
 * slices first, and does a fine-tuning on the 12 corrected slices (their true masks) raise their Dice? Not a test (a few
 * minutes); run with the test class path:
 *
 * <pre>
 * java -cp target/test-classes:target/classes:$(cat cp.txt) org.lesionseg.unet.workflow.ReviewMeasurement sample-data/ich-ct-bhsd /tmp/review-measure
 * </pre>
 */
public final class ReviewMeasurement {

	private ReviewMeasurement() {
	}

	public static void main(String[] args) throws Exception {
		Path data = Paths.get(args[0]), work = Files.createDirectories(Paths.get(args[1]));
		List<String> names;
		try (Stream<Path> files = Files.list(data.resolve("images"))) {
			names = files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
		}
		List<String> train = names.subList(0, 24), review = names.subList(24, names.size());
		Path trainDir = work.resolve("train");
		for (String sub : new String[] { "images", "masks" }) {
			Files.createDirectories(trainDir.resolve(sub));
			for (String n : train)
				Files.copy(data.resolve(sub).resolve(n), trainDir.resolve(sub).resolve(n), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
		}
		TrainingSettings s = new TrainingSettings();
		s.imageSize = 128;
		s.baseFeatures = 16;
		s.depth = 4;
		s.epochs = Integer.parseInt(System.getProperty("epochs", "15"));
		s.batchSize = 4;
		s.learningRate = 1e-3f;
		s.valFraction = 0;
		s.testFraction = 0;
		s.device = "cpu";
		s.loaderThreads = 1;
		s.seed = 1;
		Path model = work.resolve("model.zip");
		long t0 = System.nanoTime();
		LabelledImages images = LabelledImages.fromFolders(trainDir.resolve("images"), trainDir.resolve("masks"), Pairing.BY_NAME, MaskPolicy.STRICT,
			Normalization.fromName(s.normalization));
		if (!(Boolean.getBoolean("reuse") && Files.isRegularFile(model))) // -Dreuse=true: the model of an earlier run, to try other fine-tunings
			TrainingJob.run(images, TrainingConfig.of(s), model, null, false, null, null, new AtomicBoolean());
		System.out.printf(Locale.ROOT, "trained on %d slices in %.0f s%n", train.size(), (System.nanoTime() - t0) / 1e9);

		// the review stack
		List<float[]> planes = new ArrayList<>();
		List<ImageProcessor> processors = new ArrayList<>();
		List<String> sampleNames = new ArrayList<>();
		Map<Integer, byte[]> truth = new LinkedHashMap<>();
		int w = 0, h = 0;
		for (String n : review) {
			LoadedImage img = ImageFiles.read(data.resolve("images").resolve(n));
			w = img.width();
			h = img.height();
			planes.add(img.plane(0));
			byte[] pixels = new byte[w * h];
			for (int i = 0; i < pixels.length; i++)
				pixels[i] = (byte) Math.round(img.plane(0)[i]);
			processors.add(new ByteProcessor(w, h, pixels));
			sampleNames.add(ImageFiles.baseName(Paths.get(n)));
			truth.put(truth.size(), ImageFiles.readMask(data.resolve("masks").resolve(n), MaskPolicy.STRICT));
		}
		LoadedImage stack = new LoadedImage("review", w, h, 1, 8, planes);
		Map<String, String> given = new LinkedHashMap<>();
		given.put("model_file", model.toString());
		given.put("output_folder", work.resolve("set").toString());
		given.put("epochs", System.getProperty("tune", "10"));
		given.put("device", "cpu");
		given.put("augment", System.getProperty("augment", "none")); // -Daugment=model: the model's own (default flip,rot90,rotate,scale,brightness,contrast)
		ReviewRequest request = ReviewRequest.of(ReviewOptions.SET.parse(given, Option.Where.FIJI),
			ImageSource.of("review", Collections.singletonList(new SourceImage(stack, null))), null);
		ReviewSession.Stack slices = new ReviewSession.Stack("review.tif", sampleNames, Collections.nCopies(review.size(), (String) null), processors, 8, false, null);
		ReviewSession session = ReviewJob.open(request, slices, new SegmentationJob.Listener() {
		});
		session.writeRanking(work.resolve("ranking.csv"));
		double[] dice = new double[review.size()];
		ConfusionCounts before = ConfusionCounts.ZERO;
		try (Segmenter segmenter = new Segmenter(model, "cpu", new TiledPredictor.Options())) {
			for (int p = 0; p < review.size(); p++) {
				ConfusionCounts c = ConfusionCounts.of(segmenter.segment("s", planes.get(p), w, h, 1, 8, new MaskPostprocessing.Options().minSize(5)).mask(), truth.get(p));
				dice[p] = c.dice();
				before = before.plus(c);
			}
		}
		int[] order = session.order();
		StringBuilder table = new StringBuilder("rank | slice | score | Dice\n");
		for (int r = 0; r < order.length; r++)
			table.append(String.format(Locale.ROOT, "%d | %s | %.4f | %.3f%n", r + 1, session.name(order[r]), session.score(order[r]), dice[order[r]]));
		System.out.print(table);
		double firstHalf = 0, secondHalf = 0;
		for (int r = 0; r < order.length; r++)
			if (r < order.length / 2)
				firstHalf += dice[order[r]] / (order.length / 2);
			else
				secondHalf += dice[order[r]] / (order.length - order.length / 2);
		System.out.printf(Locale.ROOT, "mean Dice of the %d most uncertain slices %.3f, of the other %d %.3f%n", order.length / 2, firstHalf,
			order.length - order.length / 2, secondHalf);
		for (int p = 0; p < review.size(); p++)
			session.accept(p, truth.get(p));
		t0 = System.nanoTime();
		ReviewJob.fineTune(session, null, new AtomicBoolean());
		System.out.printf(Locale.ROOT, "fine-tuned %s epochs in %.0f s%n", given.get("epochs"), (System.nanoTime() - t0) / 1e9);
		ConfusionCounts after = ConfusionCounts.ZERO;
		try (Segmenter segmenter = new Segmenter(request.tunedModel, "cpu", new TiledPredictor.Options())) {
			for (int p = 0; p < review.size(); p++)
				after = after.plus(ConfusionCounts.of(segmenter.segment("s", planes.get(p), w, h, 1, 8, new MaskPostprocessing.Options().minSize(5)).mask(),
					truth.get(p)));
		}
		System.out.printf(Locale.ROOT, "pooled Dice on the %d reviewed slices: %.3f before, %.3f after fine-tuning (%s)%n", review.size(), before.dice(),
			after.dice(), Arrays.toString(new String[] { request.tunedModel.getFileName().toString() }));
		System.exit(0);
	}
}
