package org.lesionseg.unet.ij;

import org.lesionseg.unet.core.predict.SegmentedObject;

import ij.measure.Calibration;

/**
 * One row of the objects table: a connected lesion object of one image plane with its area, mean probability and
 * centroid. The units are the caller's choice (pixels, or calibrated units via {@link #of}); the table shows the
 * values as they are.
 */
public final class ObjectRow {

	/** Image name (usually the title without extension). */
	public final String image;
	/** 1-based plane number within the image (1 for a single image). */
	public final int slice;
	/** 1-based object number within the plane. */
	public final int object;
	/** Area, in pixels or calibrated units². */
	public final double area;
	/** Mean network probability over the object's pixels; NaN if unknown. */
	public final double meanProbability;
	/** Centroid x, in pixels or calibrated units. */
	public final double centroidX;
	/** Centroid y, in pixels or calibrated units. */
	public final double centroidY;

	public ObjectRow(String image, int slice, int object, double area, double meanProbability, double centroidX, double centroidY) {
		this.image = image;
		this.slice = slice;
		this.object = object;
		this.area = area;
		this.meanProbability = meanProbability;
		this.centroidX = centroidX;
		this.centroidY = centroidY;
	}

	/**
	 * The row of a segmented object, in the units of a calibration like ImageJ's "Measure": area times pixel width
	 * times pixel height, centroid scaled and shifted by the origin.
	 *
	 * @param cal the image's calibration, or null for pixels
	 */
	public static ObjectRow of(String image, int slice, SegmentedObject o, Calibration cal) {
		if (cal == null)
			return new ObjectRow(image, slice, o.label(), o.area(), o.meanProbability(), o.centroidX(), o.centroidY());
		return new ObjectRow(image, slice, o.label(), o.area() * cal.pixelWidth * cal.pixelHeight, o.meanProbability(), cal.getX(o.centroidX()),
			cal.getY(o.centroidY()));
	}

	@Override
	public String toString() {
		return image + " slice " + slice + " object " + object + ": area " + area + ", mean p " + meanProbability + ", centroid (" + centroidX + ", "
			+ centroidY + ")";
	}
}
