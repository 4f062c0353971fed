package org.lesionseg.unet.workflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.data.MaskPolicy;
import org.lesionseg.unet.core.data.Normalization;
import org.lesionseg.unet.core.modelfile.TrainingSettings;
import org.lesionseg.unet.workflow.options.Option;
import org.lesionseg.unet.workflow.options.TrainOptions;

/** The checks a training request makes before any image is read or any network built: real folders, no training. */
class TrainRequestTest {

	@TempDir
	Path dir;
	private Path images, masks;

	@BeforeEach
	void writeFourPairs() throws IOException {
		images = Files.createDirectories(dir.resolve("data").resolve("images"));
		masks = Files.createDirectories(dir.resolve("data").resolve("masks"));
		for (int i = 0; i < 4; i++) {
			BufferedImage image = new BufferedImage(32, 32, BufferedImage.TYPE_BYTE_GRAY), mask = new BufferedImage(32, 32, BufferedImage.TYPE_BYTE_GRAY);
			for (int y = 0; y < 32; y++)
				for (int x = 0; x < 32; x++) {
					boolean lesion = Math.abs(x - 16) < 4 + i && Math.abs(y - 16) < 4;
					image.getRaster().setSample(x, y, 0, lesion ? 200 : 30 + x);
					mask.getRaster().setSample(x, y, 0, lesion ? 255 : 0);
				}
			ImageIO.write(image, "png", images.resolve("img" + i + ".png").toFile());
			ImageIO.write(mask, "png", masks.resolve("img" + i + ".png").toFile());
		}
	}

	private TrainRequest request(String... keyValues) {
		Map<String, String> m = new LinkedHashMap<>();
		m.put("images_folder", images.toString());
		m.put("masks_folder", masks.toString());
		m.put("model_file", dir.resolve("out").resolve("m.zip").toString());
		for (int i = 0; i < keyValues.length; i += 2)
			m.put(keyValues[i], keyValues[i + 1]);
		return TrainRequest.of(TrainOptions.SET.parse(m, Option.Where.EVERYWHERE));
	}

	private String error(String... keyValues) {
		return assertThrows(UnetException.class, () -> request(keyValues)).getMessage();
	}

	@Test
	void valuesBecomeValidatedSettings() {
		TrainRequest r = request("epochs", "3", "normalization", "scale_01", "loss", "bce+dice", "batch-size", "2", "mask_policy", "threshold_half");
		assertEquals(3, r.config.settings().epochs);
		assertEquals(2, r.config.settings().batchSize);
		assertEquals("scale01", r.config.settings().normalization, "one spelling everywhere; scale_01 is an old one");
		assertEquals(Normalization.SCALE_01, r.normalization);
		assertEquals("bce_dice", r.config.settings().loss);
		assertEquals(MaskPolicy.THRESHOLD_HALF, r.maskPolicy);
		// weight decay left out is the settings' own (the optimizer's default); given, it is the value
		assertEquals(0f, r.config.settings().weightDecay, "adam: PyTorch's default, recorded as used");
		assertEquals(0.05f, request("weight_decay", "0.05").config.settings().weightDecay);
		assertEquals(Map.of("alpha", 0.3, "beta", 0.7), request("loss", "tversky", "loss_params", "alpha=0.3, beta=0.7").config.settings().lossParams);
	}

	@Test
	void settingsThatOnlyTheCoreKnowsAreCheckedBeforeTheImagesAreRead() {
		assertTrue(error("val_fraction", "0.6", "test_fraction", "0.5").contains("fractions"));
		assertTrue(error("scheduler", "sawtooth").contains("unknown learning-rate schedule 'sawtooth'"));
		assertTrue(error("augment", "flip,twirl").contains("unknown augmentation 'twirl'"));
		assertTrue(error("loss_params", "alpha").startsWith("loss_params takes name=value pairs"));
	}

	@Test
	void theTrainingSizeMustFitTheDepthOfANewNetworkOnly() throws IOException {
		String e = error("image_size", "100", "depth", "4");
		assertTrue(e.startsWith("image size 100 does not fit a U-Net of depth 4"), e);
		assertFalse(Files.exists(dir.resolve("out")), "nothing is created for a request that fails");
		// an initial model brings its own depth: the size is checked against it when it is loaded
		Path initial = Files.write(dir.resolve("initial.zip"), new byte[] { 1 });
		request("image_size", "100", "depth", "4", "initial_model", initial.toString());
	}

	@Test
	void modelFilesAreCheckedBeforeTraining() throws IOException {
		assertEquals("initial_model " + dir.resolve("none.zip") + " does not exist: give a model file (.zip) a training wrote",
			error("initial_model", dir.resolve("none.zip").toString()));
		assertEquals("initial_model " + dir + " is a folder, not a model file: give the .zip a training wrote", error("initial_model", dir.toString()));
		assertTrue(error("model_file", dir.toString()).startsWith("model_file " + dir + " is a folder: give a file name such as"));
		assertTrue(error("resume", "true").startsWith("nothing to resume: " + dir.resolve("out").resolve("m.last.zip") + " does not exist"));
		Path initial = Files.write(dir.resolve("initial.zip"), new byte[] { 1 });
		assertTrue(error("resume", "true", "initial_model", initial.toString()).endsWith("give one of them"));
		Path file = Files.write(dir.resolve("a-file"), new byte[] { 1 });
		assertTrue(error("model_file", file.resolve("m.zip").toString()).startsWith("cannot use " + file.toAbsolutePath() + " as the model file folder"));
		assertTrue(error("report_folder", file.toString()).startsWith("cannot use " + file.toAbsolutePath() + " as the report folder"));
	}

