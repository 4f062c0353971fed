package org.lesionseg.unet.ij;

import java.awt.Rectangle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.predict.LabelImage;
import org.lesionseg.unet.core.predict.SegmentedObject;

import ij.ImagePlus;
import ij.gui.Roi;
import ij.plugin.filter.ThresholdToSelection;
import ij.process.ByteProcessor;
import ij.process.ImageProcessor;

/**
 * Converts segmented objects to ImageJ ROIs and ROIs back to masks, so that users can review and edit
 * a prediction in the ROI Manager and turn the edited ROIs into training masks again.
 * <p>
 * Each object becomes the traced outline of exactly its pixels: ImageJ's {@link ThresholdToSelection}
 * traces pixel edges, gives a polygon ({@code Roi.TRACED_ROI}) for a simple object and a composite
 * {@link ij.gui.ShapeRoi} for an object with holes or parts that touch only at a corner. Converting the
 * ROIs back with {@link #toMask} therefore gives the original pixels. No window is opened and
 * {@code IJ.run} is never called, so this works headless and inside commands.
 */
public final class RoiConversion {

	/** ROI property keys, readable with {@code Roi.getProperty} and shown by the ROI Manager's "Properties". */
	public static final String PROPERTY_AREA = "area";
	public static final String PROPERTY_MEAN_PROBABILITY = "mean_probability";
	public static final String PROPERTY_MAX_PROBABILITY = "max_probability";
	public static final String PROPERTY_LABEL = "label";
	public static final String PROPERTY_IMAGE = "image";

	private RoiConversion() {
	}

	/**
	 * One ROI per object, traced on the label image.
	 *
	 * @param labels the label image the objects were measured on
	 * @param objects the objects to convert (usually all of {@code labels})
	 * @param slice 1-based slice of a stack the objects belong to, or 0 for a single image; stack ROIs are
	 *            named {@code slice003-obj02} and get {@code setPosition(slice)}, single-image ROIs are
	 *            named {@code obj02}
	 * @param imageName the source image's name, stored as the property {@code image}; may be null
	 * @return the ROIs in the order of {@code objects}
	 */
	public static List<Roi> toRois(LabelImage labels, List<SegmentedObject> objects, int slice, String imageName) {
		if (slice < 0)
			throw new IllegalArgumentException("slice must be 0 (single image) or 1-based, got " + slice);
		int objectDigits = Math.max(2, Integer.toString(objects.size()).length());
		List<Roi> rois = new ArrayList<>(objects.size());
		for (int i = 0; i < objects.size(); i++) {
			SegmentedObject object = objects.get(i);
			Roi roi = traceObject(labels, object);
			String objectName = String.format(Locale.ROOT, "obj%0" + objectDigits + "d", i + 1);
			roi.setName(slice > 0 ? String.format(Locale.ROOT, "slice%03d-%s", slice, objectName) : objectName);
			if (slice > 0)
				roi.setPosition(slice);
			roi.setProperty(PROPERTY_LABEL, Integer.toString(object.label()));
			roi.setProperty(PROPERTY_AREA, Long.toString(object.area()));
			if (!Double.isNaN(object.meanProbability())) {
				roi.setProperty(PROPERTY_MEAN_PROBABILITY, String.format(Locale.ROOT, "%.4f", object.meanProbability()));
				roi.setProperty(PROPERTY_MAX_PROBABILITY, String.format(Locale.ROOT, "%.4f", object.maxProbability()));
			}
			if (imageName != null && !imageName.isEmpty())
				roi.setProperty(PROPERTY_IMAGE, imageName);
			rois.add(roi);
		}
		return rois;
	}

	/** Traces one object inside its bounding box only, so that many objects on a large image stay cheap. */
	private static Roi traceObject(LabelImage labels, SegmentedObject object) {
		int bx = object.boundsX(), by = object.boundsY(), bw = object.boundsWidth(), bh = object.boundsHeight();
		if (bw <= 0 || bh <= 0 || bx < 0 || by < 0 || bx + bw > labels.width() || by + bh > labels.height())
			throw new IllegalArgumentException("bounding box of object " + object.label() + " lies outside the " + labels.width() + "x"
					+ labels.height() + " label image");
		ByteProcessor crop = new ByteProcessor(bw, bh);
		byte[] pixels = (byte[]) crop.getPixels();
		int[] l = labels.labels();
		int found = 0;
		for (int y = 0; y < bh; y++)
			for (int x = 0; x < bw; x++)
				if (l[(by + y) * labels.width() + bx + x] == object.label()) {
					pixels[y * bw + x] = (byte) 255;
					found++;
				}
		if (found == 0)
			throw new IllegalArgumentException("object " + object.label() + " has no pixels in the label image");
		crop.setThreshold(255, 255, ImageProcessor.NO_LUT_UPDATE);
		Roi roi = new ThresholdToSelection().convert(crop);
		Rectangle r = roi.getBounds();
		roi.setLocation(r.x + bx, r.y + by);
		return roi;
	}

	/**
	 * Paints ROIs into one 0/1 mask: every pixel inside any area ROI becomes 1, whatever the ROI's stack
	 * position. Line and point ROIs enclose no pixels and are ignored; parts outside the image are clipped.
	 */
	public static byte[] toMask(List<Roi> rois, int width, int height) {
		checkSize(width, height);
		byte[] mask = new byte[width * height];
		for (Roi roi : rois)
			paint(roi, mask, width, height);
		return mask;
	}

	/**
	 * As {@link #toMask}, each ROI painted with its ROI group (1 for ROIs without one): a label image of classes 1..K
	 * when ROI group k holds class k. Where ROIs overlap, the later one's value is kept.
	 */
	public static byte[] toLabelMask(List<Roi> rois, int width, int height) {
		checkSize(width, height);
		byte[] mask = new byte[width * height];
		for (Roi roi : rois)
			paint(roi, mask, width, height, (byte) Math.max(1, roi.getGroup()));
		return mask;
	}

