package org.lesionseg.unet.plugins.ij1;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CommandDialogTest {

	@Test
	void fijiStyleBooleansBecomeImageJStyle() {
		assertEquals("model_file=[a b.zip] resume epochs=2", CommandDialog.rewriteBoolean("model_file=[a b.zip] resume=true epochs=2", "resume"));
		assertEquals("epochs=2", CommandDialog.rewriteBoolean("resume=false epochs=2", "resume"));
		assertEquals("epochs=2 resume", CommandDialog.rewriteBoolean("epochs=2 resume", "resume"));
		assertEquals("fill_holes", CommandDialog.rewriteBoolean("fill_holes=TRUE", "fill_holes"));
		// another key ending in the same word is left alone
		assertEquals("no_resume=true", CommandDialog.rewriteBoolean("no_resume=true", "resume"));
	}

	@Test
	void smallDecimalsAreShownInScientificNotation() {
		assertEquals(-1, CommandDialog.digits(1e-4));
		assertEquals(3, CommandDialog.digits(0.25));
		assertEquals(1, CommandDialog.digits(0));
	}

	@Test
	void htmlHeadingsBecomePlainText() {
		assertEquals("Training data: an image", CommandDialog.plainText("<html><b>Training data</b>: an image"));
	}
}
