package org.lesionseg.unet.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.data.ImageFiles;
import org.lesionseg.unet.core.data.LoadedImage;
import org.lesionseg.unet.core.modelfile.ModelFile;
import org.lesionseg.unet.core.modelfile.ModelInfo;
import org.lesionseg.unet.ij.ClassRois;
import org.lesionseg.unet.ij.RoiSets;
import org.lesionseg.unet.workflow.options.Option;
import org.lesionseg.unet.workflow.options.TrainOptions;
import org.lesionseg.unet.workflow.sources.ImageSource;

import ij.gui.Roi;

/**
 * A real multi-class training through the option registry and requests, as the command line and Fiji make it: label
 * images of two classes, a tiny U-Net trained for a few epochs, then segmentation with its per-class outputs and
 * metrics, and the bad inputs of several classes refused in one line each.
 */
class MultiClassWorkflowTest {

	@TempDir
	Path dir;
	private Path images, labels;

	@BeforeEach
	void writeLabelImages() throws IOException {
		images = dir.resolve("data").resolve("images");
		labels = dir.resolve("data").resolve("labels");
		TwoClassImages.write(images, labels, 8);
	}

	private TrainRequest request(String... keyValues) {
		Map<String, String> m = new LinkedHashMap<>();
		m.put("images_folder", images.toString());
		m.put("masks_folder", labels.toString());
		m.put("model_file", dir.resolve("out").resolve("m.zip").toString());
		for (int i = 0; i < keyValues.length; i += 2)
			m.put(keyValues[i], keyValues[i + 1]);
		return TrainRequest.of(TrainOptions.SET.parse(m, Option.Where.EVERYWHERE));
	}

	private static Set<Integer> values(Path png) {
		LoadedImage l = ImageFiles.read(png);
		Set<Integer> seen = new HashSet<>();
		for (float v : l.plane(0))
			seen.add((int) v);
		return seen;
	}

