package org.lesionseg.unet.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Point;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.core.data.ImageFiles;
import org.lesionseg.unet.core.data.MaskPolicy;
import org.lesionseg.unet.core.data.Normalization;
import org.lesionseg.unet.core.data.Pairing;
import org.lesionseg.unet.core.modelfile.ModelFile;
import org.lesionseg.unet.core.modelfile.TrainingSettings;
import org.lesionseg.unet.core.train.TrainingConfig;
import org.lesionseg.unet.ij.ClassRois;
import org.lesionseg.unet.workflow.FixedModels;
import org.lesionseg.unet.workflow.LabelledImages;
import org.lesionseg.unet.workflow.ReviewSession;
import org.lesionseg.unet.workflow.TrainingJob;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

import ij.ImagePlus;
import ij.gui.OvalRoi;
import ij.gui.Overlay;
import ij.gui.Roi;

/**
 * Review UNet Segmentation with a model of two classes, driven by macro keys (headless): the predicted ROIs carry
 * their class, an accepted slice's mask is the label mask of its ROIs' classes (a class changed as the panel's chooser
 * changes it, a drawn ROI without a class, two ROIs overlapping), the classes are kept in review.json and a model of
 * other classes cannot resume the review, and the fine-tuning reads label masks.
 */
class ReviewClassesTest {

	private static final List<String> CLASSES = Arrays.asList("core", "penumbra");
	private static Context context;

	@BeforeAll
	static void startContext() {
		context = new Context(CommandService.class);
	}

	@AfterAll
	static void stopContext() {
		context.dispose();
	}

	private static ReviewUNetSegmentation review(Object... keysAndValues) {
		CommandModule m = PluginTests.run(context, ReviewUNetSegmentation.class, keysAndValues);
		assertFalse(m.isCanceled(), String.valueOf(m.getCancelReason()));
		return (ReviewUNetSegmentation) m.getCommand();
	}

	private static String failure(Object... keysAndValues) {
		CommandModule m = PluginTests.run(context, ReviewUNetSegmentation.class, keysAndValues);
		assertTrue(m.isCanceled(), "the command should have stopped");
		String reason = m.getCancelReason();
		assertFalse(reason.contains("\n") || reason.contains("Exception"), reason);
		return reason;
	}

	/** Images of two disks each, the first class 1 (core), the second class 2 (penumbra), as label masks 0/1/2. */
	private static void writeLabelledSet(Path dir, int count, long seed) throws Exception {
		Files.createDirectories(dir.resolve("images"));
		Files.createDirectories(dir.resolve("masks"));
		Random random = new Random(seed);
		for (int i = 0; i < count; i++) {
			Blobs.Disk a = new Blobs.Disk(8 + random.nextInt(6), 8 + random.nextInt(6), 4), b = new Blobs.Disk(20 + random.nextInt(5), 20 + random.nextInt(5), 5);
			Blobs.Picture p = Blobs.draw(32, 32, Arrays.asList(a, b), random);
			byte[] labels = new byte[32 * 32];
			for (int y = 0; y < 32; y++)
				for (int x = 0; x < 32; x++)
					labels[y * 32 + x] = (byte) (a.contains(x, y) ? 1 : b.contains(x, y) ? 2 : 0);
			String name = String.format(Locale.ROOT, "pair%02d.png", i);
			ImageFiles.writePng8(dir.resolve("images").resolve(name), p.image, 32, 32);
			ImageFiles.writePng8(dir.resolve("masks").resolve(name), labels, 32, 32);
		}
	}

	/** A two-class U-Net trained for two epochs: what the review needs is a model file of two classes with its settings. */
	private static Path twoClassModel(Path tmp, Path data) throws Exception {
		TrainingSettings s = PluginTests.blobSettings();
		s.epochs = 2;
		s.classes = 2;
		s.classNames = CLASSES;
		s.valFraction = 0.25;
		s.testFraction = 0;
		LabelledImages images = LabelledImages.fromFolders(data.resolve("images"), data.resolve("masks"), Pairing.BY_NAME, MaskPolicy.LABELS,
			Normalization.fromName(s.normalization));
		Path model = tmp.resolve("two-classes.zip");
		EngineContext.call(() -> TrainingJob.run(images, TrainingConfig.of(s), model, null, false, null, null, new AtomicBoolean()));
		return model;
	}

