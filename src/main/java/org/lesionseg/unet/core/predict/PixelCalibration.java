package org.lesionseg.unet.core.predict;

import java.util.Locale;

/**
 * The spatial calibration of an image: pixel size, unit and origin, as ImageJ's {@code Calibration} holds them. The
 * core has no ImageJ; the ImageJ layer converts. Calibrated values follow ImageJ's "Measure": area is pixels times
 * pixel width times pixel height, a position is {@code (pixel - origin) * pixel size}.
 */
public final class PixelCalibration {

	private final double pixelWidth;
	private final double pixelHeight;
	private final String unit;
	private final double xOrigin;
	private final double yOrigin;

	public PixelCalibration(double pixelWidth, double pixelHeight, String unit, double xOrigin, double yOrigin) {
		if (!(pixelWidth > 0 && pixelHeight > 0) || Double.isInfinite(pixelWidth) || Double.isInfinite(pixelHeight))
			throw new IllegalArgumentException(String.format(Locale.ROOT, "pixel size must be positive, got %s x %s", pixelWidth, pixelHeight));
		this.pixelWidth = pixelWidth;
		this.pixelHeight = pixelHeight;
		this.unit = unit == null || unit.trim().isEmpty() ? "pixel" : unit.trim();
		this.xOrigin = xOrigin;
		this.yOrigin = yOrigin;
	}

	public double pixelWidth() {
		return pixelWidth;
	}

	public double pixelHeight() {
		return pixelHeight;
	}

	/** The length unit, e.g. {@code mm}; areas are in this unit squared. */
	public String unit() {
		return unit;
	}

	public double area(double pixels) {
		return pixels * pixelWidth * pixelHeight;
	}

	public double x(double pixelX) {
		return (pixelX - xOrigin) * pixelWidth;
	}

	public double y(double pixelY) {
		return (pixelY - yOrigin) * pixelHeight;
	}

	@Override
	public String toString() {
		return String.format(Locale.ROOT, "%s x %s %s", pixelWidth, pixelHeight, unit);
	}
}
