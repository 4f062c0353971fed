package org.lesionseg.unet.core.predict;

import java.util.ArrayList;
import java.util.List;

/**
 * The objects of one class of a multi-class label image: the connected regions of the pixels labelled with it,
 * measured on that class's probability map (so an object's mean probability is its class's).
 */
public final class ClassObjects {

	/** The class, 1..K. */
	public final int label;
	/** The class's regions numbered 1..n (what the ROIs are traced on). */
	public final LabelImage regions;
	public final List<SegmentedObject> objects;

	private ClassObjects(int label, LabelImage regions, List<SegmentedObject> objects) {
		this.label = label;
		this.regions = regions;
		this.objects = objects;
	}

	/**
	 * The objects of every class 1..K, in class order.
	 *
	 * @param labels the label image (0 background, 1..K)
	 * @param maps   the K+1 maps ({@link ClassMaps}): map k is class k's probability
	 */
	public static List<ClassObjects> of(byte[] labels, float[][] maps, int width, int height) {
		List<ClassObjects> all = new ArrayList<>();
		for (int k = 1; k < maps.length; k++) {
			byte[] mask = new byte[labels.length];
			for (int i = 0; i < labels.length; i++)
				if ((labels[i] & 0xff) == k)
					mask[i] = 1;
			LabelImage regions = MaskPostprocessing.label(mask, width, height);
			all.add(new ClassObjects(k, regions, MaskPostprocessing.objects(regions, maps[k])));
		}
		return all;
	}
}