	private static Set<Integer> pixels(Roi roi, int width) {
		Set<Integer> set = new HashSet<>();
		for (Point p : roi.getContainedPoints())
			set.add(p.y * width + p.x);
		return set;
	}

	private static int count(byte[] labels, int value) {
		int n = 0;
		for (byte b : labels)
			n += (b & 0xff) == value ? 1 : 0;
		return n;
	}

	private static byte[] labels(Path mask) {
		float[] values = ImageFiles.read(mask).plane(0);
		byte[] labels = new byte[values.length];
		for (int i = 0; i < values.length; i++)
			labels[i] = (byte) values[i];
		return labels;
	}

	@Test
	void aScriptedReviewOfTwoClassesWritesTheLabelMaskOfTheRoisClasses(@TempDir Path tmp) throws Exception {
		Path data = tmp.resolve("data");
		writeLabelledSet(data, 8, 5);
		Path model = twoClassModel(tmp, data);
		ImagePlus imp = Blobs.stacks("classes", Blobs.randomPictures(3, 32, 9))[0];
		Path set = tmp.resolve("set");

		// 1. the ranking: predicted ROIs carry their class as Segment gives it; review.json records the classes
		ReviewSession session = review("image", imp, "model_file", model.toFile(), "output_folder", set.toFile(), "ranking_file", tmp.resolve("r.csv").toFile())
			.session();
		assertTrue(session.isMultiClass());
		assertEquals(CLASSES, session.classNames());
		assertFalse(session.allPredictedRois().isEmpty(), "the two-class model finds objects");
		for (Roi r : session.allPredictedRois()) {
			int k = ClassRois.classOf(r, CLASSES);
			assertEquals(k, r.getGroup(), r.getName());
			assertTrue(r.getName().startsWith(CLASSES.get(k - 1) + ": "), r.getName());
		}
		String json = new String(Files.readAllBytes(set.resolve(ReviewSession.STATE_FILE)), StandardCharsets.UTF_8);
		assertTrue(json.replaceAll("\\s", "").contains("\"classes\":[\"core\",\"penumbra\"]"), json);

		// 2. the script's corrections: slice 1 a core square under a penumbra oval (the later ROI wins), slice 2 a ROI
		// whose class is changed from core to penumbra as the panel's chooser changes it, and a drawn ROI without class
		Overlay overlay = new Overlay();
		Roi square = new Roi(4, 4, 12, 12), oval = new OvalRoi(10, 10, 14, 12), changed = new Roi(2, 20, 9, 7), drawn = new OvalRoi(18, 3, 10, 8);
		ClassRois.setClass(square, 1, CLASSES, null);
		ClassRois.setClass(oval, 2, CLASSES, null);
		ClassRois.setClass(changed, 1, CLASSES, null);
		ClassRois.setClass(changed, 2, CLASSES, null);
		square.setPosition(1);
		oval.setPosition(1);
		changed.setPosition(2);
		drawn.setPosition(2);
		for (Roi r : Arrays.asList(square, oval, changed, drawn))
			overlay.add(r);
		imp.setOverlay(overlay);
		ReviewSession decided = review("image", imp, "model_file", model.toFile(), "output_folder", set.toFile(), "accept", "1,2", "reject", "3").session();
		assertEquals(2, decided.count(ReviewSession.Decision.ACCEPTED));

		byte[] one = labels(set.resolve("masks/classes_s001.png"));
		Set<Integer> inOval = pixels(oval, 32), inSquare = pixels(square, 32);
		inSquare.removeAll(inOval);
		assertEquals(inOval.size(), count(one, 2));
		assertEquals(inSquare.size(), count(one, 1));
		assertEquals(32 * 32 - inOval.size() - inSquare.size(), count(one, 0));
		assertTrue(inSquare.size() < 144, "the oval covers part of the square");
		byte[] two = labels(set.resolve("masks/classes_s002.png"));
		assertEquals(63, count(two, 2), "the changed ROI's 9x7 pixels are penumbra");
		assertEquals(pixels(drawn, 32).size(), count(two, 1), "a ROI drawn without a class is class 1");
		assertEquals(32 * 32 - 63 - pixels(drawn, 32).size(), count(two, 0));
		assertFalse(Files.exists(set.resolve("masks/classes_s003.png")));

		// 3. a model of other classes (or a binary one) cannot resume the review: one line
		Path other = FixedModels.classes(tmp.resolve("other.zip"), 3, Arrays.asList("a", "b", "c"));
		String line = failure("image", imp, "model_file", other.toFile(), "output_folder", set.toFile(), "ranking_file", tmp.resolve("r2.csv").toFile());
		assertEquals("output_folder " + set + " holds a review of the classes core, penumbra but model " + other
			+ " has the classes a, b, c: give a model of the classes core, penumbra to resume it, or another output_folder for a new review", line);
		Path binary = FixedModels.grey(tmp.resolve("binary.zip"), 3);
		assertTrue(failure("image", imp, "model_file", binary.toFile(), "output_folder", set.toFile(), "ranking_file", tmp.resolve("r3.csv").toFile())
			.contains("has one class (0/1 masks)"));

		// 4. the fine-tuning reads label masks: the accepted ones and the original set's, checked against the model's classes
		Path tuned = tmp.resolve("tuned.zip");
		ReviewUNetSegmentation tuning = review("image", imp, "model_file", model.toFile(), "output_folder", set.toFile(), "fine_tune", true, "epochs", 1,
			"training_folder", data.toFile(), "tuned_model", tuned.toFile());
		assertEquals(Arrays.asList("background", "core", "penumbra"), ModelFile.readInfo(tuned).classNames);
		assertEquals(1, tuning.tuned().training.history.size());
		// read as 0/1 masks a label 3 would pass unnoticed; read as labels it is refused, naming the file
		Path bad = tmp.resolve("bad");
		writeLabelledSet(bad, 2, 6);
		byte[] three = new byte[32 * 32];
		three[0] = 3;
		ImageFiles.writePng8(bad.resolve("masks/pair01.png"), three, 32, 32);
		String refused = failure("image", imp, "model_file", model.toFile(), "output_folder", set.toFile(), "fine_tune", true, "epochs", 1, "training_folder",
			bad.toFile(), "tuned_model", tmp.resolve("tuned2.zip").toFile());
		assertTrue(refused.contains("has label value 3 but there are only 2 class(es) (core,penumbra)"), refused);
	}

