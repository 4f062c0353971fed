package org.lesionseg.unet.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lesionseg.unet.core.data.ImageFilesTest.assertMessage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

class DataSplitTest {

	static List<String> names(int n) {
		List<String> names = new ArrayList<>();
		for (int i = 0; i < n; i++)
			names.add(String.format("img%04d", i));
		return names;
	}

	@Test
	void defaultProportionsAndInputOrder() {
		List<String> names = names(747);
		DataSplit.Split split = DataSplit.split(names, 42);
		assertEquals(449, split.train().size());
		assertEquals(149, split.val().size());
		assertEquals(149, split.test().size());
		// every name exactly once
		Set<String> all = new HashSet<>(split.train());
		all.addAll(split.val());
		all.addAll(split.test());
		assertEquals(747, all.size());
		// each part keeps input order
		for (List<String> part : Arrays.asList(split.train(), split.val(), split.test())) {
			List<String> sorted = new ArrayList<>(part);
			Collections.sort(sorted);
			assertEquals(sorted, part);
		}
	}

	@Test
	void reproducibleForSeed() {
		List<String> names = names(100);
		DataSplit.Split a = DataSplit.split(names, 0.2, 0.1, 7, null);
		DataSplit.Split b = DataSplit.split(names, 0.2, 0.1, 7, null);
		assertEquals(a.train(), b.train());
		assertEquals(a.val(), b.val());
		assertEquals(a.test(), b.test());
		assertEquals(20, a.val().size());
		assertEquals(10, a.test().size());
		assertNotEquals(a.val(), DataSplit.split(names, 0.2, 0.1, 8, null).val());
	}

	@Test
	void smallSetsGetAtLeastOneEach() {
		DataSplit.Split split = DataSplit.split(names(3), 0.1, 0.1, 1, null); // round(0.3) = 0, raised to 1
		assertEquals(1, split.train().size());
		assertEquals(1, split.val().size());
		assertEquals(1, split.test().size());
		DataSplit.Split noTest = DataSplit.split(names(5), 0.2, 0, 1, null);
		assertEquals(0, noTest.test().size());
		assertEquals(1, noTest.val().size());
		DataSplit.Split two = DataSplit.split(names(2), 0.2, 0.2, 1, null); // fewer than 3: round(0.4) = 0
		assertEquals(2, two.train().size());
	}

	@Test
	void groupsNeverSpanTwoParts() {
		// 12 patients with 3..14 slices each
		List<String> names = new ArrayList<>();
		for (int p = 0; p < 12; p++)
			for (int z = 0; z < 3 + p; z++)
				names.add(String.format("pat%02d_z%03d", p, z));
		for (long seed = 0; seed < 20; seed++) {
			DataSplit.Split split = DataSplit.split(names, 0.2, 0.2, seed, "(.*)_z\\d+");
			assertEquals(12, split.groups());
			Map<String, Integer> partOfPatient = new HashMap<>();
			List<List<String>> parts = Arrays.asList(split.train(), split.val(), split.test());
			for (int part = 0; part < 3; part++) {
				assertFalse(parts.get(part).isEmpty(), "part " + part + " seed " + seed);
				for (String name : parts.get(part)) {
					Integer previous = partOfPatient.put(name.substring(0, 5), part);
					assertTrue(previous == null || previous == part, name + " in two parts");
				}
			}
			assertEquals(names.size(), split.train().size() + split.val().size() + split.test().size());
			// targets are 20 (round(102*0.2)); group sizes up to 14 keep parts near it
			assertTrue(Math.abs(split.val().size() - 20) <= 7, "val " + split.val().size());
			assertTrue(Math.abs(split.test().size() - 20) <= 7, "test " + split.test().size());
		}
	}

	@Test
	void groupKeys() {
		Pattern withGroup = Pattern.compile("(.*)_z\\d+");
		assertEquals("sub-strokecase0009", DataSplit.groupKey("sub-strokecase0009_z012", withGroup));
		assertEquals("TCGA_CS_4941", DataSplit.groupKey("TCGA_CS_4941_19960909_12", Pattern.compile("TCGA_\\w\\w_\\d+")));
		assertEquals("other", DataSplit.groupKey("other", withGroup));
	}

	@Test
	void fractionErrors() {
		List<String> names = names(10);
		assertMessage(() -> DataSplit.split(names, 1.0, 0, 1, null), "validation fraction must be at least 0 and below 1, not 1");
		assertMessage(() -> DataSplit.split(names, 0.2, -0.1, 1, null), "test fraction must be at least 0 and below 1, not -0.1");
		assertMessage(() -> DataSplit.split(names, 0.6, 0.4, 1, null), "add up to 1");
		assertMessage(() -> DataSplit.split(names, Double.NaN, 0.4, 1, null), "not NaN");
		assertMessage(() -> DataSplit.split(names(2), 0.45, 0.45, 1, null),
				"a validation fraction of 0.45 and test fraction of 0.45 leave no training images (2 images in 2 groups); lower them");
		assertMessage(() -> DataSplit.split(names, 0.2, 0.2, 1, "(unclosed"), "group pattern '(unclosed' is not a valid regular expression");
		assertMessage(() -> DataSplit.split(Collections.emptyList(), 0.2, 0.2, 1, null), "no images to split");
	}

	@Test
	void foldsKeepEachPatientTogetherCoverEveryImageOnceAndAreEven() {
		// 9 patients with 1 to 5 slices each, named p<patient>_z<slice>
		List<String> names = new ArrayList<>();
		int[] slices = { 5, 1, 3, 2, 4, 1, 2, 3, 4 };
		for (int p = 0; p < slices.length; p++)
			for (int z = 0; z < slices[p]; z++)
				names.add("p" + p + "_z" + z);
		List<List<String>> folds = DataSplit.folds(names, 3, 7, "^(p\\d+)_");
		assertEquals(3, folds.size());
		List<String> all = new ArrayList<>();
		java.util.Map<String, Integer> foldOf = new java.util.HashMap<>();
		for (int f = 0; f < 3; f++)
			for (String n : folds.get(f)) {
				all.add(n);
				Integer before = foldOf.put(n.substring(0, n.indexOf('_')), f);
				assertTrue(before == null || before == f, n + " is in two folds");
			}
		Collections.sort(all);
		List<String> sorted = new ArrayList<>(names);
		Collections.sort(sorted);
		assertEquals(sorted, all, "every image in exactly one fold");
		for (List<String> fold : folds)
			assertTrue(Math.abs(fold.size() - names.size() / 3.0) <= 2, "25 images in 3 folds: " + folds);
		assertEquals(folds, DataSplit.folds(names, 3, 7, "^(p\\d+)_"), "the same seed, the same folds (every array task computes them)");
		assertMessage(() -> DataSplit.folds(names.subList(0, 6), 3, 7, "^(p\\d+)_"), "3 folds need at least 3 groups (patients), but the 6 images form 2");
	}
}
