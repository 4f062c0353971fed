package org.lesionseg.unet.core.predict;

import java.util.Locale;

/**
 * One connected object of a predicted mask, with the measurements a user wants in a table: size,
 * position, extent and how confident the network was.
 * <p>
 * Coordinates are in pixels. The centroid follows ImageJ's convention (pixel (x, y) covers the square
 * from x to x+1, so its centre is x + 0.5), so it agrees with ImageJ's "Centroid" measurement of the
 * same object's ROI. The bounding box is given like a {@link java.awt.Rectangle}: top-left pixel and size.
 */
public final class SegmentedObject {

	private final int label;
	private final long area;
	private final double centroidX;
	private final double centroidY;
	private final int boundsX;
	private final int boundsY;
	private final int boundsWidth;
	private final int boundsHeight;
	private final double meanProbability;
	private final double maxProbability;

	/**
	 * @param meanProbability mean network probability over the object's pixels, NaN if unknown
	 * @param maxProbability highest network probability in the object, NaN if unknown
	 */
	public SegmentedObject(int label, long area, double centroidX, double centroidY, int boundsX, int boundsY,
			int boundsWidth, int boundsHeight, double meanProbability, double maxProbability) {
		this.label = label;
		this.area = area;
		this.centroidX = centroidX;
		this.centroidY = centroidY;
		this.boundsX = boundsX;
		this.boundsY = boundsY;
		this.boundsWidth = boundsWidth;
		this.boundsHeight = boundsHeight;
		this.meanProbability = meanProbability;
		this.maxProbability = maxProbability;
	}

	/** The object's value in the {@link LabelImage} (1-based). */
	public int label() {
		return label;
	}

	/** Number of pixels. */
	public long area() {
		return area;
	}

	/** Centroid x in ImageJ pixel coordinates (mean of x + 0.5). */
	public double centroidX() {
		return centroidX;
	}

	/** Centroid y in ImageJ pixel coordinates (mean of y + 0.5). */
	public double centroidY() {
		return centroidY;
	}

	/** Leftmost pixel column. */
	public int boundsX() {
		return boundsX;
	}

	/** Topmost pixel row. */
	public int boundsY() {
		return boundsY;
	}

	public int boundsWidth() {
		return boundsWidth;
	}

	public int boundsHeight() {
		return boundsHeight;
	}

	/** Mean probability over the object's pixels; NaN when no probability map was given. */
	public double meanProbability() {
		return meanProbability;
	}

	/** Highest probability in the object; NaN when no probability map was given. */
	public double maxProbability() {
		return maxProbability;
	}

	@Override
	public String toString() {
		return String.format(Locale.ROOT, "object %d: %d px at (%.2f, %.2f), box %d,%d %dx%d, mean p %.4f, max p %.4f", label, area,
				centroidX, centroidY, boundsX, boundsY, boundsWidth, boundsHeight, meanProbability, maxProbability);
	}
}
