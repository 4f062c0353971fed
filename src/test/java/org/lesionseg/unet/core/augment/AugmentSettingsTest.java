package org.lesionseg.unet.core.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.lesionseg.unet.core.UnetException;

class AugmentSettingsTest {

	@Test
	void defaultSpec() {
		AugmentSettings d = AugmentSettings.parse("default");
		assertEquals("flip,rot90,rotate=35,scale=0.1,brightness=0.1,contrast=0.1", d.toSpec());
		assertTrue(d.horizontalFlip());
		assertFalse(d.verticalFlip());
		assertTrue(d.rotate90());
		assertEquals(35, d.rotateDegrees());
		assertEquals(0.1, d.scale());
		assertEquals(0.1, d.brightness());
		assertEquals(0.1, d.contrast());
		assertEquals(0, d.elasticAlpha());
		assertEquals(d, AugmentSettings.defaults());
		assertTrue(d.hasGeometry());
	}

	@Test
	void noneSpecs() {
		for (String spec : new String[] { null, "", " ", "none", "NONE" }) {
			AugmentSettings s = AugmentSettings.parse(spec);
			assertTrue(s.isNone(), String.valueOf(spec));
			assertEquals("none", s.toSpec());
		}
		assertFalse(AugmentSettings.none().hasGeometry());
	}

	@Test
	void fullSpecRoundTrips() {
		String spec = "flip,vflip,rot90,rotate=35,scale=0.1,elastic=30:5,brightness=0.2,contrast=0.2,gamma=0.2,noise=0.02";
		AugmentSettings s = AugmentSettings.parse(spec);
		assertEquals(spec, s.toSpec());
		assertEquals(s, AugmentSettings.parse(s.toSpec()));
		assertEquals(30, s.elasticAlpha());
		assertEquals(5, s.elasticSigma());
		assertEquals(0.02, s.noise());
		// other spellings give the canonical form
		assertEquals("flip,rotate=12.5,noise=0.001", AugmentSettings.parse(" hflip , rotate=12.50, noise=1e-3 ").toSpec());
		assertEquals("flip,rot90,rotate=10,scale=0.1,elastic=20:4,brightness=0.1,contrast=0.1",
				AugmentSettings.parse("default,rotate=10,elastic=20:4").toSpec());
		AugmentSettings odd = AugmentSettings.builder().rotateDegrees(0.1 + 0.2).build();
		assertEquals(odd, AugmentSettings.parse(odd.toSpec()));
	}

	@Test
	void errors() {
		UnetException unknown = assertThrows(UnetException.class, () -> AugmentSettings.parse("flip,blur=3"));
		assertEquals("unknown augmentation 'blur': valid keys are none, default, flip (or hflip), vflip, rot90, rotate=DEGREES, scale=FRACTION, "
				+ "elastic=ALPHA:SIGMA, brightness=AMOUNT, contrast=AMOUNT, gamma=AMOUNT, noise=SD", unknown.getMessage());
		assertMessage("rotate", "augmentation rotate needs a value, e.g. rotate=35");
		assertMessage("rotate=abc", "'abc' is not a number");
		assertMessage("rotate=200", "augmentation rotate=200 is out of range: use a value from 0 to 180, e.g. rotate=35");
		assertMessage("scale=1", "augmentation scale=1 is out of range: use a value from 0 up to (not including) 1");
		assertMessage("noise=-1", "augmentation noise=-1 is out of range: use a value from 0 up");
		assertMessage("elastic=30", "elastic needs ALPHA:SIGMA");
		assertMessage("elastic=30:0", "sigma above 0");
		assertMessage("flip=1", "augmentation flip takes no value");
	}

	private static void assertMessage(String spec, String part) {
		UnetException e = assertThrows(UnetException.class, () -> AugmentSettings.parse(spec));
		assertTrue(e.getMessage().contains(part), e.getMessage());
	}
}