	@Test
	void aTinyTrainingOnLabelImagesSegmentsEachClass() throws IOException {
		TrainRequest r = request(TwoClassImages.tinyTraining("epochs", "25", "test_fraction", "0"));
		assertEquals(2, r.config.settings().classes);
		TrainingJob.Outcome trained = TrainingJob.run(r, null, null);
		ModelInfo info = ModelFile.readInfo(r.modelFile);
		assertEquals(3, info.outputClasses, "a softmax over background and the two classes");
		assertEquals(List.of("background", "bright", "grey"), info.classNames);
		assertEquals(3, info.classColours.size());
		assertTrue(trained.training.bestValDice > 0.5, "macro validation Dice " + trained.training.bestValDice);

		Path out = dir.resolve("pred");
		SegmentRequest segment = SegmentRequest.builder(r.modelFile, ImageSource.files(images), Spelling.COMMAND_LINE).masks(labels).output(out).device("cpu")
			.build();
		SegmentationJob.Outcome o = SegmentationJob.run(segment, new SegmentationJob.Listener() {
		});
		for (int i = 0; i < 8; i++) {
			assertEquals(Set.of(0, 1, 2), values(out.resolve("img" + i + "_labels.png")), "img" + i + ": background and both classes");
			assertTrue(Files.isRegularFile(out.resolve("img" + i + "_prob_bright.tif")));
			assertTrue(Files.isRegularFile(out.resolve("img" + i + "_prob_grey.tif")));
		}
		assertTrue(o.classSummary.pooledDice(1) > 0.8 && o.classSummary.pooledDice(2) > 0.8, o.classSummary.summaryLine());
		List<String> summary = Files.readAllLines(out.resolve("class_summary.csv"));
		assertTrue(summary.get(1).startsWith("bright,1,") && summary.get(2).startsWith("grey,2,") && summary.get(3).startsWith("macro_mean,"),
			String.join("\n", summary));
		// ROIs per class: named and grouped by class; the objects table says the class
		List<Roi> rois = RoiSets.read(out.resolve("img0_rois.zip"));
		Set<String> names = new HashSet<>();
		for (Roi roi : rois) {
			String cls = roi.getName().substring(0, roi.getName().indexOf(':'));
			names.add(cls);
			assertEquals(cls.equals("bright") ? 1 : 2, roi.getGroup(), roi.getName());
			assertEquals(cls, roi.getProperty(ClassRois.PROPERTY_CLASS));
		}
		assertEquals(Set.of("bright", "grey"), names);
		List<String> objects = Files.readAllLines(out.resolve("objects.csv"));
		assertTrue(objects.get(0).endsWith(",class"), objects.get(0));
		Set<String> classes = new HashSet<>();
		for (String row : objects.subList(1, objects.size()))
			classes.add(row.substring(row.lastIndexOf(',') + 1));
		assertEquals(Set.of("bright", "grey"), classes);

		// an evaluation's panels draw each class in its colour (outlines in the exact class colour)
		try (org.lesionseg.unet.core.predict.Segmenter segmenter = new org.lesionseg.unet.core.predict.Segmenter(r.modelFile, "cpu",
			new org.lesionseg.unet.core.predict.TiledPredictor.Options())) {
			LabelledImages truth = LabelledImages.fromFolders(images, labels, org.lesionseg.unet.core.data.Pairing.BY_NAME,
				org.lesionseg.unet.core.data.MaskPolicy.LABELS, r.normalization);
			Evaluation.Outcome evaluated = Evaluation.evaluate(segmenter, truth.samples.subList(0, 2), segment.prediction().postprocessing(), 1, null);
			assertEquals(o.classSummary.classes(), evaluated.classes.classes());
			BufferedImage panel = evaluated.panels.get(0).image();
			Set<Integer> colours = new HashSet<>();
			for (int y = 0; y < panel.getHeight(); y++)
				for (int x = 0; x < panel.getWidth(); x++)
					colours.add(panel.getRGB(x, y) & 0xffffff);
			assertTrue(colours.contains(0xe6194b) && colours.contains(0x3cb44b), "the panel shows both class colours");
		}

		// truth with a class the model does not have: one line naming the value
		BufferedImage three = new BufferedImage(32, 32, BufferedImage.TYPE_BYTE_GRAY);
		three.getRaster().setSample(3, 3, 0, 3);
		Path badLabels = Files.createDirectories(dir.resolve("bad"));
		ImageIO.write(three, "png", badLabels.resolve("img0.png").toFile());
		Path one = Files.createDirectories(dir.resolve("one"));
		Files.copy(images.resolve("img0.png"), one.resolve("img0.png"));
		UnetException e = assertThrows(UnetException.class, () -> SegmentationJob.run(
			SegmentRequest.builder(r.modelFile, ImageSource.files(one), Spelling.COMMAND_LINE).masks(badLabels).output(dir.resolve("pred2")).device("cpu").build(),
			new SegmentationJob.Listener() {
			}));
		assertEquals("mask img0.png has label value 3 but there are only 2 class(es) (bright,grey): give classes=3 and its names, or fix the label image "
			+ "(0 = background, 1..2)", e.getMessage());

		// test-time augmentation combines one probability map: refused for classes in one line that says what to do
		UnetException tta = assertThrows(UnetException.class, () -> SegmentationJob.run(
			SegmentRequest.builder(r.modelFile, ImageSource.files(one), Spelling.COMMAND_LINE).output(dir.resolve("pred3")).device("cpu")
				.testTimeAugmentation(org.lesionseg.unet.core.predict.TestTimeAugmentation.Transforms.FLIPS).build(),
			new SegmentationJob.Listener() {
			}));
		assertEquals("test-time augmentation is for binary models (one probability map); this network gives 3 maps, as a model of several classes does: "
			+ "set test_time_augmentation to none", tta.getMessage());
	}

