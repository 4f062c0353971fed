package org.lesionseg.unet.core.train;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.lesionseg.unet.core.UnetException;

/** Parses {@code key=value,key=value} option lists with one clear message for an unknown key or a bad number. */
final class KeyValues {

	private KeyValues() {
	}

	static Map<String, Double> parse(String text, String allowedKeys, String what) {
		Map<String, Double> values = new LinkedHashMap<>();
		List<String> allowed = Arrays.asList(allowedKeys.split(","));
		if (text == null || text.trim().isEmpty())
			return values;
		for (String part : text.split(",")) {
			String[] kv = part.trim().split("=", 2);
			String key = kv[0].trim().toLowerCase(Locale.ROOT);
			if (!allowed.contains(key) || kv.length != 2)
				throw new UnetException("'" + part.trim() + "' is not an option of the " + what + (allowedKeys.isEmpty() ? ", which takes none" : "; it takes " + allowedKeys.replace(",", ", ") + " as key=value"));
			try {
				values.put(key, Double.parseDouble(kv[1].trim()));
			} catch (NumberFormatException e) {
				throw new UnetException("option " + key + " of the " + what + " needs a number, got '" + kv[1].trim() + "'");
			}
		}
		return values;
	}
}
