package org.lesionseg.unet.core.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CurvesTest {

	@TempDir
	Path folder;

	@Test
	void writesAReadableFigureWithAllThreeCurves() throws IOException {
		List<EpochPoint> history = new ArrayList<>();
		for (int e = 1; e <= 20; e++)
			history.add(new EpochPoint(e, 1.0 / e, 1.2 / e + 0.1, 0.8 * (1 - Math.exp(-e / 5.0))));
		Path png = folder.resolve("curves.png");
		Curves.writeTrainingCurves(png, history, "test run");
		BufferedImage figure = ImageIO.read(png.toFile());
		assertEquals(Curves.WIDTH, figure.getWidth());
		assertEquals(Curves.HEIGHT, figure.getHeight());
		// the curves are drawn in their own colours (antialiasing blends edges, the line cores stay exact)
		assertTrue(count(figure, 0, Curves.WIDTH / 2, Curves.TRAIN_LOSS) > 200);
		assertTrue(count(figure, 0, Curves.WIDTH / 2, Curves.VALIDATION_LOSS) > 200);
		assertTrue(count(figure, Curves.WIDTH / 2, Curves.WIDTH, Curves.VALIDATION_DICE) > 200);
		assertEquals(0, count(figure, Curves.WIDTH / 2, Curves.WIDTH, Curves.TRAIN_LOSS));
	}

	@Test
	void withoutValidationOnlyTheTrainingLossIsDrawn() {
		BufferedImage figure = Curves.trainingCurves(Arrays.asList(new EpochPoint(1, 0.7, Double.NaN, Double.NaN),
				new EpochPoint(2, 0.5, Double.NaN, Double.NaN)), null);
		assertTrue(count(figure, 0, Curves.WIDTH / 2, Curves.TRAIN_LOSS) > 50);
		assertEquals(0, count(figure, 0, Curves.WIDTH, Curves.VALIDATION_LOSS));
		assertEquals(0, count(figure, 0, Curves.WIDTH, Curves.VALIDATION_DICE));
	}

	@Test
	void singleEpochStillShowsItsPoint() {
		BufferedImage figure = Curves.trainingCurves(Collections.singletonList(new EpochPoint(1, 0.7, 0.8, 0.4)), "one");
		assertTrue(count(figure, 0, Curves.WIDTH / 2, Curves.TRAIN_LOSS) > 5);
		assertTrue(count(figure, Curves.WIDTH / 2, Curves.WIDTH, Curves.VALIDATION_DICE) > 5);
	}

	@Test
	void ticksAreRoundNumbers() {
		assertEquals(0.2, Curves.niceStep(1.2, 6), 1e-12);
		assertEquals(5.0, Curves.niceStep(29, 10), 1e-12);
		assertEquals(0.05, Curves.niceStep(0.2, 6), 1e-12);
		List<Double> ticks = Curves.ticks(0, 1.2, 6);
		assertEquals(7, ticks.size());
		assertEquals(0.6, ticks.get(3), 1e-12);
		assertThrows(IllegalArgumentException.class, () -> Curves.trainingCurves(Collections.emptyList(), "x"));
	}

	private static int count(BufferedImage figure, int x0, int x1, Color colour) {
		int n = 0;
		for (int y = 0; y < figure.getHeight(); y++)
			for (int x = x0; x < x1; x++)
				if ((figure.getRGB(x, y) & 0xffffff) == (colour.getRGB() & 0xffffff))
					n++;
		return n;
	}
}
