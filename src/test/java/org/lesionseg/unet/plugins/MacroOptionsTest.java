package org.lesionseg.unet.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import ij.Macro;

class MacroOptionsTest {

	private static final List<String> TRAIN = UNetCommand.keyNames(TrainUNet.class);

	@Test
	void readsTheKeysOfImageJsOptionSyntax() {
		assertEquals(Arrays.asList("epochs", "model_file", "resume", "image", "augment"),
			MacroOptions.keys("epochs=2 model_file=[my model=v2.zip] resume  image=[a b.tif] augment=none "));
		assertEquals(Arrays.asList(), MacroOptions.keys(null));
		assertEquals(Arrays.asList(), MacroOptions.keys("  "));
	}

	@Test
	void namesTheClosestKnownKey() {
		assertEquals("epochs", MacroOptions.closest("epoch", TRAIN));
		assertEquals("image_size", MacroOptions.closest("imagesize", TRAIN));
		assertEquals("base_features", MacroOptions.closest("base_feature", TRAIN));
		assertEquals("batch_size", MacroOptions.closest("Batch_Size", TRAIN));
		assertEquals("learning_rate", MacroOptions.closest("learning_rte", TRAIN));
		assertEquals("model_file", MacroOptions.closest("model", TRAIN)); // an abbreviation
		assertNull(MacroOptions.closest("colour", TRAIN)); // nothing near: no guess
		assertNull(MacroOptions.closest("x", Arrays.asList()));
		assertEquals(3, MacroOptions.distance("kitten", "sitting"));
	}

	@Test
	void oneLineForUnknownKeys() {
		assertNull(MacroOptions.unknownKeys("Train UNet", "epochs=2 image_size=128 resume", TRAIN));
		assertEquals("unknown key 'epoch' for Train UNet: did you mean 'epochs'?", MacroOptions.unknownKeys("Train UNet", "epoch=2", TRAIN));
		assertEquals("unknown keys for Train UNet: 'epoch' (did you mean 'epochs'?), 'imagesize' (did you mean 'image_size'?), "
			+ "'base_feature' (did you mean 'base_features'?)", MacroOptions.unknownKeys("Train UNet", "epoch=2 imagesize=128 base_feature=16", TRAIN));
		assertEquals("unknown key 'gpu' for UNet Engine Info: it takes no keys", MacroOptions.unknownKeys("UNet Engine Info", "gpu", Arrays.asList()));
		String far = MacroOptions.unknownKeys("ROIs to Masks", "colourmap=red", UNetCommand.keyNames(RoisToMasks.class));
		assertTrue(far.startsWith("unknown key 'colourmap' for ROIs to Masks: the keys are image, output_folder"), far);
	}

	/** A macro's run("Train UNet", "epoch=2 ...") stops before any work, in Fiji and ImageJ alike (the options are on the thread). */
	@Test
	void aCommandRunFromAMacroRefusesAMisspelledKey() throws Exception {
		TrainUNet command = new TrainUNet();
		AtomicReference<String> reason = new AtomicReference<>();
		Thread macroThread = new Thread(() -> {
			Macro.setOptions("epoch=2 imagesize=32 base_features=4");
			command.run();
			reason.set(command.getCancelReason());
		}, "Run$_test"); // ImageJ gives macro options only to threads named so
		macroThread.start();
		macroThread.join(60_000);
		assertTrue(command.isCanceled());
		assertEquals("unknown keys for Train UNet: 'epoch' (did you mean 'epochs'?), 'imagesize' (did you mean 'image_size'?)", reason.get());
	}
}
