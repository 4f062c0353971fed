package org.lesionseg.unet.ij;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Point;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.data.LabelClasses;

import ij.gui.OvalRoi;
import ij.gui.Roi;

/** A ROI's class as a review sets and reads it: name, group and colour, the rules of {@link ClassRois#classOf}, label masks. */
class ClassRoisTest {

	private static final List<String> NAMES = Arrays.asList("core", "penumbra");

	@Test
	void settingAClassRenamesRegroupsAndRecolours() {
		Roi roi = new Roi(2, 3, 4, 5);
		roi.setName("slice002-obj01");
		assertFalse(ClassRois.hasClass(roi));
		ClassRois.setClass(roi, 1, NAMES, null);
		assertEquals("core: slice002-obj01", roi.getName());
		assertEquals(1, roi.getGroup());
		assertEquals(new Color(LabelClasses.rgb(null, 1)), roi.getStrokeColor());
		// changed: the old class's prefix is replaced, not stacked
		ClassRois.setClass(roi, 2, NAMES, Arrays.asList("#00ff00", "#ff00ff"));
		assertEquals("penumbra: slice002-obj01", roi.getName());
		assertEquals(2, roi.getGroup());
		assertEquals(new Color(0xff00ff), roi.getStrokeColor());
		assertEquals("penumbra", roi.getProperty(ClassRois.PROPERTY_CLASS));
		assertEquals(2, ClassRois.classOf(roi, NAMES));
	}

	@Test
	void theClassIsTheGroupElseTheNamedClassElseTheFirst() {
		Roi drawn = new Roi(0, 0, 3, 3);
		assertEquals(1, ClassRois.classOf(drawn, NAMES), "a ROI drawn without a class marks class 1, as Train UNet reads ROIs");
		Roi named = new Roi(0, 0, 3, 3);
		named.setProperty(ClassRois.PROPERTY_CLASS, "penumbra");
		assertEquals(2, ClassRois.classOf(named, NAMES));
		named.setGroup(1); // a macro's RoiManager.setGroup(1) wins over the property
		assertEquals(1, ClassRois.classOf(named, NAMES));
		Roi beyond = new Roi(0, 0, 3, 3);
		beyond.setName("x");
		beyond.setGroup(3);
		assertEquals("ROI \"x\" is in group 3 but there are 2 classes (core, penumbra): set its class (ROI group) to one of 1..2",
			assertThrows(UnetException.class, () -> ClassRois.classOf(beyond, NAMES)).getMessage());
		Roi other = new Roi(0, 0, 3, 3);
		other.setName("y");
		other.setProperty(ClassRois.PROPERTY_CLASS, "edema");
		assertTrue(assertThrows(UnetException.class, () -> ClassRois.classOf(other, NAMES)).getMessage().startsWith("ROI \"y\" is of class edema"));
	}

	@Test
	void aLabelMaskKeepsTheLaterRoiWhereTheyOverlap() {
		Roi square = new Roi(2, 2, 10, 10);
		ClassRois.setClass(square, 1, NAMES, null);
		Roi oval = new OvalRoi(6, 6, 10, 8);
		ClassRois.setClass(oval, 2, NAMES, null);
		int w = 20, h = 20;
		byte[] labels = ClassRois.labelMask(Arrays.asList(square, oval), NAMES, w, h);
		Set<Integer> inOval = new HashSet<>();
		for (Point p : oval.getContainedPoints())
			inOval.add(p.y * w + p.x);
		int ones = 0, twos = 0;
		for (Point p : square.getContainedPoints())
			if (!inOval.contains(p.y * w + p.x))
				ones++;
		for (int i = 0; i < labels.length; i++) {
			assertEquals(inOval.contains(i) ? 2 : labels[i] == 1 ? 1 : 0, labels[i], "pixel " + i);
			twos += labels[i] == 2 ? 1 : 0;
		}
		assertEquals(inOval.size(), twos);
		int counted = 0;
		for (byte b : labels)
			counted += b == 1 ? 1 : 0;
		assertEquals(ones, counted);
		assertTrue(ones > 0 && twos > 0 && ones + twos < 100 + inOval.size(), "the two overlap");
		// the other order: the square (later) covers the oval where they overlap
		byte[] reversed = ClassRois.labelMask(Arrays.asList(oval, square), NAMES, w, h);
		assertEquals(1, reversed[8 * w + 8]);
		assertEquals(2, labels[8 * w + 8]);
	}
}