	@Test
	void outputsStayOutOfTheTrainingData() {
		String e = error("report_folder", images.resolve("report").toString());
		assertTrue(e.startsWith("report_folder " + images.resolve("report") + " is inside the data folder " + images), e);
		assertFalse(Files.exists(images.resolve("report")));
		e = error("model_file", masks.resolve("m.zip").toString());
		assertTrue(e.startsWith("model_file " + masks.resolve("m.zip") + " is inside the data folder " + masks), e);
		// beside the data is fine, and the folders are created
		TrainRequest r = request("report_folder", dir.resolve("data").resolve("report").toString());
		assertTrue(Files.isDirectory(r.reportDir));
		assertTrue(Files.isDirectory(dir.resolve("out")));
	}

	@Test
	void dataComesFromFoldersOrOpenImages() {
		Map<String, String> onlyModel = new LinkedHashMap<>();
		onlyModel.put("model_file", dir.resolve("m.zip").toString());
		UnetException e = assertThrows(UnetException.class, () -> TrainRequest.of(TrainOptions.SET.parse(onlyModel)));
		assertTrue(e.getMessage().startsWith("no training data"), e.getMessage());
		Map<String, String> onlyImages = new LinkedHashMap<>(onlyModel);
		onlyImages.put("images_folder", images.toString());
		e = assertThrows(UnetException.class, () -> TrainRequest.of(TrainOptions.SET.parse(onlyImages)));
		assertTrue(e.getMessage().startsWith("train needs masks_folder (--masks)"), e.getMessage());

		LabelledSource planes = LabelledSource.planes("open", Arrays.asList(plane("a", 0, 255), plane("b", 0, 1)), 8);
		TrainRequest r = TrainRequest.of(TrainOptions.SET.parse(onlyModel), () -> planes);
		assertEquals(planes, r.data);
		assertTrue(r.data.folders().isEmpty());
		// folders, when given, are used instead of the open image
		assertEquals(Arrays.asList(images, masks), request().data.folders());
	}

	/** A 4×4 plane whose mask holds the given values in its first pixels and 0 elsewhere. */
	private static LabelledSource.Plane plane(String name, float... maskStart) {
		float[] mask = new float[16];
		System.arraycopy(maskStart, 0, mask, 0, maskStart.length);
		float[] image = new float[16];
		for (int i = 0; i < 16; i++)
			image[i] = i * 10;
		return new LabelledSource.Plane(name, image, 4, 4, 1, name + " mask", mask);
	}

	/**
	 * The mask policy holds for open images as for mask files: a mask with many grey values (a smoothed or JPEG mask)
	 * is refused by strict and thresholded at half its maximum by threshold_half. (Train UNet used to binarise open
	 * images' masks by its own strict rule, whatever mask_policy said.)
	 */
	@Test
	void openImagesFollowTheMaskPolicy() {
		float[] grey = new float[64];
		for (int i = 0; i < 64; i++)
			grey[i] = i * 4; // 64 distinct values up to 252
		List<LabelledSource.Plane> planes = new ArrayList<>();
		planes.add(new LabelledSource.Plane("soft", new float[64], 8, 8, 1, "soft mask", grey));
		LabelledSource source = LabelledSource.planes("open", planes, 8);
		UnetException strict = assertThrows(UnetException.class, () -> source.read(Normalization.SCALE_01, MaskPolicy.STRICT));
		assertTrue(strict.getMessage().startsWith("mask soft mask is not binary"), strict.getMessage());
		byte[] half = source.read(Normalization.SCALE_01, MaskPolicy.THRESHOLD_HALF).samples.get(0).maskData();
		byte[] expected = new byte[64];
		for (int i = 0; i < 64; i++)
			expected[i] = (byte) (grey[i] >= 126 ? 1 : 0);
		assertArrayEquals(expected, half);
		// binary masks of any value, and label images, are foreground wherever non-zero under both policies
		LabelledImages read = LabelledSource.planes("open", Arrays.asList(plane("a", 0, 255), plane("b", 0, 1, 2)), 8).read(Normalization.SCALE_01,
			MaskPolicy.STRICT);
		assertEquals(1, read.samples.get(0).maskData()[1]);
		assertEquals(1, read.samples.get(1).maskData()[2]);
		assertEquals(10 / 255f, read.samples.get(0).imageData()[1], 1e-6, "the pixels are normalised");
	}

	@Test
	void aDiffusionTrainingTakesItsSettingsAndRefusesTheOtherKindsOnes() {
		TrainRequest r = request("model_kind", "diffusion", "sampling_steps", "10", "ensemble_samples", "3", "noise_schedule", "cosine");
		assertEquals("diffusion", r.config.settings().modelKind);
		assertEquals(10, r.config.settings().diffusion.samplingSteps);
		assertEquals(3, r.config.settings().diffusion.samples);
		assertEquals("cosine", r.config.settings().diffusion.schedule);
		assertEquals(null, request().config.settings().diffusion, "a U-Net records no diffusion settings");
		assertEquals("sampling_steps (--sampling-steps) applies to diffusion models only: add model_kind=diffusion (--model-kind diffusion) or leave it out",
			error("sampling_steps", "10"));
		assertEquals("loss (--loss) applies to U-Net models only: a diffusion model trains on the error of its predicted noise; leave it out or use model_kind=unet",
			error("model_kind", "diffusion", "loss", "dice"));
		assertEquals("sampling steps (2000) cannot exceed the diffusion timesteps T (1000)", error("model_kind", "diffusion", "sampling_steps", "2000"));
		assertTrue(error("model_kind", "diffusion", "ensemble_samples", "0").startsWith("ensemble_samples must be"), error("model_kind", "diffusion", "ensemble_samples", "0"));
		assertEquals("unknown model kind 'gan': use unet or diffusion", error("model_kind", "gan"));
	}
}
