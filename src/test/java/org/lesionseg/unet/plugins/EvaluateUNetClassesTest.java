package org.lesionseg.unet.plugins;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.core.data.ImageFiles;
import org.lesionseg.unet.core.data.LoadedImage;
import org.lesionseg.unet.core.metrics.ClassMetricsSummary;
import org.lesionseg.unet.script.UNet;
import org.lesionseg.unet.workflow.Evaluation;
import org.lesionseg.unet.workflow.TwoClassImages;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.ResultsTable;
import ij.process.ByteProcessor;

/**
 * Evaluate UNet with a model of two classes on an open stack and its open label stack (headless, as a macro runs it):
 * the same per-class results as on the folders the stacks were made of, in the tables, the report folder and through
 * the script API; a label the model does not have is one line naming the mask slice.
 */
class EvaluateUNetClassesTest {

	@TempDir
	static Path dir;
	private static Path images, labels, model;
	private static Context context;

	@BeforeAll
	static void trainTwoClasses() throws Exception {
		images = dir.resolve("images");
		labels = dir.resolve("labels");
		TwoClassImages.write(images, labels, 8);
		model = dir.resolve("two.zip");
		EngineContext.call(() -> TwoClassImages.train(images, labels, model, 15));
		context = new Context(CommandService.class);
	}

	@AfterAll
	static void stopContext() {
		context.dispose();
	}

	/** The eight PNGs of a folder as one 8-bit stack, values as stored. */
	private static ImagePlus stack(Path folder, String title) {
		ImageStack stack = new ImageStack(32, 32);
		for (int i = 0; i < 8; i++) {
			LoadedImage png = ImageFiles.read(folder.resolve("img" + i + ".png"));
			byte[] pixels = new byte[32 * 32];
			for (int p = 0; p < pixels.length; p++)
				pixels[p] = (byte) png.plane(0)[p];
			stack.addSlice(null, new ByteProcessor(32, 32, pixels));
		}
		return new ImagePlus(title, stack);
	}

	private static EvaluateUNet evaluate(Object... keysAndValues) {
		Object[] all = new Object[keysAndValues.length + 4];
		all[0] = "model_file";
		all[1] = model.toFile();
		all[2] = "panel_count";
		all[3] = 0;
		System.arraycopy(keysAndValues, 0, all, 4, keysAndValues.length);
		CommandModule m = PluginTests.run(context, EvaluateUNet.class, all);
		assertFalse(m.isCanceled(), String.valueOf(m.getCancelReason()));
		return (EvaluateUNet) m.getCommand();
	}

	@Test
	void anOpenLabelStackGivesThePerClassResultsOfTheFolders() throws Exception {
		Path folderReport = dir.resolve("folder-report"), openReport = dir.resolve("open-report");
		ClassMetricsSummary folders = evaluate("images_folder", images.toFile(), "masks_folder", labels.toFile(), "report_folder", folderReport.toFile())
			.outcome().classes;
		assertTrue(folders.pooledDice(1) > 0.5 && folders.pooledDice(2) > 0.5, "the tiny model tells the classes apart: " + folders.summaryLine());

		ImagePlus image = stack(images, "scan.tif"), mask = stack(labels, "labels.tif");
		EvaluateUNet open = evaluate("image", image, "mask", mask, "report_folder", openReport.toFile());
		ClassMetricsSummary classes = open.outcome().classes;
		assertEquals(List.of("bright", "grey"), classes.names());
		for (int k = 1; k <= 2; k++) {
			assertEquals(folders.pooledDice(k), classes.pooledDice(k), 1e-12, "pooled Dice of class " + k);
			assertEquals(folders.meanDice(k), classes.meanDice(k), 1e-12, "mean Dice of class " + k);
			for (int i = 0; i < 8; i++) // slice i of the stack is img<i>
				assertEquals(folders.imageMetrics().get(i).counts(k).dice(), classes.imageMetrics().get(i).counts(k).dice(), 1e-12, "image " + i + ", class " + k);
		}
		assertEquals(folders.summaryLine(), classes.summaryLine());
		// the per-class CSVs of the report folder: the summary holds no image names, so it is the folders' byte for byte
		assertArrayEquals(Files.readAllBytes(folderReport.resolve("class_summary.csv")), Files.readAllBytes(openReport.resolve("class_summary.csv")));
		assertEquals(1 + 8 * 2, Files.readAllLines(openReport.resolve("class_metrics.csv")).size());
		// the tables Fiji shows
		ResultsTable perClass = open.classSummaryTable(), perImage = open.classMetricsTable();
		assertEquals(3, perClass.size(), "two classes and the macro mean");
		assertEquals("grey", perClass.getStringValue("class", 1));
		assertEquals(classes.pooledDice(2), perClass.getValue("pooled_dice", 1), 1e-6);
		assertEquals(classes.macroPooledDice(), perClass.getValue("pooled_dice", 2), 1e-6);
		assertEquals(16, perImage.size());
		assertEquals(classes.imageMetrics().get(3).counts(2).truthPixels(), perImage.getValue("truth_pixels", 3 * 2 + 1), 0);

		// a multi-class model reads label images whatever the mask policy asks, as for folders
		assertEquals(classes.summaryLine(), evaluate("image", image, "mask", mask, "mask_policy", "threshold_half").outcome().classes.summaryLine());
		// the script API gives the same per-class metrics
		Evaluation.Outcome scripted = UNet.evaluate(model, image, mask, Map.of("panel_count", "0"));
		assertEquals(classes.pooledDice(1), scripted.classes.pooledDice("bright"), 1e-12);
		assertEquals(classes.meanDice(2), scripted.classes.meanDice("grey"), 1e-12);
	}

	@Test
	void aLabelTheModelDoesNotHaveIsOneLineNamingTheMaskSlice() {
		ImagePlus image = stack(images, "scan.tif"), mask = stack(labels, "labels.tif");
		mask.getStack().getProcessor(5).set(0, 0, 3);
		CommandModule m = PluginTests.run(context, EvaluateUNet.class, "model_file", model.toFile(), "image", image, "mask", mask, "panel_count", 0);
		assertTrue(m.isCanceled());
		assertEquals("mask labels.tif (slice 5) has label value 3 but there are only 2 class(es) (bright,grey): give classes=3 and its names, or fix the label "
			+ "image (0 = background, 1..2)", m.getCancelReason());
		assertNull(((EvaluateUNet) m.getCommand()).outcome(), "refused before any prediction");
	}
}