	@Test
	void oneMaskFolderPerClassReadsAsTheLabelImages() throws IOException {
		Path perClass = dir.resolve("data").resolve("per-class");
		for (int k = 1; k <= 2; k++) {
			Path folder = Files.createDirectories(perClass.resolve(k == 1 ? "bright" : "grey"));
			for (int i = 0; i < 8; i++) {
				BufferedImage label = ImageIO.read(labels.resolve("img" + i + ".png").toFile()), mask = new BufferedImage(32, 32, BufferedImage.TYPE_BYTE_GRAY);
				for (int y = 0; y < 32; y++)
					for (int x = 0; x < 32; x++)
						mask.getRaster().setSample(x, y, 0, label.getRaster().getSample(x, y, 0) == k ? 255 : 0);
				ImageIO.write(mask, "png", folder.resolve("img" + i + ".png").toFile());
			}
		}
		Map<String, String> m = new LinkedHashMap<>();
		m.put("images_folder", images.toString());
		m.put("masks_folder", perClass.toString());
		m.put("model_file", dir.resolve("out").resolve("m.zip").toString());
		m.put("class_names", "bright,grey");
		TrainRequest r = TrainRequest.of(TrainOptions.SET.parse(m, Option.Where.EVERYWHERE));
		LabelledImages read = r.data.read(r.normalization, r.maskPolicy);
		LabelledImages truth = LabelledImages.fromFolders(images, labels, org.lesionseg.unet.core.data.Pairing.BY_NAME,
			org.lesionseg.unet.core.data.MaskPolicy.LABELS, r.normalization);
		assertEquals(8, read.samples.size());
		for (org.lesionseg.unet.core.data.Sample s : truth.samples)
			org.junit.jupiter.api.Assertions.assertArrayEquals(s.maskData(), read.select(List.of(s.name())).get(0).maskData(), s.name());
	}

	@Test
	void badInputOfSeveralClassesIsOneLine() throws IOException {
		assertEquals("3 class name(s) (a,b,c) for 2 classes: give one name per label value 1..2, or leave classes out to count the names",
			assertThrows(UnetException.class, () -> request("classes", "2", "class_names", "a,b,c")).getMessage());
		assertEquals("mask_policy labels reads label images of several classes: give classes=K (or class_names) with it, or use strict for binary masks",
			assertThrows(UnetException.class, () -> request("mask_policy", "labels")).getMessage());
		assertEquals("loss tversky is for binary masks only; for 2 classes use bce_dice (cross-entropy + multi-class Dice), bce (cross-entropy) or dice",
			assertThrows(UnetException.class, () -> request("classes", "2", "loss", "tversky")).getMessage());
		// names and colours from a table
		Path table = dir.resolve("classes.csv");
		Files.writeString(table, "name,colour\nbright,#ff0000\ngrey,#00ff00\n");
		TrainRequest fromTable = request("class_names", table.toString());
		assertEquals(List.of("bright", "grey"), fromTable.config.settings().classNames);
		assertEquals(List.of("#ff0000", "#00ff00"), fromTable.config.settings().classColours);
		assertNull(request().config.settings().classNames, "binary stays the default");
		assertEquals(1, request().config.settings().classes);
		// a label above the classes, found when the images are read, before any network is built
		BufferedImage five = ImageIO.read(labels.resolve("img4.png").toFile());
		five.getRaster().setSample(0, 0, 0, 5);
		ImageIO.write(five, "png", labels.resolve("img4.png").toFile());
		TrainRequest tooHigh = request("class_names", "a,b", "test_fraction", "0", "val_fraction", "0", "epochs", "1", "batch_size", "2", "image_size", "32",
			"depth", "2", "base_features", "4", "device", "cpu");
		assertEquals("mask img4 has label value 5 but there are only 2 class(es) (a,b): give classes=5 and its names, or fix the label image (0 = background, 1..2)",
			assertThrows(UnetException.class, () -> TrainingJob.run(tooHigh, null, null)).getMessage());
	}
}
