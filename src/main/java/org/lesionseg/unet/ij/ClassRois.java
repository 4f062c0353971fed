package org.lesionseg.unet.ij;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.data.LabelClasses;
import org.lesionseg.unet.core.predict.ClassObjects;

import ij.gui.Roi;

/**
 * ROIs of a multi-class segmentation: one per object of each class, named {@code CLASS: obj01} (or
 * {@code CLASS: slice003-obj02}), outlined in the class's colour, in the ROI group of the class's label (so the
 * ROI Manager can show, select and recolour each class), with the class as the ROI property {@code class}.
 * ROI group k is class k: that is what {@link #classOf} reads back, so a user may set a class with the ROI Manager's
 * group too.
 */
public final class ClassRois {

	public static final String PROPERTY_CLASS = "class";

	private ClassRois() {
	}

	/**
	 * @param names   the K class names (labels 1..K)
	 * @param colours their colours (#rrggbb), or null for the palette
	 * @param slice   1-based slice of a stack, or 0 for a single image (as {@link RoiConversion#toRois})
	 */
	public static List<Roi> toRois(List<ClassObjects> classes, List<String> names, List<String> colours, int slice, String imageName) {
		List<Roi> rois = new ArrayList<>();
		for (ClassObjects c : classes)
			for (Roi roi : RoiConversion.toRois(c.regions, c.objects, slice, imageName)) {
				setClass(roi, c.label, names, colours);
				rois.add(roi);
			}
		return rois;
	}

	/**
	 * Gives a ROI class {@code label}: its group, its colour, the property {@code class} and the name
	 * {@code CLASS: rest}, where an earlier class's prefix is replaced.
	 */
	public static void setClass(Roi roi, int label, List<String> names, List<String> colours) {
		String name = names.get(label - 1);
		String was = roi.getProperty(PROPERTY_CLASS);
		String rest = roi.getName() == null ? "" : roi.getName();
		if (was != null && rest.startsWith(was + ": "))
			rest = rest.substring(was.length() + 2);
		roi.setName(rest.isEmpty() ? name : name + ": " + rest);
		roi.setGroup(Math.min(255, label)); // first: ImageJ gives a grouped ROI its group's default colour
		roi.setStrokeColor(new Color(LabelClasses.rgb(colours, label)));
		roi.setProperty(PROPERTY_CLASS, name);
	}

	/** Whether a ROI has a class yet: a group, or the property a prediction gave it. */
	public static boolean hasClass(Roi roi) {
		return roi.getGroup() > 0 || roi.getProperty(PROPERTY_CLASS) != null;
	}

	/**
	 * The class (1..K) of a ROI: its group when it has one, else the class its property names, else 1 (a ROI drawn
	 * without a class marks the first class, as Train UNet reads ROIs).
	 *
	 * @throws UnetException for a group beyond the classes or a class name that is not one of them
	 */
	public static int classOf(Roi roi, List<String> names) {
		int group = roi.getGroup();
		if (group > names.size())
			throw new UnetException("ROI \"" + roi.getName() + "\" is in group " + group + " but there are " + names.size() + " classes (" + String.join(", ", names)
				+ "): set its class (ROI group) to one of 1.." + names.size());
		if (group > 0)
			return group;
		String name = roi.getProperty(PROPERTY_CLASS);
		if (name == null)
			return 1;
		int label = names.indexOf(name) + 1;
		if (label == 0)
			throw new UnetException("ROI \"" + roi.getName() + "\" is of class " + name + ", which is not one of " + String.join(", ", names)
				+ ": set its class (ROI group) to one of 1.." + names.size());
		return label;
	}

	/** Copies of the ROIs in the group of their class ({@link #classOf}), for painting label masks by group. */
	public static List<Roi> inClassGroups(List<Roi> rois, List<String> names) {
		List<Roi> copies = new ArrayList<>(rois.size());
		for (Roi r : rois) {
			int label = classOf(r, names);
			Roi copy = (Roi) r.clone();
			copy.setGroup(label);
			copies.add(copy);
		}
		return copies;
	}

	/** One label mask (0 background, 1..K) of ROIs on one plane; where ROIs overlap, the later one's class is kept. */
	public static byte[] labelMask(List<Roi> rois, List<String> names, int width, int height) {
		return RoiConversion.toLabelMask(inClassGroups(rois, names), width, height);
	}

	/** Names ImageJ's ROI groups 1..K after the classes (ImageJ keeps one set of group names). */
	public static void nameGroups(List<String> names) {
		Roi.setGroupNames(String.join(",", names));
	}
}