	/**
	 * Paints ROIs into one 0/1 mask per slice of a stack. A ROI with a position (1-based,
	 * {@code Roi.getPosition()}, or its z position on a hyperstack) goes to that slice; a ROI without a
	 * position belongs to every slice, as in ImageJ.
	 *
	 * @return {@code masks[slice - 1]} for slices 1..slices
	 */
	public static byte[][] toMasks(List<Roi> rois, int width, int height, int slices) {
		checkSize(width, height);
		if (slices < 1)
			throw new IllegalArgumentException("a stack needs at least one slice, got " + slices);
		byte[][] masks = new byte[slices][width * height];
		for (Roi roi : rois) {
			int position = stackPosition(roi);
			if (position > slices)
				throw new UnetException("ROI \"" + roi.getName() + "\" belongs to slice " + position + " but the image has only " + slices
						+ " slices: use ROIs made for this image");
			if (position > 0)
				paint(roi, masks[position - 1], width, height);
			else
				for (byte[] mask : masks)
					paint(roi, mask, width, height);
		}
		return masks;
	}

	/**
	 * Paints ROIs into one 0/1 mask per (z, t) plane of an image, in ImageJ's plane order (z fastest), each ROI on its
	 * own plane: a plain position is a stack index (channels included, as ImageJ numbers them), a hyperstack position
	 * names z and t, and 0 in either means all of them. A ROI without any position marks every plane, as in ImageJ.
	 *
	 * @return {@code masks[plane - 1]}
	 * @throws UnetException if a ROI lies on a plane the image does not have
	 */
	public static byte[][] toMasks(List<Roi> rois, ImagePlus image) {
		return toMasks(rois, image, false);
	}

	/**
	 * As {@link #toMasks(List, ImagePlus)}, each ROI painted with its ROI group (1 for ROIs without one): label images
	 * of classes 1..K when ROI group k holds class k. A binary mask rule reads them as 0/1 like {@code toMasks}.
	 */
	public static byte[][] toLabelMasks(List<Roi> rois, ImagePlus image) {
		return toMasks(rois, image, true);
	}

	private static byte[][] toMasks(List<Roi> rois, ImagePlus image, boolean groups) {
		int width = image.getWidth(), height = image.getHeight();
		checkSize(width, height);
		int slices = Math.max(1, image.getNSlices()), frames = Math.max(1, image.getNFrames());
		byte[][] masks = new byte[slices * frames][width * height];
		for (Roi roi : rois)
			for (int plane : planesOf(roi, image))
				paint(roi, masks[plane - 1], width, height, groups ? (byte) Math.max(1, roi.getGroup()) : 1);
		return masks;
	}

	/** The 1-based (z, t) planes a ROI marks on this image. */
	static List<Integer> planesOf(Roi roi, ImagePlus image) {
		int slices = Math.max(1, image.getNSlices()), frames = Math.max(1, image.getNFrames());
		int z = 0, t = 0;
		if (roi.getPosition() > 0) {
			int index = roi.getPosition();
			if (index > image.getStackSize())
				throw outside(roi, "slice " + index, image);
			int[] czt = image.convertIndexToPosition(index);
			z = czt[1];
			t = czt[2];
		} else if (roi.hasHyperStackPosition()) {
			z = roi.getZPosition();
			t = roi.getTPosition();
			if (slices == 1 && frames > 1 && t == 0 && z > 1) { // a plain stack of frames numbered as slices
				t = z;
				z = 0;
			}
			if (z > slices || t > frames)
				throw outside(roi, "z " + z + ", t " + t, image);
		}
		List<Integer> planes = new ArrayList<>();
		for (int tt = 1; tt <= frames; tt++)
			for (int zz = 1; zz <= slices; zz++)
				if ((z == 0 || z == zz) && (t == 0 || t == tt))
					planes.add((tt - 1) * slices + zz);
		return planes;
	}

	private static UnetException outside(Roi roi, String where, ImagePlus image) {
		return new UnetException("ROI \"" + roi.getName() + "\" belongs to " + where + " but " + image.getTitle() + " has only " + image.getNSlices()
				+ " slice(s) and " + image.getNFrames() + " frame(s): use ROIs made for this image.");
	}

	/** The slice a ROI belongs to (1-based), or 0 for all slices. */
	static int stackPosition(Roi roi) {
		int position = roi.getPosition();
		if (position == 0 && roi.hasHyperStackPosition())
			position = roi.getZPosition() > 0 ? roi.getZPosition() : roi.getTPosition();
		return position;
	}

	private static void paint(Roi roi, byte[] mask, int width, int height) {
		paint(roi, mask, width, height, (byte) 1);
	}

	private static void paint(Roi roi, byte[] mask, int width, int height, byte value) {
		if (roi == null || !roi.isArea())
			return;
		Rectangle r = roi.getBounds();
		ImageProcessor roiMask = roi.getMask(); // null for a plain rectangle: all of its bounds
		int x0 = Math.max(0, r.x), y0 = Math.max(0, r.y);
		int x1 = Math.min(width, r.x + r.width), y1 = Math.min(height, r.y + r.height);
		for (int y = y0; y < y1; y++)
			for (int x = x0; x < x1; x++)
				if (roiMask == null || roiMask.get(x - r.x, y - r.y) != 0)
					mask[y * width + x] = value;
	}

	private static void checkSize(int width, int height) {
		if (width <= 0 || height <= 0)
			throw new IllegalArgumentException("mask size must be positive, got " + width + "x" + height);
	}
}
