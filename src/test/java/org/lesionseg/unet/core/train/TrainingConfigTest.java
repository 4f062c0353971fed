package org.lesionseg.unet.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.data.InputMode;
import org.lesionseg.unet.core.data.Normalization;
import org.lesionseg.unet.core.engine.DeviceChoice;
import org.lesionseg.unet.core.io.Json;
import org.lesionseg.unet.core.modelfile.ModelInfo;
import org.lesionseg.unet.core.modelfile.TrainingSettings;

/** The one check of the training settings, and what it hands the trainer and the model file. */
class TrainingConfigTest {

	private static String error(Consumer<TrainingSettings> change) {
		TrainingSettings s = new TrainingSettings();
		change.accept(s);
		return assertThrows(UnetException.class, () -> TrainingConfig.of(s)).getMessage();
	}

	@Test
	void eachBadSettingIsNamed() {
		assertEquals("epochs must be at least 1, got 0", error(s -> s.epochs = 0));
		assertEquals("batch size must be at least 1, got -2", error(s -> s.batchSize = -2));
		assertEquals("momentum must be in [0, 1), got 1.0", error(s -> s.momentum = 1f));
		assertEquals("weight decay must not be negative, got -0.1", error(s -> s.weightDecay = -0.1f));
		assertEquals("input mode must be resize or patch, got tiles", error(s -> s.inputMode = "tiles"));
		assertTrue(error(s -> s.scheduler = "warp").contains("unknown learning-rate schedule 'warp'"));
		assertTrue(error(s -> s.optimizer = "lion").contains("unknown optimizer 'lion'"));
		assertTrue(error(s -> s.loss = "hinge").contains("unknown loss 'hinge'"));
		assertTrue(error(s -> s.device = "tpu").contains("unknown device 'tpu'"));
		assertTrue(error(s -> s.normalization = "percentil").contains("unknown normalisation"));
		assertTrue(error(s -> s.augment = "flip,blur=3").contains("blur"));
		assertTrue(error(s -> s.lossParams.put("gamma", 2.0)).contains("no parameter 'gamma'"));
		assertEquals("centered applies to the rmsprop optimizer only, not adam", error(s -> s.centered = true));
	}

	@Test
	void specsAreParsedOnceIntoValues() {
		TrainingSettings s = new TrainingSettings();
		s.loss = "BCE+Dice";
		s.optimizer = "RMSProp";
		s.centered = true;
		s.scheduler = "cosine:warmup=2";
		s.inputMode = "patch";
		s.device = "CPU";
		TrainingConfig c = TrainingConfig.of(s);
		assertEquals("bce_dice", c.loss().name());
		assertEquals(TrainingOptimizer.Kind.RMSPROP, c.optimizer().kind());
		assertTrue(c.optimizer().centered());
		assertEquals(LearningRateSchedule.Kind.COSINE, c.schedule().kind());
		assertEquals(2.0, c.schedule().param("warmup", 0), 0);
		assertSame(InputMode.PATCH, c.inputMode());
		assertEquals(DeviceChoice.CPU, c.device());
		// the record for the model file: canonical spellings
		TrainingSettings stored = c.settings();
		assertEquals("bce_dice", stored.loss);
		assertEquals("rmsprop", stored.optimizer);
		assertEquals("cpu", stored.device);
		assertNull(s.weightDecay, "the caller's settings are not changed");
	}

	/** AdamW left at its default uses PyTorch's 0.01 (it was 0), and the model file records what was used. */
	@Test
	void adamWDefaultWeightDecayIsUsedAndRecorded() {
		TrainingSettings s = new TrainingSettings();
		s.optimizer = "adamw";
		TrainingConfig c = TrainingConfig.of(s);
		assertEquals(0.01f, c.optimizer().weightDecay());
		assertEquals(0.01f, c.settings().weightDecay);
		s.weightDecay = 0f;
		assertEquals(0f, TrainingConfig.of(s).optimizer().weightDecay(), "a weight decay given as 0 is 0");
		s.optimizer = "adam";
		s.weightDecay = null;
		assertEquals(0f, TrainingConfig.of(s).settings().weightDecay);
	}

	/** One spelling, scale01; model files and settings written with scale_01 still read. */
	@Test
	void normalisationHasOneSpellingAndReadsTheOld() {
		assertEquals("scale01", new TrainingSettings().normalization);
		TrainingSettings old = new TrainingSettings();
		old.normalization = "scale_01";
		assertEquals("scale01", TrainingConfig.of(old).settings().normalization);
		assertSame(Normalization.SCALE_01, TrainingConfig.of(old).normalization());
		// a model.json of an earlier version: settings inside, scale_01, weight decay and momentum as plain numbers
		String json = "{\"depth\": 2, \"base_features\": 4, \"input_channels\": 1, \"normalization\": \"scale_01\", \"training_size\": 32,"
			+ " \"input_mode\": \"resize\", \"settings\": {\"optimizer\": \"adam\", \"momentum\": 0.9, \"weight_decay\": 0.0,"
			+ " \"normalization\": \"scale_01\", \"scheduler\": \"constant\"}}";
		ModelInfo info = Json.GSON.fromJson(json, ModelInfo.class);
		assertSame(Normalization.SCALE_01, Normalization.fromName(info.normalization));
		assertEquals(0f, info.settings.weightDecay);
		assertEquals(0.9f, info.settings.momentum);
		assertEquals(0f, TrainingConfig.of(info.settings).optimizer().weightDecay(), "an old file's explicit 0 stays 0 on resume");
	}

	@Test
	void deviceChoicesReadBack() {
		for (String text : new String[] { "auto", "cpu", "gpu", "gpu:1" })
			assertEquals(text, DeviceChoice.parse(text).toString());
		assertEquals(DeviceChoice.gpu(0), DeviceChoice.parse(" CUDA:0 "));
		assertEquals(DeviceChoice.AUTO, DeviceChoice.parse(""));
		assertTrue(assertThrows(UnetException.class, () -> DeviceChoice.parse("gpu:x")).getMessage().contains("needs a GPU number"));
	}
}
