package org.lesionseg.unet.core.report;

import java.awt.image.BufferedImage;

/** One image | truth | prediction figure ({@link Panels#comparison}) with the name of the image it shows. */
public final class Panel {

	private final String name;
	private final BufferedImage image;

	public Panel(String name, BufferedImage image) {
		this.name = name;
		this.image = image;
	}

	/** The image's name, e.g. {@code case01_s003}. */
	public String name() {
		return name;
	}

	/** The figure, RGB. */
	public BufferedImage image() {
		return image;
	}
}
