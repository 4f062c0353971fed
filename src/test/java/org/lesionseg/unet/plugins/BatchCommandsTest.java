package org.lesionseg.unet.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.core.data.ImageFiles;
import org.lesionseg.unet.ij.RoiSets;
import org.lesionseg.unet.workflow.SegmentationJob;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

import ij.ImagePlus;
import ij.gui.Roi;
import ij.measure.ResultsTable;

/** Segment Folder with UNet, Evaluate UNet and UNet Engine Info, run as a macro would through SciJava. */
class BatchCommandsTest {

	private static Context context;

	@BeforeAll
	static void startContext() {
		context = new Context(CommandService.class);
	}

	@AfterAll
	static void stopContext() {
		context.dispose();
	}

	@Test
	void segmentsAFolderIntoFilesWithObjectsInsideTheLesions(@TempDir Path tmp) throws Exception {
		Path input = Files.createDirectories(tmp.resolve("in"));
		Random random = new Random(31);
		List<Blobs.Picture> pictures = Arrays.asList(Blobs.draw(40, 40, Arrays.asList(new Blobs.Disk(10, 10, 5), new Blobs.Disk(28, 28, 5)), random),
			Blobs.draw(56, 40, Arrays.asList(new Blobs.Disk(40, 20, 6)), random));
		for (int i = 0; i < pictures.size(); i++)
			ImageFiles.writePng8(input.resolve("case" + i + ".png"), pictures.get(i).image, pictures.get(i).width, pictures.get(i).height);
		Path output = tmp.resolve("out");
		CommandModule m = PluginTests.run(context, SegmentFolderWithUNet.class, "model_file", PluginTests.blobModel().toFile(), "input_folder",
			input.toFile(), "output_folder", output.toFile(), "no_probability", true);
		assertFalse(m.isCanceled(), String.valueOf(m.getCancelReason()));
		List<SegmentationJob.ImageResult> results = ((SegmentFolderWithUNet) m.getCommand()).results();
		assertEquals(2, results.size());
		assertEquals(Arrays.asList(2, 1), Arrays.asList(results.get(0).objects, results.get(1).objects));
		assertTrue(Files.isRegularFile(output.resolve("case0_mask.png")));
		assertFalse(Files.exists(output.resolve("case0_prob.tif")), "no_probability=true writes no probability map");
		for (int i = 0; i < pictures.size(); i++) {
			List<Roi> rois = RoiSets.read(output.resolve("case" + i + "_rois.zip"));
			assertEquals(pictures.get(i).disks.size(), rois.size());
			for (Roi roi : rois) {
				double[] c = roi.getContourCentroid();
				assertTrue(pictures.get(i).disks.stream().anyMatch(d -> d.contains(c[0], c[1])), "case" + i + " " + roi.getName());
			}
		}
		// objects.csv: a header and one line per object
		List<String> csv = Files.readAllLines(output.resolve("objects.csv"));
		assertEquals(String.join(",", SegmentationJob.OBJECTS_HEADER), csv.get(0));
		assertEquals(1 + 3, csv.size());
	}

	/** The macro key shard=i/N: the shards of a headless Fiji job array give the objects.csv of one run. */
	@Test
	void shardsOfSegmentFolderJoinIntoTheObjectsOfOneRun(@TempDir Path tmp) throws Exception {
		Blobs.writeFolders(tmp.resolve("set"), 5, 32, 41);
		Path input = tmp.resolve("set/images");
		Path whole = tmp.resolve("whole"), sharded = tmp.resolve("sharded");
		Object[] common = { "model_file", PluginTests.blobModel().toFile(), "input_folder", input.toFile(), "no_probability", true };
		assertFalse(PluginTests.run(context, SegmentFolderWithUNet.class, concat(common, "output_folder", whole.toFile())).isCanceled());
		CommandModule second = PluginTests.run(context, SegmentFolderWithUNet.class, concat(common, "output_folder", sharded.toFile(), "shard", "2/2"));
		assertFalse(second.isCanceled(), String.valueOf(second.getCancelReason()));
		assertEquals(3, ((SegmentFolderWithUNet) second.getCommand()).results().size(), "shard 2/2 of 5 images: the 3rd to the 5th");
		assertFalse(Files.exists(sharded.resolve("objects.csv")), "shard 1 is still to run");
		CommandModule first = PluginTests.run(context, SegmentFolderWithUNet.class, concat(common, "output_folder", sharded.toFile(), "shard", "1/2"));
		assertFalse(first.isCanceled(), String.valueOf(first.getCancelReason()));
		assertEquals(Files.readAllLines(whole.resolve("objects.csv")), Files.readAllLines(sharded.resolve("objects.csv")));
		CommandModule bad = PluginTests.run(context, SegmentFolderWithUNet.class, concat(common, "output_folder", sharded.toFile(), "shard", "3 of 2"));
		assertEquals("shard '3 of 2' is not of the form i/N (e.g. 2/4)", bad.getCancelReason());
	}

	private static Object[] concat(Object[] a, Object... b) {
		Object[] all = Arrays.copyOf(a, a.length + b.length);
		System.arraycopy(b, 0, all, a.length, b.length);
		return all;
	}

	@Test
	void theOutputFolderMustDifferFromTheInput(@TempDir Path tmp) throws Exception {
		// refused before the model is read: a file that is no model does not get that far
		Path notAModel = Files.write(tmp.resolve("model.zip"), "not a model".getBytes(java.nio.charset.StandardCharsets.UTF_8));
		CommandModule m = PluginTests.run(context, SegmentFolderWithUNet.class, "model_file", notAModel.toFile(), "input_folder", tmp.toFile(),
			"output_folder", tmp.toFile());
		assertTrue(m.getCancelReason().startsWith("output_folder " + tmp + " is the input folder"), m.getCancelReason());
	}

