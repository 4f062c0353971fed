package org.lesionseg.unet.core.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collections;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ij.IJ;
import ij.ImagePlus;

class PanelsTest {

	private static final Path SAMPLE = Paths.get("sample-data", "isles22-case0009");

	@TempDir
	Path folder;

	@Test
	void realSliceGivesThreeEnlargedTilesWithColouredMasks() throws IOException {
		ImagePlus image = IJ.openImage(SAMPLE.resolve("images/sub-strokecase0009_z039.png").toString());
		ImagePlus truthImage = IJ.openImage(SAMPLE.resolve("masks/sub-strokecase0009_z039.png").toString());
		int w = image.getWidth(), h = image.getHeight();
		assertEquals(112, w);
		float[] pixels = (float[]) image.getProcessor().convertToFloat().getPixels();
		byte[] truthPixels = (byte[]) truthImage.getProcessor().getPixels();
		byte[] truth = new byte[w * h];
		byte[] prediction = new byte[w * h];
		for (int i = 0; i < w * h; i++)
			truth[i] = (byte) ((truthPixels[i] & 0xff) > 127 ? 1 : 0);
		// a prediction that finds the truth shifted by one pixel to the right
		for (int y = 0; y < h; y++)
			for (int x = 1; x < w; x++)
				prediction[y * w + x] = truth[y * w + x - 1];

		BufferedImage made = Panels.comparison(pixels, truth, prediction, w, h, "z039");
		// the writer saves the panel as it was made, named after its image
		List<Path> written = PanelWriter.write(folder.resolve("figures"), Collections.singletonList(new Panel("z039", made)));
		assertEquals(Collections.singletonList(folder.resolve("figures/z039_panel.png")), written);
		BufferedImage figure = ImageIO.read(written.get(0).toFile());
		assertEquals(made.getWidth(), figure.getWidth());
		assertEquals(made.getRGB(400, 200), figure.getRGB(400, 200));

		// 112 px enlarged 3x to 336 px tiles: 16 + 3 * 336 + 2 * 12 + 16 wide, 16 + 34 + 24 + 336 + 16 high
		assertEquals(1064, figure.getWidth());
		assertEquals(426, figure.getHeight());
		int top = 16 + 34 + 24;
		int imageTile = 16, truthTile = 16 + 336 + 12, predictionTile = 16 + 2 * (336 + 12);
		assertEquals(0, countColour(figure, imageTile, top, 336, 336, Panels.PREDICTION.getRGB()));
		assertEquals(0, countColour(figure, imageTile, top, 336, 336, Panels.TRUTH.getRGB()));
		assertTrue(countColour(figure, truthTile, top, 336, 336, Panels.TRUTH.getRGB()) > 100, "green truth outline");
		assertTrue(countColour(figure, predictionTile, top, 336, 336, Panels.PREDICTION.getRGB()) > 100, "red prediction outline");
		assertEquals(0, countColour(figure, predictionTile, top, 336, 336, Panels.TRUTH.getRGB()));
		assertTrue(distinctGreys(figure, imageTile, top, 336, 336) > 50, "the image tile shows the anatomy");
	}

	@Test
	void withoutTruthTwoTilesAndNoDice() throws IOException {
		float[] ramp = new float[64 * 32];
		for (int i = 0; i < ramp.length; i++)
			ramp[i] = i;
		byte[] prediction = new byte[ramp.length];
		prediction[10 * 64 + 10] = 1;
		BufferedImage figure = Panels.comparison(ramp, null, prediction, 64, 32, "no truth");
		// 64 px enlarged 4x: 256 x 128 tiles
		assertEquals(16 + 2 * 256 + 12 + 16, figure.getWidth());
		assertEquals(16 + 34 + 24 + 128 + 16, figure.getHeight());
		// one pixel at 4x with a 2 px outline is a solid 4x4 red square
		assertEquals(16, countColour(figure, 16 + 256 + 12, 74, 256, 128, Panels.PREDICTION.getRGB()));
	}

	@Test
	void tileWidthsEnlargeByWholePixelsAndCapLargeImages() {
		assertEquals(336, Panels.tileWidth(112));
		assertEquals(300, Panels.tileWidth(100));
		assertEquals(256, Panels.tileWidth(256));
		assertEquals(512, Panels.tileWidth(512));
		assertEquals(768, Panels.tileWidth(4096));
		assertEquals(256, Panels.tileWidth(1));
	}

	@Test
	void diceByHand() {
		byte[] truth = { 1, 1, 1, 0, 0, 0 };
		byte[] prediction = { 0, 1, 1, 1, 0, 0 };
		assertEquals(2.0 * 2 / 6, Panels.dice(truth, prediction), 1e-12);
		assertEquals(1.0, Panels.dice(new byte[4], new byte[4]));
		assertEquals(0.0, Panels.dice(new byte[] { 1, 0 }, new byte[] { 0, 1 }));
	}

	@Test
	void autoContrastStretchesAndSurvivesOddImages() {
		float[] ramp = new float[1000];
		for (int i = 0; i < ramp.length; i++)
			ramp[i] = 5 + i * 0.01f;
		int[] grey = Panels.autoContrast(ramp);
		assertEquals(0, grey[0]);
		assertEquals(255, grey[999]);
		assertEquals(128, grey[500], 2);
		assertEquals(0, Panels.autoContrast(new float[] { 3, 3, 3 })[1]);
		int[] withNaN = Panels.autoContrast(new float[] { Float.NaN, 0, 1 });
		assertEquals(0, withNaN[0]);
		assertEquals(255, withNaN[2]);
		assertThrows(IllegalArgumentException.class, () -> Panels.comparison(new float[3], null, new byte[4], 2, 2, "x"));
	}

	private static int countColour(BufferedImage figure, int x0, int y0, int w, int h, int rgb) {
		int n = 0;
		for (int y = y0; y < y0 + h; y++)
			for (int x = x0; x < x0 + w; x++)
				if ((figure.getRGB(x, y) & 0xffffff) == (rgb & 0xffffff))
					n++;
		return n;
	}

	private static int distinctGreys(BufferedImage figure, int x0, int y0, int w, int h) {
		boolean[] seen = new boolean[256];
		int n = 0;
		for (int y = y0; y < y0 + h; y++)
			for (int x = x0; x < x0 + w; x++) {
				int v = figure.getRGB(x, y) & 0xff;
				if (!seen[v]) {
					seen[v] = true;
					n++;
				}
			}
		return n;
	}
}
