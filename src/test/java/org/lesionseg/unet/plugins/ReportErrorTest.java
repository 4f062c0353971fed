package org.lesionseg.unet.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.lesionseg.unet.ij.Progress;

/**
 * A mistake without a display (headless, as in a server's Fiji or a batch run): the one line reaches the status bar
 * and the log, the progress bar is removed, and nothing modal is shown (a dialog would throw headless). The same in
 * the real ImageJ window, with its dialog: {@link ReviewWindowsTest}.
 */
class ReportErrorTest {

	@Test
	void headlessErrorGoesToTheStatusAndTheLogAndEndsTheProgressBar() {
		List<String> status = new ArrayList<>(), log = new ArrayList<>();
		List<Double> fractions = new ArrayList<>();
		Progress progress = new Progress(status::add, fractions::add, log::add);
		assertFalse(UNetCommand.interactive(), "the tests run headless");
		UNetCommand.reportError("Train UNet", "epochs has no auto setting: give a whole number at least 1", progress);
		String line = "Train UNet error: epochs has no auto setting: give a whole number at least 1";
		assertEquals(List.of(line), status);
		assertEquals(List.of(line), log);
		assertEquals(List.of(1.0), fractions);
	}
}
