package org.lesionseg.unet.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class UncertaintyVsErrorsTest {

	@Test
	void meansAndAucAgainstCountsByHand() {
		UncertaintyVsErrors u = new UncertaintyVsErrors();
		// pixels 2 and 3 are wrong (predicted foreground on background, background on foreground)
		u.add(new float[] { 0.05f, 0.10f, 0.30f, 0.40f }, new byte[] { 0, 1, 1, 0 }, new byte[] { 0, 1, 0, 1 });
		assertEquals(2, u.wrongPixels());
		assertEquals(0.35, u.meanOnWrong(), 1e-6);
		assertEquals(0.075, u.meanOnRight(), 1e-6);
		assertEquals(1.0, u.auc(), 1e-12, "every wrong pixel is more uncertain than every right one");

		// a second image with a wrong pixel that is the least uncertain of all: wrong {0.30, 0.40, 0.01}, right {0.05, 0.10, 0.20};
		// of the 3 x 3 pairs, 0.30 and 0.40 rank above every right pixel (6), 0.01 above none
		u.add(new float[] { 0.01f, 0.2f }, new byte[] { 1, 1 }, new byte[] { 0, 1 });
		assertEquals(3, u.wrongPixels());
		assertEquals(3, u.rightPixels());
		assertEquals(6 / 9.0, u.auc(), 1e-12);
	}

	@Test
	void equalUncertaintyIsChanceAndMissingKindsAreNaN() {
		UncertaintyVsErrors u = new UncertaintyVsErrors();
		u.add(new float[] { 0.2f, 0.2f, 0.2f }, new byte[] { 1, 0, 0 }, new byte[] { 0, 0, 0 });
		assertEquals(0.5, u.auc(), 1e-12, "ties count half");
		UncertaintyVsErrors allRight = new UncertaintyVsErrors();
		allRight.add(new float[] { 0.1f }, new byte[] { 1 }, new byte[] { 1 });
		assertTrue(Double.isNaN(allRight.auc()));
		assertTrue(Double.isNaN(allRight.meanOnWrong()));
		assertTrue(allRight.summaryLine().startsWith("uncertainty: mean NaN on wrong pixels (0)"), allRight.summaryLine());
	}
}
