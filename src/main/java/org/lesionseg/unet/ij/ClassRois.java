package org.lesionseg.unet.ij;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;

import org.lesionseg.unet.core.data.LabelClasses;
import org.lesionseg.unet.core.predict.ClassObjects;

import ij.gui.Roi;

/**
 * ROIs of a multi-class segmentation: one per object of each class, named {@code CLASS: obj01} (or
 * {@code CLASS: slice003-obj01}), outlined in the class's colour, in the ROI group of the class's label (so the
 * ROI Manager can show, select and recolour each class), with the class as the ROI property {@code class}.
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
		for (ClassObjects c : classes) {
			String name = names.get(c.label - 1);
			Color colour = new Color(LabelClasses.rgb(colours, c.label));
			for (Roi roi : RoiConversion.toRois(c.regions, c.objects, slice, imageName)) {
				roi.setName(name + ": " + roi.getName());
				roi.setGroup(Math.min(255, c.label)); // first: ImageJ gives a grouped ROI its group's default colour
				roi.setStrokeColor(colour);
				roi.setProperty(PROPERTY_CLASS, name);
				rois.add(roi);
			}
		}
		return rois;
	}

	/** Names ImageJ's ROI groups 1..K after the classes (ImageJ keeps one set of group names). */
	public static void nameGroups(List<String> names) {
		Roi.setGroupNames(String.join(",", names));
	}
}
