package org.lesionseg.unet.plugins;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * The keys of an ImageJ macro options string ({@code run("Train UNet", "epochs=2 model_file=[my model.zip] resume")})
 * and the known key closest to a misspelled one. ImageJ and Fiji ignore a key the command does not have, so a typo
 * would silently run with the default; the commands refuse such keys with one line naming the key meant.
 */
public final class MacroOptions {

	private MacroOptions() {
	}

	/**
	 * The keys of an options string, in order: {@code key=value}, {@code key=[value with spaces]} and a bare
	 * {@code key} (a ticked checkbox) as ImageJ writes them.
	 */
	public static List<String> keys(String options) {
		List<String> keys = new ArrayList<>();
		if (options == null)
			return keys;
		int i = 0, n = options.length();
		while (i < n) {
			while (i < n && Character.isWhitespace(options.charAt(i)))
				i++;
			int start = i;
			while (i < n && options.charAt(i) != '=' && !Character.isWhitespace(options.charAt(i)))
				i++;
			if (i > start)
				keys.add(options.substring(start, i));
			if (i < n && options.charAt(i) == '=') {
				i++;
				if (i < n && options.charAt(i) == '[') {
					int close = options.indexOf(']', i);
					i = close < 0 ? n : close + 1;
				} else {
					while (i < n && !Character.isWhitespace(options.charAt(i)))
						i++;
				}
			}
		}
		return keys;
	}

	/**
	 * The known key closest to an unknown one: the fewest single-letter edits (Levenshtein), ignoring case and
	 * underscores ({@code imagesize} matches {@code image_size}), a key the unknown one begins or ends (an abbreviation
	 * such as {@code model} for {@code model_file}) counting as one edit. Ties go to the first known key.
	 *
	 * @return the closest known key, or null if none is close: more edits than a third of the unknown key's length
	 *         (at least 2)
	 */
	public static String closest(String unknown, Collection<String> known) {
		String u = normal(unknown);
		String best = null;
		int bestDistance = Integer.MAX_VALUE;
		for (String k : known) {
			String n = normal(k);
			int d = u.isEmpty() || n.isEmpty() ? Math.max(u.length(), n.length())
				: n.startsWith(u) || n.endsWith(u) || u.startsWith(n) ? Math.min(1, distance(u, n)) : distance(u, n);
			if (d < bestDistance) {
				best = k;
				bestDistance = d;
			}
		}
		return best != null && bestDistance <= Math.max(2, u.length() / 3) ? best : null;
	}

	/**
	 * The problem with the options' keys for a command, or null if every key is known: one line naming each unknown
	 * key and the key probably meant, e.g. {@code unknown key 'epoch' for Train UNet: did you mean 'epochs'?}.
	 */
	public static String unknownKeys(String command, String options, Collection<String> known) {
		List<String> unknown = new ArrayList<>();
		for (String key : keys(options))
			if (!known.contains(key) && !unknown.contains(key))
				unknown.add(key);
		if (unknown.isEmpty())
			return null;
		if (known.isEmpty())
			return "unknown key '" + unknown.get(0) + "' for " + command + ": it takes no keys";
		if (unknown.size() == 1)
			return "unknown key '" + unknown.get(0) + "' for " + command + ": " + suggestion(unknown.get(0), known);
		StringBuilder sb = new StringBuilder("unknown keys for " + command + ": ");
		for (int i = 0; i < unknown.size(); i++)
			sb.append(i == 0 ? "" : ", ").append('\'').append(unknown.get(i)).append("' (").append(suggestion(unknown.get(i), known)).append(')');
		return sb.toString();
	}

	private static String suggestion(String unknown, Collection<String> known) {
		String closest = closest(unknown, known);
		return closest != null ? "did you mean '" + closest + "'?" : "the keys are " + String.join(", ", known);
	}

	private static String normal(String key) {
		return key == null ? "" : key.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
	}

	/** Levenshtein distance. */
	static int distance(String a, String b) {
		int[] previous = new int[b.length() + 1];
		int[] current = new int[b.length() + 1];
		for (int j = 0; j <= b.length(); j++)
			previous[j] = j;
		for (int i = 1; i <= a.length(); i++) {
			current[0] = i;
			for (int j = 1; j <= b.length(); j++) {
				int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
				current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
			}
			int[] swap = previous;
			previous = current;
			current = swap;
		}
		return previous[b.length()];
	}
}
