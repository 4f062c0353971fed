package org.lesionseg.unet.ij;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import ij.ImagePlus;
import ij.WindowManager;
import ij.gui.Roi;

/**
 * Which image a ROI belongs to. The ROI Manager holds the ROIs of every image and every Segment run; masks must be
 * drawn only from the ROIs of their own image. The rule, in this order:
 * <ol>
 * <li>A ROI that names its image (property {@code image}, set by Segment with UNet and kept in ROI set files) belongs
 * to the image of that title, or of that title without its extension ({@code case0} for {@code case0.png}, as the
 * folder segmentation names them).</li>
 * <li>A ROI that ImageJ drew on an open image in this session ({@link Roi#getImageID()}, set when it is added to the
 * ROI Manager from that image) belongs to that image.</li>
 * <li>Any other ROI (opened from a file without the property, or drawn on an image closed since) has an unknown
 * image. It counts for an image only when no ROI of the list belongs to another image: then the list is plainly
 * that image's; otherwise it is left out and {@link Selection#unknownLeftOut} counts it.</li>
 * </ol>
 * ROIs made by a segmentation (they carry the object's {@code label}) are recognised by {@link #isSegmentationOf}, so
 * that a new run replaces them and keeps the user's own ROIs.
 */
public final class ImageRois {

	/** Where a ROI belongs, seen from one image. */
	public enum Owner {
		THIS_IMAGE, OTHER_IMAGE, UNKNOWN
	}

	/** The ROIs taken for one image, and what was left out. */
	public static final class Selection {
		/** The ROIs of the image, in the order given. */
		public final List<Roi> rois;
		/** ROIs whose image is unknown, left out because other ROIs belong to other images. */
		public final int unknownLeftOut;
		/** ROIs of other images, left out. */
		public final int ofOtherImages;
		/** The titles of the other images, in order of first appearance. */
		public final List<String> otherImages;

		Selection(List<Roi> rois, int unknownLeftOut, int ofOtherImages, List<String> otherImages) {
			this.rois = Collections.unmodifiableList(rois);
			this.unknownLeftOut = unknownLeftOut;
			this.ofOtherImages = ofOtherImages;
			this.otherImages = Collections.unmodifiableList(otherImages);
		}
	}

	private ImageRois() {
	}

	/** Where the ROI belongs, seen from this image (rules 1 and 2 of the class comment). */
	public static Owner ownerOf(Roi roi, ImagePlus image) {
		String named = imageNamed(roi);
		if (named != null)
			return namesImage(named, image) ? Owner.THIS_IMAGE : Owner.OTHER_IMAGE;
		int id = roi.getImageID();
		if (id != 0 && WindowManager.getImage(id) != null)
			return id == image.getID() ? Owner.THIS_IMAGE : Owner.OTHER_IMAGE;
		return Owner.UNKNOWN;
	}

	/** The ROIs of this image among all (rule 3 of the class comment for ROIs of unknown image). */
	public static Selection select(List<Roi> all, ImagePlus image) {
		List<Roi> own = new ArrayList<>();
		List<Roi> unknown = new ArrayList<>();
		Set<String> others = new LinkedHashSet<>();
		int ofOthers = 0;
		for (Roi roi : all) {
			Owner owner = ownerOf(roi, image);
			if (owner == Owner.THIS_IMAGE) {
				own.add(roi);
			} else if (owner == Owner.UNKNOWN) {
				unknown.add(roi);
			} else {
				ofOthers++;
				others.add(otherTitle(roi));
			}
		}
		if (ofOthers == 0) {
			List<Roi> taken = new ArrayList<>();
			for (Roi roi : all)
				if (own.contains(roi) || unknown.contains(roi))
					taken.add(roi);
			return new Selection(taken, 0, 0, new ArrayList<>());
		}
		return new Selection(own, unknown.size(), ofOthers, new ArrayList<>(others));
	}

	/** True if a segmentation made the ROI (it carries an object label) for this image. */
	public static boolean isSegmentationOf(Roi roi, ImagePlus image) {
		return roi.getProperty(RoiConversion.PROPERTY_LABEL) != null && ownerOf(roi, image) == Owner.THIS_IMAGE;
	}

	/** The image title a ROI names in its property, or null. */
	static String imageNamed(Roi roi) {
		String named = roi.getProperty(RoiConversion.PROPERTY_IMAGE);
		return named == null || named.trim().isEmpty() ? null : named.trim();
	}

	/** True if the name is the image's title, or its title without the extension. */
	static boolean namesImage(String name, ImagePlus image) {
		String title = image.getTitle();
		if (title == null)
			return false;
		if (name.equals(title))
			return true;
		int dot = title.lastIndexOf('.');
		return dot > 0 && name.equals(title.substring(0, dot));
	}

	private static String otherTitle(Roi roi) {
		String named = imageNamed(roi);
		if (named != null)
			return named;
		ImagePlus other = WindowManager.getImage(roi.getImageID());
		return other == null ? "image " + roi.getImageID() : other.getTitle();
	}
}
