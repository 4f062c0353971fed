package org.lesionseg.unet.core.data;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.lesionseg.unet.core.UnetException;

/**
 * Divides a data set into training, validation and test parts, reproducibly for a given seed.
 * <p>
 * A seeded shuffle decides which part each name joins; each part then lists its names in input order. Slices of
 * one patient are near-copies of each other, so letting them span parts would overstate the test score: with a
 * group pattern (a regular expression whose first capture group, or whole match, is the patient key) all names of
 * one group land in the same part. Names the pattern does not match form groups of their own.
 * <p>
 * Target sizes are {@code round(n * fraction)} images, at least 1 when the fraction is above 0 and there are at least
 * 3 groups. Groups are dealt out in shuffled order: a group joins the validation part while that brings the part
 * closer to its target, else the test part on the same rule, else the training part. Without groups this gives
 * exactly the target sizes (747 images with 0.2/0.2 give 449/149/149).
 */
public final class DataSplit {

	/** Default share of images for validation. */
	public static final double DEFAULT_VAL_FRACTION = 0.2;
	/** Default share of images for the test. */
	public static final double DEFAULT_TEST_FRACTION = 0.2;

	private DataSplit() {
	}

	/**
	 * Splits the names.
	 *
	 * @param groupPattern a regular expression giving each name's group key, or null/blank for one group per name
	 * @throws UnetException for fractions outside [0, 1) or adding up to 1 or more, an invalid pattern, no names, or
	 *             when nothing is left for training
	 */
	public static Split split(List<String> names, double valFraction, double testFraction, long seed, String groupPattern) {
		checkFraction("validation", valFraction);
		checkFraction("test", testFraction);
		if (valFraction + testFraction >= 1)
			throw new UnetException("a validation fraction of " + format(valFraction) + " and a test fraction of " + format(testFraction) + " add up to "
					+ format(valFraction + testFraction) + ": their sum must be below 1 to leave images for training");
		if (names.isEmpty())
			throw new UnetException("there are no images to split: check the image folder");

		List<List<Integer>> groups = groups(names, groupPattern);
		int n = names.size();
		int valTarget = target(n, valFraction, groups.size());
		int testTarget = target(n, testFraction, groups.size());

		List<List<Integer>> shuffled = new ArrayList<>(groups);
		Collections.shuffle(shuffled, new Random(seed));
		int[] part = new int[n]; // 0 train, 1 val, 2 test
		int valCount = 0, testCount = 0;
		boolean atLeastOne = groups.size() >= 3;
		for (List<Integer> group : shuffled) {
			int size = group.size();
			int assigned = 0;
			if (joins(valCount, size, valTarget, atLeastOne)) {
				assigned = 1;
				valCount += size;
			} else if (joins(testCount, size, testTarget, atLeastOne)) {
				assigned = 2;
				testCount += size;
			}
			for (int index : group)
				part[index] = assigned;
		}

		List<String> train = new ArrayList<>(), val = new ArrayList<>(), test = new ArrayList<>();
		for (int i = 0; i < n; i++)
			(part[i] == 0 ? train : part[i] == 1 ? val : test).add(names.get(i));
		if (train.isEmpty())
			throw new UnetException("a validation fraction of " + format(valFraction) + " and test fraction of " + format(testFraction) + " leave no training images ("
					+ n + " images in " + groups.size() + " groups); lower them");
		return new Split(train, val, test, groups.size());
	}

	/** {@link #split(List, double, double, long, String)} with the default fractions 0.2 / 0.2 and no groups. */
	public static Split split(List<String> names, long seed) {
		return split(names, DEFAULT_VAL_FRACTION, DEFAULT_TEST_FRACTION, seed, null);
	}

