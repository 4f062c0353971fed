package org.lesionseg.unet.core.report;

import org.lesionseg.unet.core.io.AtomicFiles;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;

import javax.imageio.ImageIO;

import org.lesionseg.unet.core.UnetException;

/** What the figure writers share: fonts, rendering hints and the atomic PNG write. */
final class Figures {

	static final String FONT_FAMILY = Font.SANS_SERIF;

	private Figures() {
	}

	/** Turns on antialiasing for lines and text: figures are read by people, not measured. */
	static void smooth(Graphics2D g) {
		g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
		g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
		g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
	}

	static void writePng(Path png, BufferedImage image) {
		AtomicFiles.write(png, out -> {
			if (!ImageIO.write(image, "png", out))
				throw new UnetException("Java has no PNG writer, so " + png + " cannot be written: use a standard Java runtime");
		});
	}

	/** Shortens a text with "..." until it fits the width. */
	static String fit(Graphics2D g, String text, int width) {
		if (g.getFontMetrics().stringWidth(text) <= width)
			return text;
		String shortened = text;
		while (shortened.length() > 1 && g.getFontMetrics().stringWidth(shortened + "...") > width)
			shortened = shortened.substring(0, shortened.length() - 1);
		return shortened + "...";
	}
}
