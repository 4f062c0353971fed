package org.lesionseg.unet.core.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import org.lesionseg.unet.core.UnetException;

/**
 * The classes of a segmentation: one (binary: lesion or not) or K &gt; 1 named and coloured classes whose label
 * images hold 0 for background and 1..K. Names come as a comma-separated list ({@code epidural,intraparenchymal})
 * or from a small CSV table of {@code name,colour} rows; missing names are {@code class1..K}, missing colours
 * come from a fixed palette.
 */
public final class LabelClasses {

	/** Distinct colours for classes 1, 2, ... (background has none); repeated past its end. */
	static final List<String> PALETTE = List.of("#e6194b", "#3cb44b", "#4363d8", "#ffe119", "#f032e6", "#42d4f4", "#f58231", "#911eb4",
		"#bfef45", "#9a6324");
	private static final Pattern COLOUR = Pattern.compile("#[0-9a-fA-F]{6}");
	/** Most classes: labels are stored in bytes and the network has K+1 outputs. */
	public static final int MAX_CLASSES = 100;

	private final List<String> names;
	private final List<String> colours;

	private LabelClasses(List<String> names, List<String> colours) {
		this.names = Collections.unmodifiableList(names);
		this.colours = Collections.unmodifiableList(colours);
	}

	/** The binary case: one class, lesion. */
	public static LabelClasses binary() {
		return new LabelClasses(List.of("lesion"), List.of(PALETTE.get(0)));
	}

	/**
	 * Checks a class count against names and colours.
	 *
	 * @param classes foreground classes (1 = binary), or 0 to take the count from the names
	 * @param names   the K names, or null/empty for class1..K
	 * @param colours their colours (#rrggbb), or null for the palette
	 * @throws UnetException when the names do not match the count, repeat, or a colour is not #rrggbb
	 */
	public static LabelClasses of(int classes, List<String> names, List<String> colours) {
		boolean named = names != null && !names.isEmpty();
		int count = classes == 0 ? (named ? names.size() : 1) : classes;
		if (count < 1 || count > MAX_CLASSES)
			throw new UnetException("classes must be between 1 (binary) and " + MAX_CLASSES + ", got " + count);
		if (count == 1 && !named)
			return binary();
		if (named && names.size() != count)
			throw new UnetException(names.size() + " class name(s) (" + String.join(",", names) + ") for " + count
				+ " classes: give one name per label value 1.." + count + ", or leave classes out to count the names");
		if (count == 1)
			throw new UnetException("class names are for label images of 2 or more classes; a binary mask needs none (" + String.join(",", names) + " given)");
		List<String> n = new ArrayList<>(), c = new ArrayList<>();
		Set<String> seen = new HashSet<>();
		for (int k = 0; k < count; k++) {
			String name = named ? names.get(k).trim() : "class" + (k + 1);
			if (name.isEmpty() || name.equalsIgnoreCase("background"))
				throw new UnetException("class " + (k + 1) + " has " + (name.isEmpty() ? "an empty name" : "the name background, which is label 0")
					+ ": name the classes of labels 1.." + count);
			if (!seen.add(name.toLowerCase(Locale.ROOT)))
				throw new UnetException("class name " + name + " is given twice: each label value needs its own name");
			n.add(name);
			String colour = colours != null && k < colours.size() && colours.get(k) != null && !colours.get(k).trim().isEmpty() ? colours.get(k).trim()
				: PALETTE.get(k % PALETTE.size());
			if (!COLOUR.matcher(colour).matches())
				throw new UnetException("colour '" + colour + "' of class " + name + " is not #rrggbb (e.g. #ff0000 for red)");
			c.add(colour.toLowerCase(Locale.ROOT));
		}
		return new LabelClasses(n, c);
	}

	/**
	 * The classes a user gave: names as {@code a,b,c} or the path of a CSV table ({@code name,colour} per row, an
	 * optional header {@code name,colour}), and a count (0: from the names).
	 */
	public static LabelClasses parse(int classes, String namesOrTable) {
		String text = namesOrTable == null ? "" : namesOrTable.trim();
		if (text.isEmpty())
			return of(classes, null, null);
		if (text.toLowerCase(Locale.ROOT).endsWith(".csv"))
			return table(classes, Paths.get(text));
		List<String> names = new ArrayList<>();
		for (String part : text.split(",", -1))
			names.add(part.trim());
		return of(classes, names, null);
	}

	private static LabelClasses table(int classes, Path csv) {
		List<String> lines;
		try {
			lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
		} catch (IOException e) {
			throw new UnetException("class table " + csv + " cannot be read (" + e.getMessage() + "): give a CSV file of name,colour rows");
		}
		List<String> names = new ArrayList<>(), colours = new ArrayList<>();
		for (String line : lines) {
			if (line.trim().isEmpty() || line.trim().toLowerCase(Locale.ROOT).startsWith("name,") || line.trim().equalsIgnoreCase("name"))
				continue;
			String[] cells = line.split(",", -1);
			names.add(cells[0].trim());
			colours.add(cells.length > 1 ? cells[1].trim() : null);
		}
		if (names.isEmpty())
			throw new UnetException("class table " + csv + " lists no class: give one name,colour row per label value 1..K");
		return of(classes, names, colours);
	}

	/** Foreground classes: 1 for binary. */
	public int count() {
		return names.size();
	}

	public boolean isMultiClass() {
		return names.size() > 1;
	}

	/** The names of labels 1..K. */
	public List<String> names() {
		return names;
	}

	/** The colours (#rrggbb) of labels 1..K. */
	public List<String> colours() {
		return colours;
	}

	/** The colour of label k (1..K) as 0xRRGGBB; the palette's for labels the list does not colour. */
	public static int rgb(List<String> colours, int label) {
		String c = colours != null && label - 1 < colours.size() ? colours.get(label - 1) : PALETTE.get((label - 1) % PALETTE.size());
		return Integer.parseInt(c.substring(1), 16);
	}

	/**
	 * Checks that a label image fits: values 0..K only.
	 *
	 * @throws UnetException naming the image, the value and the classes
	 */
	public void checkLabels(byte[] labels, String name) {
		int max = 0;
		for (byte b : labels)
			max = Math.max(max, b & 0xff);
		if (max > count())
			throw new UnetException("mask " + name + " has label value " + max + " but there are only " + count() + " class(es) (" + String.join(",", names)
				+ "): give classes=" + max + " and its names, or fix the label image (0 = background, 1.." + count() + ")");
	}
}
