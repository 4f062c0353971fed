package org.lesionseg.unet.workflow;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.lesionseg.unet.core.data.ImageFiles;
import org.lesionseg.unet.core.data.LabelClasses;
import org.lesionseg.unet.core.modelfile.ModelInfo;
import org.lesionseg.unet.core.predict.ClassObjects;
import org.lesionseg.unet.core.predict.ObjectTable;
import org.lesionseg.unet.core.predict.PixelCalibration;
import org.lesionseg.unet.core.predict.Segmenter;
import org.lesionseg.unet.core.predict.SegmentedObject;
import org.lesionseg.unet.ij.ClassRois;

import ij.gui.Roi;

/**
 * What a multi-class model's segmentation of one plane adds to the binary outputs: the label image
 * ({@code NAME_labels.png}, 8-bit, 0 background and 1..K), one probability map per class
 * ({@code NAME_prob_CLASS.tif}), ROIs per class named and coloured by class, and objects with their class.
 */
final class ClassOutputs {

	private ClassOutputs() {
	}

	/** The K class names of a model (labels 1..K). */
	static List<String> names(ModelInfo info) {
		return info.classNames.subList(1, info.classNames.size());
	}

	/** The K colours of a model, or null for the palette. */
	static List<String> colours(ModelInfo info) {
		return info.classColours == null ? null : info.classColours.subList(1, info.classColours.size());
	}

	/** The K class colours as 0xRRGGBB (the palette's where the model has none). */
	static int[] rgb(ModelInfo info) {
		int[] rgb = new int[info.foregroundClasses()];
		for (int k = 1; k <= rgb.length; k++)
			rgb[k - 1] = LabelClasses.rgb(colours(info), k);
		return rgb;
	}

	/** A class name as a file name part: letters, digits, - and _ kept, anything else _. */
	static String fileName(String className) {
		return className.replaceAll("[^A-Za-z0-9_-]", "_").toLowerCase(Locale.ROOT);
	}

	/** Writes the label image and the class maps; adds the file names to {@code written}. */
	static void write(Path folder, List<String> written, String sliceName, Segmenter.Result r, ModelInfo info, boolean mask, boolean probability) {
		if (mask) {
			String labels = sliceName + "_labels.png";
			ImageFiles.writePng8(folder.resolve(labels), r.classLabels, r.width, r.height);
			written.add(labels);
		}
		if (probability) {
			List<String> names = names(info);
			for (int k = 1; k <= names.size(); k++) {
				String map = sliceName + "_prob_" + fileName(names.get(k - 1)) + ".tif";
				ImageFiles.writeTiffFloat(folder.resolve(map), r.classMaps[k], r.width, r.height);
				written.add(map);
			}
		}
	}

	/** The objects of each class, added to the table with their class, and their ROIs (named, coloured, grouped by class). */
	static List<Roi> objectsAndRois(Segmenter.Result r, ModelInfo info, String imageName, int slice, int slices, ObjectTable table,
		PixelCalibration calibration) {
		List<ClassObjects> classes = ClassObjects.of(r.classLabels, r.classMaps, r.width, r.height);
		List<String> names = names(info);
		for (ClassObjects c : classes)
			for (SegmentedObject o : c.objects)
				table.add(imageName, slice, o, calibration, names.get(c.label - 1));
		return ClassRois.toRois(classes, names, colours(info), slices > 1 ? slice : 0, imageName);
	}

	/** Number of objects over all classes. */
	static int count(List<Roi> rois) {
		return rois.size();
	}

	/** Checks a true label image against the model's classes (one line naming the value too high). */
	static void checkTruth(byte[] truth, ModelInfo info, String name) {
		LabelClasses.of(info.foregroundClasses(), names(info), colours(info)).checkLabels(truth, name);
	}
}
