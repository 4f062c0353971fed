package org.lesionseg.unet.core.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.Locale;

/**
 * The "image | ground truth | prediction" figure that shows at a glance how well one image was
 * segmented.
 * <p>
 * The grey image is auto-contrasted like ImageJ's "Enhance Contrast" (0.35% of pixels saturated). The
 * truth is drawn in green and the prediction in red, each as a translucent fill with an opaque outline on
 * top of the image, so small lesions stay visible and the anatomy underneath stays readable. Small images
 * are enlarged by whole-pixel (nearest neighbour) steps until a tile is at least 256 pixels wide, large
 * ones reduced to at most 768 pixels (a reduced mask pixel is set when any of its source pixels is, so no
 * lesion disappears). The title carries the image's Dice coefficient.
 */
public final class Panels {

	/** Smallest width of one tile, in figure pixels. */
	public static final int MIN_TILE_WIDTH = 256;
	/** Largest width of one tile, in figure pixels. */
	public static final int MAX_TILE_WIDTH = 768;

	static final Color TRUTH = new Color(40, 220, 60);
	static final Color PREDICTION = new Color(255, 40, 40);
	private static final float FILL_ALPHA = 0.45f;
	private static final int MARGIN = 16;
	private static final int GAP = 12;
	private static final int TITLE_HEIGHT = 34;
	private static final int LABEL_HEIGHT = 24;

	private Panels() {
	}

	/**
	 * The comparison figure; {@link PanelWriter} saves it.
	 *
	 * @param image the grey image, row-major, any range (NaN pixels are drawn black)
	 * @param truth the 0/1 ground-truth mask, or null when there is none (then only image and prediction
	 *            are shown and no Dice is given)
	 * @param prediction the 0/1 predicted mask
	 * @param title shown above the tiles, followed by the Dice
	 */
	public static BufferedImage comparison(float[] image, byte[] truth, byte[] prediction, int w, int h, String title) {
		return figure(image, truth, prediction, w, h, title, null);
	}

	/**
	 * As {@link #comparison}, for label images (0 background, 1..K): each class is drawn in its colour
	 * ({@code classRgb[k - 1]}, 0xRRGGBB); the Dice in the title is the foreground's (all classes together).
	 */
	public static BufferedImage classComparison(float[] image, byte[] truthLabels, byte[] predictedLabels, int w, int h, String title, int[] classRgb) {
		return figure(image, truthLabels, predictedLabels, w, h, title, classRgb);
	}

	private static BufferedImage figure(float[] image, byte[] truth, byte[] prediction, int w, int h, String title, int[] classRgb) {
		if (w <= 0 || h <= 0)
			throw new IllegalArgumentException("image size must be positive, got " + w + "x" + h);
		check(image.length, w, h, "image");
		check(prediction.length, w, h, "prediction");
		if (truth != null)
			check(truth.length, w, h, "truth");

		int tileW = tileWidth(w);
		int tileH = (int) Math.max(1, Math.round((double) h * tileW / w));
		int[] grey = scaleGrey(autoContrast(image), w, h, tileW, tileH);

		int tiles = truth == null ? 2 : 3;
		int width = 2 * MARGIN + tiles * tileW + (tiles - 1) * GAP;
		int height = MARGIN + TITLE_HEIGHT + LABEL_HEIGHT + tileH + MARGIN;
		BufferedImage figure = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
		Graphics2D g = figure.createGraphics();
		try {
			Figures.smooth(g);
			g.setColor(Color.WHITE);
			g.fillRect(0, 0, width, height);

			int predicted = count(prediction);
			String heading = title == null ? "" : title;
			if (truth != null)
				heading += String.format(Locale.ROOT, "%sDice %.3f", heading.isEmpty() ? "" : "   ", dice(truth, prediction));
			g.setColor(Color.BLACK);
			g.setFont(new Font(Figures.FONT_FAMILY, Font.BOLD, 18));
			g.drawString(Figures.fit(g, heading, width - 2 * MARGIN), MARGIN, MARGIN + 20);

			int top = MARGIN + TITLE_HEIGHT + LABEL_HEIGHT;
			int x = MARGIN;
			drawTile(g, figure, grey, new boolean[0][], new int[0], tileW, tileH, x, top, "image", w, h);
			x += tileW + GAP;
			if (truth != null) {
				drawTile(g, figure, grey, masks(truth, classRgb, w, h, tileW, tileH), colours(TRUTH, classRgb), tileW, tileH, x, top,
						"ground truth (" + count(truth) + " px)", w, h);
				x += tileW + GAP;
			}
			drawTile(g, figure, grey, masks(prediction, classRgb, w, h, tileW, tileH), colours(PREDICTION, classRgb), tileW, tileH, x, top,
					"prediction (" + predicted + " px)", w, h);
		} finally {
			g.dispose();
		}
		return figure;
	}