	/**
	 * Divides the names into {@code k} folds for cross-validation, reproducibly for a seed, keeping each group (patient)
	 * in one fold: groups are shuffled with the seed, then each joins the fold that holds the fewest images so far (the
	 * first of those on ties), largest groups first so that the folds come out even.
	 *
	 * @return per fold its names, in input order
	 * @throws UnetException when there are fewer groups than folds, or for an invalid pattern
	 */
	public static List<List<String>> folds(List<String> names, int k, long seed, String groupPattern) {
		if (k < 2)
			throw new UnetException("a cross-validation needs at least 2 folds, not " + k);
		List<List<Integer>> groups = groups(names, groupPattern);
		if (groups.size() < k)
			throw new UnetException(k + " folds need at least " + k + " groups (patients), but the " + names.size() + " images form " + groups.size()
				+ (groupPattern == null || groupPattern.trim().isEmpty() ? "" : " with the group pattern " + groupPattern) + ": use fewer folds");
		List<List<Integer>> shuffled = new ArrayList<>(groups);
		Collections.shuffle(shuffled, new Random(seed));
		// stable: equal sizes keep their shuffled order
		shuffled.sort((a, b) -> Integer.compare(b.size(), a.size()));
		int[] fold = new int[names.size()];
		int[] sizes = new int[k];
		for (List<Integer> group : shuffled) {
			int smallest = 0;
			for (int f = 1; f < k; f++)
				if (sizes[f] < sizes[smallest])
					smallest = f;
			sizes[smallest] += group.size();
			for (int index : group)
				fold[index] = smallest;
		}
		List<List<String>> folds = new ArrayList<>();
		for (int f = 0; f < k; f++)
			folds.add(new ArrayList<>());
		for (int i = 0; i < names.size(); i++)
			folds.get(fold[i]).add(names.get(i));
		return folds;
	}

	/**
	 * The group key of a name: the first capture group of the pattern's first match (or the whole match when the
	 * pattern has no group), or the name itself when the pattern does not match.
	 */
	public static String groupKey(String name, Pattern pattern) {
		Matcher matcher = pattern.matcher(name);
		if (!matcher.find())
			return name;
		if (matcher.groupCount() >= 1 && matcher.group(1) != null)
			return matcher.group(1);
		return matcher.group();
	}

	/** Indices of the names, grouped; groups in order of first appearance. */
	private static List<List<Integer>> groups(List<String> names, String groupPattern) {
		List<List<Integer>> groups = new ArrayList<>();
		if (groupPattern == null || groupPattern.trim().isEmpty()) {
			for (int i = 0; i < names.size(); i++)
				groups.add(Collections.singletonList(i));
			return groups;
		}
		Pattern pattern;
		try {
			pattern = Pattern.compile(groupPattern);
		} catch (PatternSyntaxException e) {
			throw new UnetException("group pattern '" + groupPattern + "' is not a valid regular expression (" + e.getDescription()
					+ "): use e.g. (.*)_z\\d+ to group slices named case_z012 by case");
		}
		Map<String, List<Integer>> byKey = new LinkedHashMap<>();
		for (int i = 0; i < names.size(); i++)
			byKey.computeIfAbsent(groupKey(names.get(i), pattern), k -> new ArrayList<>()).add(i);
		groups.addAll(byKey.values());
		return groups;
	}

	private static int target(int n, double fraction, int groupCount) {
		int target = (int) Math.round(n * fraction);
		if (fraction > 0 && groupCount >= 3)
			target = Math.max(1, target);
		return target;
	}

	/** Whether a group of {@code size} should join a part holding {@code count} of its {@code target} images. */
	private static boolean joins(int count, int size, int target, boolean atLeastOne) {
		if (count >= target)
			return false;
		if (count == 0 && atLeastOne)
			return true;
		return Math.abs(count + size - target) < Math.abs(count - target);
	}

	private static void checkFraction(String what, double fraction) {
		if (!(fraction >= 0 && fraction < 1))
			throw new UnetException("the " + what + " fraction must be at least 0 and below 1, not " + format(fraction) + ": e.g. 0.2 keeps a fifth of the images");
	}

	/** Plain short decimals: 0.2 rather than 0.20000000000000001 (sums of fractions) or 2.0E-1. */
	static String format(double value) {
		if (!Double.isFinite(value))
			return String.valueOf(value);
		return BigDecimal.valueOf(value).setScale(6, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
	}

	/** The names of a data set divided into training, validation and test parts . */
	public static final class Split {

		private final List<String> train;
		private final List<String> val;
		private final List<String> test;
		private final int groups;

		public Split(List<String> train, List<String> val, List<String> test, int groups) {
			this.train = Collections.unmodifiableList(new ArrayList<>(train));
			this.val = Collections.unmodifiableList(new ArrayList<>(val));
			this.test = Collections.unmodifiableList(new ArrayList<>(test));
			this.groups = groups;
		}

		/** Names used to fit the network, in input order. */
		public List<String> train() {
			return train;
		}

		/** Names used to pick the best epoch, in input order. */
		public List<String> val() {
			return val;
		}

		/** Names held out for the final evaluation, in input order. */
		public List<String> test() {
			return test;
		}

		/** The number of groups the names formed (the number of names when no group pattern was given). */
		public int groups() {
			return groups;
		}

		@Override
		public String toString() {
			return "train " + train.size() + ", validation " + val.size() + ", test " + test.size() + " (" + groups + " groups)";
		}
	}
}
