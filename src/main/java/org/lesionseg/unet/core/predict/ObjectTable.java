package org.lesionseg.unet.core.predict;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The one schema of the segmented objects, for {@code objects.csv} and the "UNet objects" table alike: one row per
 * object with its image, 1-based slice, object number, area and centroid in pixels, mean and maximum probability and
 * bounding box. When an image has a spatial calibration the row also has the area and centroid in its units and the
 * unit; those four columns exist in a table only when one of its images is calibrated (empty for the others).
 */
public final class ObjectTable {

	/** The columns every table has. */
	public static final List<String> PIXEL_COLUMNS = Collections.unmodifiableList(Arrays.asList("image", "slice", "object", "area_px", "centroid_x",
		"centroid_y", "mean_probability", "max_probability", "bx", "by", "bwidth", "bheight"));
	/** The columns added when an image is calibrated: area in unit², centroid in units, the unit. */
	public static final List<String> CALIBRATED_COLUMNS = Collections
		.unmodifiableList(Arrays.asList("area_calibrated", "centroid_x_calibrated", "centroid_y_calibrated", "unit"));

	private final List<List<Object>> pixelCells = new ArrayList<>();
	private final List<List<Object>> calibratedCells = new ArrayList<>();
	private boolean calibrated;
	/** A multi-class segmentation's class of each object (null for binary); the column exists only when one is set. */
	private final List<Object> classCells = new ArrayList<>();
	private boolean classes;

	/**
	 * Adds one object.
	 *
	 * @param slice 1-based plane of the image
	 * @param calibration the image's calibration, or null for an image in pixels
	 */
	public void add(String image, int slice, SegmentedObject o, PixelCalibration calibration) {
		add(image, slice, o, calibration, null);
	}

	/** Adds one object of a class (a multi-class segmentation; null for binary): the table then has a class column. */
	public void add(String image, int slice, SegmentedObject o, PixelCalibration calibration, String className) {
		classCells.add(className);
		classes |= className != null;
		pixelCells.add(Arrays.asList(image, slice, o.label(), o.area(), o.centroidX(), o.centroidY(), o.meanProbability(), o.maxProbability(),
			o.boundsX(), o.boundsY(), o.boundsWidth(), o.boundsHeight()));
		if (calibration == null) {
			calibratedCells.add(Arrays.asList(null, null, null, null));
		} else {
			calibrated = true;
			calibratedCells.add(Arrays.asList(calibration.area(o.area()), calibration.x(o.centroidX()), calibration.y(o.centroidY()), calibration.unit()));
		}
	}

	/** Adds every row of another table (the objects of one more image). */
	public void addAll(ObjectTable other) {
		pixelCells.addAll(other.pixelCells);
		calibratedCells.addAll(other.calibratedCells);
		calibrated |= other.calibrated;
		classCells.addAll(other.classCells);
		classes |= other.classes;
	}

	/** Whether one of the images was calibrated, so that the table has the calibrated columns. */
	public boolean calibrated() {
		return calibrated;
	}

	public List<String> header() {
		if (!calibrated && !classes)
			return PIXEL_COLUMNS;
		List<String> header = new ArrayList<>(PIXEL_COLUMNS);
		if (calibrated)
			header.addAll(CALIBRATED_COLUMNS);
		if (classes)
			header.add(CLASS_COLUMN);
		return header;
	}

	/** The column of a multi-class segmentation's objects: the class name. */
	public static final String CLASS_COLUMN = "class";

	/** The rows, one cell per {@link #header()} column: numbers, text, or null for an empty cell. */
	public List<List<Object>> rows() {
		List<List<Object>> rows = new ArrayList<>(pixelCells.size());
		for (int r = 0; r < pixelCells.size(); r++) {
			if (!calibrated && !classes) {
				rows.add(pixelCells.get(r));
				continue;
			}
			List<Object> row = new ArrayList<>(pixelCells.get(r));
			if (calibrated)
				row.addAll(calibratedCells.get(r));
			if (classes)
				row.add(classCells.get(r));
			rows.add(row);
		}
		return rows;
	}

	public int size() {
		return pixelCells.size();
	}
}
