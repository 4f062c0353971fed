package org.lesionseg.unet.plugins;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Point;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.data.ImageFiles;
import org.lesionseg.unet.core.data.MaskPolicy;
import org.lesionseg.unet.core.data.Normalization;
import org.lesionseg.unet.core.data.Pairing;
import org.lesionseg.unet.core.metrics.ConfusionCounts;
import org.lesionseg.unet.core.modelfile.ModelFile;
import org.lesionseg.unet.core.modelfile.TrainingSettings;
import org.lesionseg.unet.core.predict.MaskPostprocessing;
import org.lesionseg.unet.core.predict.Segmenter;
import org.lesionseg.unet.core.predict.TiledPredictor;
import org.lesionseg.unet.core.train.TrainingConfig;
import org.lesionseg.unet.ij.ClassRois;
import org.lesionseg.unet.workflow.FixedModels;
import org.lesionseg.unet.workflow.LabelledImages;
import org.lesionseg.unet.workflow.ReviewJob;
import org.lesionseg.unet.workflow.ReviewRequest;
import org.lesionseg.unet.workflow.ReviewSession;
import org.lesionseg.unet.workflow.TrainingJob;
import org.lesionseg.unet.workflow.options.Option;
import org.lesionseg.unet.workflow.options.ReviewOptions;
import org.lesionseg.unet.workflow.sources.ImageSource;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

import ij.ImagePlus;
import ij.gui.OvalRoi;
import ij.gui.Overlay;
import ij.gui.Roi;

/**
 * Review UNet Segmentation driven by macro keys, headless, through the command: the ranking, decisions with ROIs a
 * script edited in the image's overlay, the masks written, resuming, bad input, and a fine-tuning on the corrections.
 * With a model of two classes: the predicted ROIs carry their class, an accepted slice's mask is the label mask of its
 * ROIs' classes (a class changed as the panel's chooser changes it, a drawn ROI without a class, two ROIs overlapping),
 * the classes are kept in review.json and a model of other classes cannot resume the review, and the fine-tuning reads
 * label masks.
 */
class ReviewTest {

	private static Context context;

	@BeforeAll
	static void startContext() {
		context = new Context(CommandService.class);
	}

	@AfterAll
	static void stopContext() {
		context.dispose();
	}