	/** Dice of two 0/1 masks; 1 when both are empty (nothing to find, nothing found). */
	public static double dice(byte[] truth, byte[] prediction) {
		if (truth.length != prediction.length)
			throw new IllegalArgumentException("masks differ in size: " + truth.length + " and " + prediction.length);
		long both = 0, sum = 0;
		for (int i = 0; i < truth.length; i++) {
			boolean t = truth[i] != 0, p = prediction[i] != 0;
			if (t && p)
				both++;
			sum += (t ? 1 : 0) + (p ? 1 : 0);
		}
		return sum == 0 ? 1.0 : 2.0 * both / sum;
	}

	/** Tile width: whole-pixel enlargement up to 256, unchanged up to 768, reduced beyond. */
	static int tileWidth(int w) {
		if (w < MIN_TILE_WIDTH)
			return w * ((MIN_TILE_WIDTH + w - 1) / w);
		return Math.min(w, MAX_TILE_WIDTH);
	}

	/** The tile masks of a 0/1 mask (one) or of a label image's classes 1..K (with class colours). */
	private static boolean[][] masks(byte[] mask, int[] classRgb, int w, int h, int tileW, int tileH) {
		if (classRgb == null)
			return new boolean[][] { scaleMask(mask, w, h, tileW, tileH) };
		boolean[][] masks = new boolean[classRgb.length][];
		for (int k = 1; k <= classRgb.length; k++) {
			byte[] one = new byte[mask.length];
			for (int i = 0; i < mask.length; i++)
				one[i] = (byte) ((mask[i] & 0xff) == k ? 1 : 0);
			masks[k - 1] = scaleMask(one, w, h, tileW, tileH);
		}
		return masks;
	}

	/** The tile colours as 0xRRGGBB (the architecture keeps core to plain AWT types: no Color arrays). */
	private static int[] colours(Color binary, int[] classRgb) {
		return classRgb == null ? new int[] { binary.getRGB() & 0xffffff } : classRgb;
	}

	private static void drawTile(Graphics2D g, BufferedImage figure, int[] grey, boolean[][] masks, int[] colours, int tileW, int tileH,
			int left, int top, String label, int w, int h) {
		g.setColor(new Color(60, 60, 60));
		g.setFont(new Font(Figures.FONT_FAMILY, Font.PLAIN, 14));
		g.drawString(Figures.fit(g, label, tileW), left, top - 7);
		int[] rgb = new int[tileW * tileH];
		for (int i = 0; i < rgb.length; i++) {
			int v = grey[i];
			rgb[i] = (v << 16) | (v << 8) | v;
		}
		for (int m = 0; m < masks.length; m++) {
			boolean[] mask = masks[m];
			Color colour = new Color(colours[m]);
			int outlineWidth = 2; // tiles are at least 256 px wide: 2 px stay visible without hiding small lesions
			for (int y = 0; y < tileH; y++)
				for (int x = 0; x < tileW; x++) {
					int i = y * tileW + x;
					if (!mask[i])
						continue;
					rgb[i] = onEdge(mask, tileW, tileH, x, y, outlineWidth) ? colour.getRGB() & 0xffffff : blend(rgb[i], colour, FILL_ALPHA);
				}
		}
		figure.setRGB(left, top, tileW, tileH, rgb, 0, tileW);
	}

