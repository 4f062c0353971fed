package org.lesionseg.unet.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.event.KeyEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.core.modelfile.ModelFile;
import org.lesionseg.unet.core.modelfile.ModelInfo;
import org.lesionseg.unet.core.train.EpochRecord;
import org.lesionseg.unet.core.train.UNetTrainer;
import org.lesionseg.unet.workflow.TrainingJob;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

import ij.IJ;
import ij.ImagePlus;
import ij.measure.ResultsTable;
import ij.process.ByteProcessor;

class TrainUNetTest {

	private static Context context;

	@BeforeAll
	static void startContext() {
		context = new Context(CommandService.class);
	}

	@AfterAll
	static void stopContext() {
		context.dispose();
	}

	/** Tiny settings under which one epoch takes well under a second. */
	private static List<Object> tiny(int epochs) {
		return new ArrayList<>(Arrays.asList("epochs", epochs, "base_features", 4, "depth", 2, "image_size", 32, "batch_size", 4, "learning_rate", 1e-2,
			"augment", "none", "loader_threads", 1, "device", "cpu", "seed", 5L));
	}

	private static CommandModule train(List<Object> keysAndValues) {
		return PluginTests.run(context, TrainUNet.class, keysAndValues.toArray());
	}

	@Test
	void trainsOnAnOpenStackThenResumes(@TempDir Path tmp) throws Exception {
		List<Blobs.Picture> pictures = Blobs.randomPictures(40, 32, 11);
		ImagePlus[] stacks = Blobs.stacks("blobs", pictures);
		Path model = tmp.resolve("models").resolve("blobs.zip"); // the folder does not exist yet
		List<Object> keys = tiny(3);
		keys.addAll(Arrays.asList("image", stacks[0], "mask", stacks[1], "model_file", model.toFile(), "report_folder", tmp.resolve("report").toFile()));
		CommandModule m = train(keys);
		assertFalse(m.isCanceled(), String.valueOf(m.getCancelReason()));
		TrainUNet command = (TrainUNet) m.getCommand();
		TrainingJob.Outcome o = command.outcome();
		assertTrue(Files.isRegularFile(model));
		assertTrue(Files.isRegularFile(UNetTrainer.checkpointOf(model)));
		assertEquals(3, o.training.history.size());
		assertEquals(3, command.plot().history().size());
		assertEquals(4, Files.readAllLines(tmp.resolve("report").resolve("history.csv")).size());

		// 40 slices with 0.2 / 0.2 give 8 test slices; the table shows their metrics
		ResultsTable metrics = command.metricsTable();
		assertEquals(8, metrics.size());
		assertEquals(8, o.test.images.size());
		for (int row = 0; row < metrics.size(); row++) {
			String name = metrics.getStringValue("Image", row);
			int slice = Integer.parseInt(name.substring(name.lastIndexOf("_s") + 2));
			assertEquals(foreground(pictures.get(slice - 1).mask), metrics.getValue("Truth px", row), 0, name);
		}
		ResultsTable summary = command.summaryTable();
		assertEquals(1, summary.size());
		assertEquals(o.test.summary.pooledDice(), summary.getValue("Pooled Dice", 0), 1e-12);
		assertEquals(8, summary.getValue("Images", 0), 0);

		// resume continues the same history up to the new number of epochs
		List<Object> more = tiny(4);
		more.addAll(Arrays.asList("image", stacks[0], "mask", stacks[1], "model_file", model.toFile(), "resume", true));
		TrainUNet resumed = (TrainUNet) train(more).getCommand();
		List<EpochRecord> history = resumed.outcome().training.history;
		assertEquals(4, history.size());
		for (int i = 0; i < 3; i++)
			assertEquals(o.training.history.get(i).trainLoss, history.get(i).trainLoss, 1e-6, "epoch " + (i + 1)); // kept with 6 decimals
	}