	/** Six 32×32 slices; slice 2 has two disks (one to delete), the others one. */
	static List<Blobs.Picture> pictures(long seed) {
		Random random = new Random(seed);
		List<Blobs.Picture> pictures = new ArrayList<>(Blobs.randomPictures(6, 32, seed));
		pictures.set(1, Blobs.draw(32, 32, Arrays.asList(new Blobs.Disk(9, 9, 5), new Blobs.Disk(22, 22, 5)), random));
		return pictures;
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

	/** Lesion pixels of a mask file. */
	static int foreground(Path mask) {
		int n = 0;
		for (byte b : ImageFiles.readMask(mask, MaskPolicy.STRICT))
			if (b != 0)
				n++;
		return n;
	}

	private static int area(List<Roi> rois) {
		int n = 0;
		for (Roi r : rois)
			n += r.getContainedPoints().length;
		return n;
	}

	private static List<Roi> onSlice(Overlay overlay, int slice) {
		List<Roi> found = new ArrayList<>();
		for (Roi r : overlay.toArray())
			if (r.getPosition() == slice)
				found.add(r);
		return found;
	}

	private static List<String> names(Path dir) throws Exception {
		try (Stream<Path> files = Files.list(dir)) {
			return files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
		}
	}

	@Test
	void aScriptedReviewWritesExactlyTheCorrectedMasksAndResumes(@TempDir Path tmp) throws Exception {
		Path model = PluginTests.blobModel();
		List<Blobs.Picture> pictures = pictures(7);
		ImagePlus imp = Blobs.stacks("review", pictures)[0];
		Path set = tmp.resolve("set"), ranking = tmp.resolve("ranking.csv");

		// 1. the ranking alone: a CSV most uncertain first, the predictions in the overlay for the script to edit
		ReviewUNetSegmentation ranked = review("image", imp, "model_file", model.toFile(), "output_folder", set.toFile());
		ReviewSession first = ranked.session();
		ranked.session().writeRanking(ranking);
		List<String> lines = Files.readAllLines(ranking);
		assertEquals("rank,slice,name,score,objects,decision", lines.get(0));
		assertEquals(7, lines.size());
		double previous = Double.MAX_VALUE;
		List<Integer> slices = new ArrayList<>();
		for (String line : lines.subList(1, lines.size())) {
			String[] f = line.split(",");
			double score = Double.parseDouble(f[3]);
			assertTrue(score <= previous, lines.toString());
			previous = score;
			slices.add(Integer.parseInt(f[1]));
			assertEquals("open", f[5]);
		}
		assertEquals(Arrays.asList(1, 2, 3, 4, 5, 6), slices.stream().sorted().collect(Collectors.toList()));
		Overlay overlay = imp.getOverlay();
		assertEquals(first.allPredictedRois().size(), overlay.size());
		assertEquals(null, ranked.panel(), "no panel without a display");

		// 2. the script edits: slice 3's ROI replaced by its own outline, one of slice 2's two objects deleted
		for (Roi r : onSlice(overlay, 3))
			overlay.remove(r);
		Roi drawn = new OvalRoi(4, 6, 11, 9);
		drawn.setPosition(3);
		overlay.add(drawn);
		List<Roi> two = onSlice(overlay, 2);
		assertEquals(2, two.size(), "the blob model should find both disks of slice 2");
		overlay.remove(two.get(0));
		List<Roi> kept5 = onSlice(overlay, 5);

		ReviewSession decided = review("image", imp, "model_file", model.toFile(), "output_folder", set.toFile(), "accept", "3,2,5", "reject", "4").session();
		assertEquals(3, decided.count(ReviewSession.Decision.ACCEPTED));
		assertEquals(1, decided.count(ReviewSession.Decision.REJECTED));
		assertEquals(Arrays.asList("review_s002.png", "review_s003.png", "review_s005.png"), names(set.resolve("images")));
		assertEquals(names(set.resolve("images")), names(set.resolve("masks")));
		assertEquals(drawn.getContainedPoints().length, foreground(set.resolve("masks/review_s003.png")));
		assertEquals(area(Collections.singletonList(two.get(1))), foreground(set.resolve("masks/review_s002.png")));
		assertEquals(area(kept5), foreground(set.resolve("masks/review_s005.png")));
		assertTrue(area(kept5) > 0);
		float[] expected = new float[32 * 32];
		for (int i = 0; i < expected.length; i++)
			expected[i] = pictures.get(2).image[i] & 0xff;
		assertArrayEquals(expected, ImageFiles.read(set.resolve("images/review_s003.png")).plane(0), 0f);

		// 3. resume: decisions and order come back from review.json; a later reject takes a slice out of the set
		Path again = tmp.resolve("again.csv");
		ReviewSession resumed = review("image", imp, "model_file", model.toFile(), "output_folder", set.toFile(), "ranking_file", again.toFile(), "reject", "5")
			.session();
		assertArrayEquals(first.order(), resumed.order());
		assertEquals(ReviewSession.Decision.ACCEPTED, resumed.decision(1));
		assertEquals(ReviewSession.Decision.ACCEPTED, resumed.decision(2));
		assertEquals(ReviewSession.Decision.REJECTED, resumed.decision(3));
		assertEquals(ReviewSession.Decision.REJECTED, resumed.decision(4));
		assertEquals(ReviewSession.Decision.OPEN, resumed.decision(0));
		assertEquals(Arrays.asList("review_s002.png", "review_s003.png"), names(set.resolve("images")));
		assertTrue(Files.readAllLines(again).stream().anyMatch(l -> l.matches("\\d+,3,review_s003,.*,accepted")), Files.readAllLines(again).toString());

		// 4. bad input, one line each
		Path other = FixedModels.grey(tmp.resolve("other.zip"), 3);
		assertTrue(failure("image", imp, "model_file", other.toFile(), "output_folder", set.toFile(), "ranking_file", again.toFile())
			.contains("holds the review of model " + model.toAbsolutePath()));
		ImagePlus smaller = Blobs.stacks("review", pictures.subList(0, 4))[0];
		String size = failure("image", smaller, "model_file", model.toFile(), "output_folder", set.toFile(), "ranking_file", again.toFile());
		assertTrue(size.contains("(6 slices of 32x32) but review.tif has 4 slices"), size);
		assertTrue(failure("image", imp, "model_file", model.toFile(), "output_folder", set.toFile(), "accept", "9").contains("slice 9 does not exist"));
	}

	@Test
	void anEmptyStackIsOneLine(@TempDir Path tmp) {
		Map<String, String> given = new java.util.LinkedHashMap<>();
		given.put("predictions_folder", tmp.resolve("predictions").toFile().getPath());
		tmp.resolve("predictions").toFile().mkdirs();
		given.put("output_folder", tmp.resolve("set").toString());
		ReviewRequest request = ReviewRequest.of(ReviewOptions.SET.parse(given, Option.Where.FIJI), ImageSource.of("empty", Collections.emptyList()), null);
		ReviewSession.Stack empty = new ReviewSession.Stack("empty.tif", Collections.emptyList(), Collections.emptyList(), Collections.emptyList(), 8, false, null);
		UnetException e = org.junit.jupiter.api.Assertions.assertThrows(UnetException.class, () -> ReviewJob.open(request, empty, null));
		assertEquals("empty.tif has no slices to review", e.getMessage());
	}

	/**
	 * Predictions read from a folder as Segment Folder wrote them: the slice whose probability hesitates ranks first,
	 * unless a network's uncertainty map says another slice is less sure.
	 */
	@Test
	void predictionsFromAFolderAreRankedByTheirUncertainty(@TempDir Path tmp) throws Exception {
		List<Blobs.Picture> pictures = Blobs.randomPictures(3, 32, 5);
		ImagePlus imp = Blobs.stacks("folder", pictures)[0];
		Path predictions = Files.createDirectories(tmp.resolve("predictions"));
		for (int s = 0; s < 3; s++) {
			float[] p = new float[32 * 32];
			for (int i = 0; i < p.length; i++)
				p[i] = pictures.get(s).mask[i] != 0 ? (s == 1 ? 0.6f : 0.99f) : 0.01f;
			ImageFiles.writeTiffFloat(predictions.resolve(String.format(Locale.ROOT, "folder_s%03d_prob.tif", s + 1)), p, 32, 32);
		}
		Path set = tmp.resolve("set");
		ReviewSession session = review("image", imp, "predictions_folder", predictions.toFile(), "output_folder", set.toFile(), "ranking_file",
			tmp.resolve("r.csv").toFile()).session();
		assertEquals(1, session.order()[0]);
		assertEquals(1, session.predictedRois(0).size());
		float[] u = new float[32 * 32];
		Arrays.fill(u, 0.9f);
		ImageFiles.writeTiffFloat(predictions.resolve("folder_s003_uncertainty.tif"), u, 32, 32);
		ReviewSession withMap = review("image", imp, "predictions_folder", predictions.toFile(), "output_folder", tmp.resolve("set2").toFile(), "ranking_file",
			tmp.resolve("r2.csv").toFile()).session();
		assertEquals(2, withMap.order()[0]);
		assertEquals(0.9, withMap.score(2), 1e-6);
		// the predictions folder is an input: the training set goes elsewhere
		assertTrue(failure("image", imp, "predictions_folder", predictions.toFile(), "output_folder", predictions.resolve("set").toFile())
			.contains("is in predictions_folder"));
	}

	/** A young model, its slices corrected to the truth and accepted, fine-tuned: the Dice on those slices goes up. */
	@Test
	void fineTuningOnTheCorrectedSlicesRaisesTheirDice(@TempDir Path tmp) throws Exception {
		Path data = tmp.resolve("data");
		Blobs.writeFolders(data, 16, 32, 11);
		TrainingSettings s = PluginTests.blobSettings();
		s.epochs = 1;
		Path young = tmp.resolve("young.zip");
		LabelledImages images = LabelledImages.fromFolders(data.resolve("images"), data.resolve("masks"), Pairing.BY_NAME, MaskPolicy.STRICT,
			Normalization.fromName(s.normalization));
		EngineContext.call(() -> TrainingJob.run(images, TrainingConfig.of(s), young, null, false, null, null, new AtomicBoolean()));

		List<Blobs.Picture> pictures = Blobs.randomPictures(6, 32, 21);
		ImagePlus imp = Blobs.stacks("tune", pictures)[0];
		// the corrections: every slice's lesion outlined as it truly is
		Overlay truth = new Overlay();
		for (int z = 0; z < pictures.size(); z++)
			for (Blobs.Disk d : pictures.get(z).disks) {
				Roi r = new ij.gui.PolygonRoi(circle(d), Roi.POLYGON);
				r.setPosition(z + 1);
				truth.add(r);
			}
		imp.setOverlay(truth);
		Path set = tmp.resolve("set"), tuned = tmp.resolve("tuned.zip");
		ReviewUNetSegmentation command = review("image", imp, "model_file", young.toFile(), "output_folder", set.toFile(), "accept", "1,2,3,4,5,6",
			"fine_tune", true, "tuned_model", tuned.toFile(), "epochs", 20);
		assertEquals(6, command.session().count(ReviewSession.Decision.ACCEPTED));
		assertTrue(Files.isRegularFile(tuned));
		double before = dice(young, set), after = dice(tuned, set);
		System.out.printf(Locale.ROOT, "review fine-tuning: pooled Dice on the 6 corrected slices %.3f before, %.3f after%n", before, after);
		assertTrue(after > before + 0.1, "Dice " + before + " -> " + after);
		assertEquals("none", ModelFile.readInfo(tuned).settings.augment, "the corrected slices are learnt as they are unless asked otherwise");
		String refused = failure("image", imp, "model_file", young.toFile(), "output_folder", set.toFile(), "fine_tune", true, "augment", "flip,spin=3");
		assertTrue(refused.contains("augment 'flip,spin=3' is not none, model or a list such as flip,rotate=15"), refused);
	}

	/** A disk as the polygon of its pixel outline (what a user would draw around it). */
	static java.awt.Polygon circle(Blobs.Disk d) {
		java.awt.Polygon p = new java.awt.Polygon();
		for (int a = 0; a < 32; a++) {
			double t = 2 * Math.PI * a / 32;
			p.addPoint((int) Math.round(d.cx + 0.5 + (d.r + 0.5) * Math.cos(t)), (int) Math.round(d.cy + 0.5 + (d.r + 0.5) * Math.sin(t)));
		}
		return p;
	}

	/** Pooled Dice of a model on the training set's slices against their masks. */
	private static double dice(Path model, Path set) throws Exception {
		return EngineContext.call(() -> {
			ConfusionCounts sum = ConfusionCounts.ZERO;
			try (Segmenter segmenter = new Segmenter(model, "cpu", new TiledPredictor.Options())) {
				try (Stream<Path> files = Files.list(set.resolve("images"))) {
					for (Path f : (Iterable<Path>) files.sorted()::iterator) {
						float[] pixels = ImageFiles.read(f).plane(0);
						Segmenter.Result r = segmenter.segment(f.getFileName().toString(), pixels, 32, 32, 1, 8, new MaskPostprocessing.Options());
						sum = sum.plus(ConfusionCounts.of(r.mask(), ImageFiles.readMask(set.resolve("masks").resolve(f.getFileName()), MaskPolicy.STRICT)));
					}
				}
			} catch (java.io.IOException e) {
				throw new IllegalStateException(e);
			}
			return sum.dice();
		});
	}

	// several classes: a model of core and penumbra, reviewed by class

	static final List<String> CLASSES = Arrays.asList("core", "penumbra");

	/** A 32×32 picture of two disks, the first class 1 (core), the second class 2 (penumbra), with its label mask. */
	static final class TwoClasses {
		final Blobs.Picture picture;
		final Blobs.Disk core, penumbra;
		final byte[] labels = new byte[32 * 32];

		TwoClasses(Random random) {
			core = new Blobs.Disk(8 + random.nextInt(6), 8 + random.nextInt(6), 4);
			penumbra = new Blobs.Disk(20 + random.nextInt(5), 20 + random.nextInt(5), 5);
			picture = Blobs.draw(32, 32, Arrays.asList(core, penumbra), random);
			for (int y = 0; y < 32; y++)
				for (int x = 0; x < 32; x++)
					labels[y * 32 + x] = (byte) (core.contains(x, y) ? 1 : penumbra.contains(x, y) ? 2 : 0);
		}
	}

	/** Pictures of {@link TwoClasses} as a training set of label masks 0/1/2. */
	static void writeLabelledSet(Path dir, int count, long seed) throws Exception {
		Files.createDirectories(dir.resolve("images"));
		Files.createDirectories(dir.resolve("masks"));
		Random random = new Random(seed);
		for (int i = 0; i < count; i++) {
			TwoClasses p = new TwoClasses(random);
			String name = String.format(Locale.ROOT, "pair%02d.png", i);
			ImageFiles.writePng8(dir.resolve("images").resolve(name), p.picture.image, 32, 32);
			ImageFiles.writePng8(dir.resolve("masks").resolve(name), p.labels, 32, 32);
		}
	}

	/** A two-class U-Net trained for two epochs: what the review needs is a model file of two classes with its settings. */
	private static Path twoClassModel(Path tmp, Path data) throws Exception {
		return twoClassModel(tmp, data, 2);
	}

	static Path twoClassModel(Path tmp, Path data, int epochs) throws Exception {
		TrainingSettings s = PluginTests.blobSettings();
		s.epochs = epochs;
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
		assertEquals("training_folder " + bad + " has the mask pair01 with label 3 but model two-classes.zip has 2 classes (core, penumbra): "
			+ "give the training set of this model (label masks 0..2)", refused);
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