	@Test
	void evaluatesFoldersAndAnOpenStackAlike(@TempDir Path tmp) throws Exception {
		Blobs.writeFolders(tmp.resolve("set"), 6, 32, 77);
		Path report = tmp.resolve("report");
		CommandModule m = PluginTests.run(context, EvaluateUNet.class, "model_file", PluginTests.blobModel().toFile(), "images_folder",
			tmp.resolve("set/images").toFile(), "masks_folder", tmp.resolve("set/masks").toFile(), "report_folder", report.toFile(), "panel_count", 4);
		assertFalse(m.isCanceled(), String.valueOf(m.getCancelReason()));
		EvaluateUNet command = (EvaluateUNet) m.getCommand();
		ResultsTable metrics = command.metricsTable();
		assertEquals(6, metrics.size());
		for (int row = 0; row < 6; row++) {
			// truth pixels counted independently from the mask files
			byte[] truth = ImageFiles.readMask(tmp.resolve("set/masks").resolve(metrics.getStringValue("Image", row) + ".png"),
				org.lesionseg.unet.core.data.MaskPolicy.STRICT);
			int n = 0;
			for (byte b : truth)
				n += b != 0 ? 1 : 0;
			assertEquals(n, metrics.getValue("Truth px", row), 0);
		}
		double pooled = command.summaryTable().getValue("Pooled Dice", 0);
		assertTrue(pooled > 0.8, "pooled Dice " + pooled);
		assertEquals(7, Files.readAllLines(report.resolve("metrics.csv")).size());
		assertEquals(4, Files.list(report.resolve("panels")).count());
		ImagePlus panels = (ImagePlus) m.getOutput("panels_image");
		assertNotNull(panels);
		assertEquals(4, panels.getStackSize());

		// the same pictures as an open stack and mask stack give the same pooled Dice
		List<Blobs.Picture> pictures = Blobs.randomPictures(6, 32, 77); // writeFolders draws from the same seed
		ImagePlus[] stacks = Blobs.stacks("set", pictures);
		CommandModule open = PluginTests.run(context, EvaluateUNet.class, "model_file", PluginTests.blobModel().toFile(), "image", stacks[0], "mask",
			stacks[1], "panel_count", 0);
		assertEquals(pooled, ((EvaluateUNet) open.getCommand()).summaryTable().getValue("Pooled Dice", 0), 1e-9);
		assertEquals(null, open.getOutput("panels_image"));
		assertEquals(null, ((EvaluateUNet) open.getCommand()).classSummaryTable(), "a binary model has no class tables");

		// an open mask follows the mask policy as mask files do: a soft mask (lesion 200..255, background 0..40) is
		// refused by strict and thresholded at half its maximum by threshold_half
		ImagePlus soft = stacks[1].duplicate();
		soft.setTitle("soft-mask.tif");
		for (int slice = 1; slice <= soft.getStackSize(); slice++) {
			byte[] pixels = (byte[]) soft.getStack().getPixels(slice);
			for (int i = 0; i < pixels.length; i++)
				pixels[i] = (byte) (pixels[i] != 0 ? 200 + i % 56 : i % 41);
		}
		CommandModule strict = PluginTests.run(context, EvaluateUNet.class, "model_file", PluginTests.blobModel().toFile(), "image", stacks[0], "mask", soft,
			"panel_count", 0);
		assertTrue(strict.isCanceled() && strict.getCancelReason().startsWith("mask soft-mask.tif (slice 1) is not binary"), strict.getCancelReason());
		CommandModule half = PluginTests.run(context, EvaluateUNet.class, "model_file", PluginTests.blobModel().toFile(), "image", stacks[0], "mask", soft,
			"mask_policy", "threshold_half", "panel_count", 0);
		assertFalse(half.isCanceled(), String.valueOf(half.getCancelReason()));
		assertEquals(pooled, ((EvaluateUNet) half.getCommand()).summaryTable().getValue("Pooled Dice", 0), 1e-9);
	}

	@Test
	void engineInfoSaysWhetherTheGpuIsUsedAndWhatToDo() {
		CommandModule m = PluginTests.run(context, UNetEngineInfo.class);
		List<String> report = ((UNetEngineInfo) m.getCommand()).report();
		String text = String.join("\n", report);
		assertTrue(report.get(0).startsWith("UNet Segmentation "), text);
		assertTrue(text.contains("engine: PyTorch 2.7.1"), text);
		assertTrue(text.contains("GPU used: no, the CPU is used"), text); // no GPU on this machine
		assertTrue(text.contains("PYTORCH_FLAVOR=cu128"), text);
		assertTrue(text.contains("libtorch: "), text);
		assertTrue(text.contains("docs/gpu.md"), text);
	}

	@Test
	void engineContextRestoresTheClassLoaderAndKeepsDjlOffline() {
		ClassLoader before = Thread.currentThread().getContextClassLoader();
		ClassLoader during = EngineContext.call(() -> Thread.currentThread().getContextClassLoader());
		assertEquals(EngineContext.class.getClassLoader(), during);
		assertEquals(before, Thread.currentThread().getContextClassLoader());
		assertEquals("true", System.getProperty("ai.djl.offline")); // set by the build, kept by the helper
		assertTrue(EngineContext.downloadsAllowed("1") && EngineContext.downloadsAllowed("yes") && !EngineContext.downloadsAllowed("0")
			&& !EngineContext.downloadsAllowed(null));
	}
}