	@Test
	void fineTuningStartsFromTheInitialModel(@TempDir Path tmp) throws Exception {
		List<Blobs.Picture> pictures = Blobs.randomPictures(20, 32, 12);
		ImagePlus[] stacks = Blobs.stacks("new blobs", pictures);
		List<Object> keys = tiny(1);
		keys.addAll(Arrays.asList("image", stacks[0], "mask", stacks[1], "model_file", tmp.resolve("tuned.zip").toFile(), "initial_model",
			PluginTests.blobModel().toFile(), "learning_rate", 1e-4));
		TrainUNet command = (TrainUNet) train(keys).getCommand();
		// a network trained from scratch for one epoch is near 0 here; the initial model already knows blobs
		double valDice = command.outcome().training.history.get(0).valDice;
		assertTrue(valDice > 0.7, "validation Dice after one epoch of fine-tuning: " + valDice);
		// the network is the initial model's (base 8), not the one the keys describe (base 4)
		assertEquals(8, ModelFile.readInfo(tmp.resolve("tuned.zip")).baseFeatures);
	}

	@Test
	void trainsOnSampleDataFolders(@TempDir Path tmp) throws Exception {
		Path images = Files.createDirectories(tmp.resolve("images")), masks = Files.createDirectories(tmp.resolve("masks"));
		Path isles = PluginTests.sampleData().resolve("isles22-case0009");
		List<String> names = new ArrayList<>();
		for (int z = 26; z <= 35; z++) {
			String name = String.format("sub-strokecase0009_z%03d.png", z);
			Files.copy(isles.resolve("images").resolve(name), images.resolve(name));
			Files.copy(isles.resolve("masks").resolve(name), masks.resolve(name));
			names.add(name.replace(".png", ""));
		}
		List<Object> keys = tiny(1);
		keys.addAll(Arrays.asList("images_folder", images.toFile(), "masks_folder", masks.toFile(), "model_file", tmp.resolve("isles.zip").toFile(),
			"batch_size", 2));
		CommandModule m = train(keys);
		assertFalse(m.isCanceled(), String.valueOf(m.getCancelReason()));
		ModelInfo info = ModelFile.readInfo(tmp.resolve("isles.zip"));
		List<String> all = new ArrayList<>(info.trainImages);
		all.addAll(info.valImages);
		all.addAll(info.testImages);
		all.sort(null);
		assertEquals(names, all);
		assertEquals(Arrays.asList(6, 2, 2), Arrays.asList(info.trainImages.size(), info.valImages.size(), info.testImages.size()));
		assertEquals(images.toAbsolutePath().toString(), info.imagesFolder);
		assertEquals(1, info.epochsDone);
	}

	@Test
	void userMistakesStopWithAMessage(@TempDir Path tmp) {
		Path model = tmp.resolve("m.zip");
		CommandModule none = train(Arrays.asList("model_file", model.toFile()));
		assertTrue(none.isCanceled());
		assertTrue(none.getCancelReason().startsWith("no training data"), none.getCancelReason());

		ImagePlus image = new ImagePlus("a.tif", new ByteProcessor(32, 32));
		ImagePlus mask = new ImagePlus("a-mask.tif", new ByteProcessor(30, 32));
		CommandModule size = train(Arrays.asList("image", image, "mask", mask, "model_file", model.toFile()));
		assertTrue(size.getCancelReason().contains("is 32×32 but mask a-mask.tif is 30×32"), size.getCancelReason());

		CommandModule params = train(Arrays.asList("image", image, "mask", mask, "model_file", model.toFile(), "loss_params", "alpha"));
		assertTrue(params.getCancelReason().startsWith("loss_params takes name=value pairs"), params.getCancelReason());
		assertFalse(Files.exists(model));
	}

