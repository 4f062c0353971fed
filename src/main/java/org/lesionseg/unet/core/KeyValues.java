package org.lesionseg.unet.core;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one parser of {@code name=value,name=value} number lists (a schedule's parameters, a loss's parameters), with
 * one clear message for a malformed pair, an unknown name or a bad number.
 */
public final class KeyValues {

	private KeyValues() {
	}

	/**
	 * @param allowedKeys the names allowed, comma-separated ("" for none)
	 * @param what what the values belong to, for messages (e.g. "schedule step")
	 */
	public static Map<String, Double> parse(String text, String allowedKeys, String what) {
		List<String> allowed = allowedKeys.isEmpty() ? List.of() : Arrays.asList(allowedKeys.split(","));
		return parse(text, allowed, what, allowedKeys.isEmpty() ? "" : allowedKeys.split(",")[0] + "=1");
	}

	/**
	 * @param allowed the names allowed, or null when the caller checks the names itself
	 * @param what what the values belong to, for messages (e.g. "loss_params")
	 * @param example a well-formed list for the message about a malformed pair
	 */
	public static Map<String, Double> parse(String text, List<String> allowed, String what, String example) {
		Map<String, Double> values = new LinkedHashMap<>();
		if (text == null || text.trim().isEmpty())
			return values;
		for (String part : text.split(",")) {
			String[] kv = part.trim().split("=", 2);
			String key = kv[0].trim().toLowerCase(Locale.ROOT);
			if (allowed != null && allowed.isEmpty())
				throw new UnetException("'" + part.trim() + "' is not an option of the " + what + ", which takes none");
			if (kv.length != 2 || key.isEmpty())
				throw new UnetException(what + " takes name=value pairs separated by commas, such as " + example + "; got '" + part.trim() + "'");
			if (allowed != null && !allowed.contains(key))
				throw new UnetException("'" + part.trim() + "' is not an option of the " + what + "; it takes " + String.join(", ", allowed) + " as key=value");
			try {
				values.put(key, Double.parseDouble(kv[1].trim()));
			} catch (NumberFormatException e) {
				throw new UnetException(what + " " + key + " needs a number, got '" + kv[1].trim() + "'");
			}
		}
		return values;
	}
}
