package org.lesionseg.unet.plugins;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;

import org.lesionseg.unet.core.data.ImageFiles;
import org.lesionseg.unet.core.predict.MaskPostprocessing;
import org.lesionseg.unet.core.predict.Segmenter;
import org.lesionseg.unet.core.predict.TiledPredictor;
import org.lesionseg.unet.ij.ClassRois;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

import ij.gui.Overlay;
import ij.gui.PolygonRoi;
import ij.gui.Roi;

/**
 * What a multi-class review's fine-tuning does to the corrected slices (for docs/review.md, not a test): a young
 * two-class U-Net ({@code -Dyoung=} epochs on 16 pictures of {@link ReviewTest.TwoClasses}), a review of 6 new slices
 * whose true ROIs, with their classes, are accepted, a fine-tuning of {@code -Dtune=} epochs; prints each class's pooled
 * Dice on those slices before and after.
 *
 * <pre>
 * java -cp target/test-classes:target/classes:CLASSPATH org.lesionseg.unet.plugins.ReviewClassesMeasurement
 * </pre>
 */
public final class ReviewClassesMeasurement {

	private ReviewClassesMeasurement() {
	}

	public static void main(String[] args) throws Exception {
		Path tmp = Files.createTempDirectory("review-classes");
		int young = Integer.getInteger("young", 1), tune = Integer.getInteger("tune", 20);
		Path data = tmp.resolve("data");
		ReviewTest.writeLabelledSet(data, 16, 11);
		Path model = ReviewTest.twoClassModel(tmp, data, young);
		Random random = new Random(21);
		List<Blobs.Picture> pictures = new ArrayList<>();
		Overlay truth = new Overlay();
		for (int z = 1; z <= 6; z++) {
			ReviewTest.TwoClasses p = new ReviewTest.TwoClasses(random);
			pictures.add(p.picture);
			for (int k = 1; k <= 2; k++) {
				Roi r = new PolygonRoi(ReviewTest.circle(k == 1 ? p.core : p.penumbra), Roi.POLYGON);
				ClassRois.setClass(r, k, ReviewTest.CLASSES, null);
				r.setPosition(z);
				truth.add(r);
			}
		}
		ij.ImagePlus imp = Blobs.stacks("tune", pictures)[0];
		imp.setOverlay(truth);
		Path set = tmp.resolve("set"), tuned = tmp.resolve("tuned.zip");
		Context context = new Context(CommandService.class);
		long start = System.nanoTime();
		CommandModule m = PluginTests.run(context, ReviewUNetSegmentation.class, "image", imp, "model_file", model.toFile(), "output_folder", set.toFile(), "accept",
			"1,2,3,4,5,6", "fine_tune", true, "tuned_model", tuned.toFile(), "epochs", tune);
		double seconds = (System.nanoTime() - start) / 1e9;
		if (m.isCanceled())
			throw new IllegalStateException(m.getCancelReason());
		double[] before = dice(model, set), after = dice(tuned, set);
		System.out.printf(Locale.ROOT, "young %d epoch(s), fine-tuned %d epochs (review and fine-tuning %.1f s): pooled Dice core %.3f -> %.3f, penumbra %.3f -> %.3f%n",
			young, tune, seconds, before[0], after[0], before[1], after[1]);
		context.dispose();
		System.exit(0);
	}

	/** Each class's pooled Dice of a model on the training set's slices against their label masks. */
	private static double[] dice(Path model, Path set) throws Exception {
		return EngineContext.call(() -> {
			long[] both = new long[3], predicted = new long[3], truth = new long[3];
			try (Segmenter segmenter = new Segmenter(model, "cpu", new TiledPredictor.Options());
				Stream<Path> files = Files.list(set.resolve("images"))) {
				for (Path f : (Iterable<Path>) files.sorted()::iterator) {
					Segmenter.Result r = segmenter.segment(f.getFileName().toString(), ImageFiles.read(f).plane(0), 32, 32, 1, 8, new MaskPostprocessing.Options());
					float[] labels = ImageFiles.read(set.resolve("masks").resolve(f.getFileName())).plane(0);
					for (int i = 0; i < labels.length; i++) {
						int p = r.classLabels[i], t = (int) labels[i];
						predicted[p]++;
						truth[t]++;
						if (p == t)
							both[p]++;
					}
				}
			} catch (java.io.IOException e) {
				throw new IllegalStateException(e);
			}
			double[] dice = new double[2];
			for (int k = 1; k <= 2; k++)
				dice[k - 1] = 2.0 * both[k] / Math.max(1, predicted[k] + truth[k]);
			return dice;
		});
	}
}