	/**
	 * mask_policy holds for an open mask image as for mask files: a soft mask (many grey values, as a smoothed or JPEG
	 * mask) is refused by strict and thresholded at half its maximum by threshold_half. Train UNet used to binarise
	 * open masks by a strict rule of its own whatever mask_policy said, so threshold_half failed here.
	 */
	@Test
	void maskPolicyHoldsForOpenImages(@TempDir Path tmp) {
		List<Blobs.Picture> pictures = Blobs.randomPictures(10, 32, 14);
		ImagePlus[] stacks = Blobs.stacks("soft", pictures);
		ImagePlus softMask = stacks[1].duplicate();
		softMask.setTitle("soft-mask");
		for (int z = 1; z <= softMask.getStackSize(); z++) {
			ij.process.ImageProcessor ip = softMask.getStack().getProcessor(z);
			for (int y = 0; y < 32; y++)
				for (int x = 0; x < 32; x++)
					ip.set(x, y, (ip.get(x, y) != 0 ? 200 : 0) + (x + 32 * y) % 50); // lesion 200-249, background 0-49
		}
		Path model = tmp.resolve("soft.zip");
		List<Object> strict = tiny(1);
		strict.addAll(Arrays.asList("image", stacks[0], "mask", softMask, "model_file", model.toFile()));
		CommandModule refused = train(strict);
		assertTrue(refused.isCanceled());
		assertTrue(refused.getCancelReason().startsWith("mask soft-mask (slice 1) is not binary"), refused.getCancelReason());
		assertTrue(refused.getCancelReason().contains("threshold_half"), refused.getCancelReason());

		List<Object> half = tiny(1);
		half.addAll(Arrays.asList("image", stacks[0], "mask", softMask, "model_file", model.toFile(), "mask_policy", "threshold_half"));
		CommandModule m = train(half);
		assertFalse(m.isCanceled(), String.valueOf(m.getCancelReason()));
		// the test slices' truth is the blobs' own mask: values of at least half the maximum are lesion
		TrainUNet command = (TrainUNet) m.getCommand();
		ResultsTable metrics = command.metricsTable();
		assertEquals(2, metrics.size());
		for (int row = 0; row < metrics.size(); row++) {
			String name = metrics.getStringValue("Image", row);
			int slice = Integer.parseInt(name.substring(name.lastIndexOf("_s") + 2));
			assertEquals(foreground(pictures.get(slice - 1).mask), metrics.getValue("Truth px", row), 0, name);
		}
	}

	/** Esc (ImageJ's way to stop a command) ends the training after the current batch and keeps the best model. */
	@Test
	void escapeStopsTheTrainingAndKeepsTheBestModel(@TempDir Path tmp) throws Exception {
		ImagePlus[] stacks = Blobs.stacks("esc", Blobs.randomPictures(16, 32, 13));
		Path model = tmp.resolve("esc.zip");
		List<Object> keys = tiny(1000);
		keys.addAll(Arrays.asList("image", stacks[0], "mask", stacks[1], "model_file", model.toFile(), "test_fraction", 0.0));
		Map<String, Object> inputs = new LinkedHashMap<>();
		for (int i = 0; i < keys.size(); i += 2)
			inputs.put((String) keys.get(i), keys.get(i + 1));
		Future<CommandModule> future = context.service(CommandService.class).run(TrainUNet.class, true, inputs);
		try {
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
			while (!Files.exists(model) && System.nanoTime() < deadline)
				Thread.sleep(50);
			assertTrue(Files.exists(model), "no epoch ended within 60 s");
			IJ.setKeyDown(KeyEvent.VK_ESCAPE);
			CommandModule m = future.get(60, TimeUnit.SECONDS);
			TrainUNet command = (TrainUNet) m.getCommand();
			assertNotNull(command.outcome(), String.valueOf(m.getCancelReason()));
			assertTrue(command.outcome().training.cancelled);
			assertTrue(command.outcome().training.history.size() < 1000);
			assertTrue(Files.isRegularFile(model));
		} finally {
			IJ.resetEscape();
			IJ.setKeyUp(KeyEvent.VK_ESCAPE);
			future.cancel(true);
		}
	}

	private static int foreground(byte[] mask) {
		int n = 0;
		for (byte b : mask)
			if (b != 0)
				n++;
		return n;
	}

	@Test
	void timeLeftReadsLikeAPerson() {
		assertEquals("45 s", TrainUNet.eta(44.6));
		assertEquals("3 min", TrainUNet.eta(170));
		assertEquals("1 h 05 min", TrainUNet.eta(3900));
	}
}