	/** Whether a mask pixel lies within {@code width} pixels of the mask's border (or the tile's). */
	private static boolean onEdge(boolean[] mask, int tileW, int tileH, int x, int y, int width) {
		for (int dy = -width; dy <= width; dy++)
			for (int dx = -width; dx <= width; dx++) {
				int nx = x + dx, ny = y + dy;
				if (nx < 0 || ny < 0 || nx >= tileW || ny >= tileH || !mask[ny * tileW + nx])
					return true;
			}
		return false;
	}

	private static int blend(int rgb, Color colour, float alpha) {
		int r = (rgb >> 16) & 0xff, gr = (rgb >> 8) & 0xff, b = rgb & 0xff;
		r = Math.round(r * (1 - alpha) + colour.getRed() * alpha);
		gr = Math.round(gr * (1 - alpha) + colour.getGreen() * alpha);
		b = Math.round(b * (1 - alpha) + colour.getBlue() * alpha);
		return (r << 16) | (gr << 8) | b;
	}

	/**
	 * Maps the image to 0..255 between its 0.175th and 99.825th percentiles (0.35% saturated in total, as
	 * ImageJ's Enhance Contrast does), falling back to min..max for images with few grey levels.
	 */
	static int[] autoContrast(float[] image) {
		float[] finite = new float[image.length];
		int n = 0;
		for (float v : image)
			if (Float.isFinite(v))
				finite[n++] = v;
		int[] out = new int[image.length];
		if (n == 0)
			return out;
		float[] sorted = Arrays.copyOf(finite, n);
		Arrays.sort(sorted);
		double lo = sorted[(int) Math.floor(0.00175 * (n - 1))];
		double hi = sorted[(int) Math.ceil(0.99825 * (n - 1))];
		if (hi <= lo) {
			lo = sorted[0];
			hi = sorted[n - 1];
		}
		double scale = hi > lo ? 255.0 / (hi - lo) : 0;
		for (int i = 0; i < image.length; i++) {
			float v = image[i];
			if (!Float.isFinite(v))
				continue;
			out[i] = (int) Math.max(0, Math.min(255, Math.round((v - lo) * scale)));
		}
		return out;
	}

	/** Resamples grey levels to the tile: nearest neighbour when enlarging, the mean when reducing. */
	private static int[] scaleGrey(int[] grey, int w, int h, int tileW, int tileH) {
		int[] out = new int[tileW * tileH];
		for (int ty = 0; ty < tileH; ty++) {
			int y0 = (int) ((long) ty * h / tileH), y1 = Math.max(y0 + 1, (int) ((long) (ty + 1) * h / tileH));
			for (int tx = 0; tx < tileW; tx++) {
				int x0 = (int) ((long) tx * w / tileW), x1 = Math.max(x0 + 1, (int) ((long) (tx + 1) * w / tileW));
				long sum = 0;
				for (int y = y0; y < y1; y++)
					for (int x = x0; x < x1; x++)
						sum += grey[y * w + x];
				out[ty * tileW + tx] = (int) (sum / ((long) (y1 - y0) * (x1 - x0)));
			}
		}
		return out;
	}

	/** Resamples a mask to the tile: a tile pixel is set when any source pixel under it is. */
	private static boolean[] scaleMask(byte[] mask, int w, int h, int tileW, int tileH) {
		boolean[] out = new boolean[tileW * tileH];
		for (int ty = 0; ty < tileH; ty++) {
			int y0 = (int) ((long) ty * h / tileH), y1 = Math.max(y0 + 1, (int) ((long) (ty + 1) * h / tileH));
			for (int tx = 0; tx < tileW; tx++) {
				int x0 = (int) ((long) tx * w / tileW), x1 = Math.max(x0 + 1, (int) ((long) (tx + 1) * w / tileW));
				boolean any = false;
				for (int y = y0; y < y1 && !any; y++)
					for (int x = x0; x < x1 && !any; x++)
						any = mask[y * w + x] != 0;
				out[ty * tileW + tx] = any;
			}
		}
		return out;
	}

	private static int count(byte[] mask) {
		int n = 0;
		for (byte b : mask)
			if (b != 0)
				n++;
		return n;
	}

	private static void check(int length, int w, int h, String what) {
		if ((long) w * h != length)
			throw new IllegalArgumentException(what + " has " + length + " pixels, expected " + w + "x" + h);
	}
}