	/** Predictions of a two-class model read from a folder: the classes are those its ROI sets name (ROI group k). */
	@Test
	void aPredictionsFolderOfTwoClassesReviewsByClass(@TempDir Path tmp) throws Exception {
		ImagePlus imp = Blobs.stacks("folder", Blobs.randomPictures(2, 32, 4))[0];
		Path predictions = Files.createDirectories(tmp.resolve("predictions"));
		float[] p = new float[32 * 32];
		Arrays.fill(p, 0.2f);
		Roi penumbra = new Roi(3, 3, 6, 5), core = new OvalRoi(12, 12, 9, 9);
		ClassRois.setClass(penumbra, 2, CLASSES, null);
		ClassRois.setClass(core, 1, CLASSES, null);
		for (int s = 1; s <= 2; s++) {
			ImageFiles.writeTiffFloat(predictions.resolve(String.format(Locale.ROOT, "folder_s%03d_prob.tif", s)), p, 32, 32);
			org.lesionseg.unet.ij.RoiSets.write(predictions.resolve(String.format(Locale.ROOT, "folder_s%03d_rois.zip", s)),
				s == 1 ? Arrays.asList(penumbra, core) : Arrays.asList((Roi) penumbra.clone()));
		}
		Path set = tmp.resolve("set");
		ReviewSession session = review("image", imp, "predictions_folder", predictions.toFile(), "output_folder", set.toFile(), "accept", "1").session();
		assertEquals(CLASSES, session.classNames());
		byte[] labels = labels(set.resolve("masks/folder_s001.png"));
		assertEquals(30, count(labels, 2));
		assertEquals(pixels(core, 32).size(), count(labels, 1));
	}
}
