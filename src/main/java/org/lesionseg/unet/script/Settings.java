package org.lesionseg.unet.script;

import java.io.File;
import java.util.LinkedHashMap;
import java.util.Map;

import org.lesionseg.unet.plugins.MacroOptions;

import ij.Macro;

/**
 * Script settings as the registries read them: macro keys with values, given as a map ({@code [threshold: 0.4]} in
 * Groovy, {@code {"threshold": 0.4}} in Python) or as an ImageJ options string ({@code "threshold=0.4 fill_holes"}).
 */
final class Settings {

	private Settings() {
	}

	static Map<String, String> of(Object settings) {
		Map<String, String> values = new LinkedHashMap<>();
		if (settings == null)
			return values;
		if (settings instanceof Map) {
			for (Map.Entry<?, ?> e : ((Map<?, ?>) settings).entrySet())
				values.put(String.valueOf(e.getKey()), text(e.getValue()));
			return values;
		}
		String options = settings.toString();
		for (String key : MacroOptions.keys(options))
			values.put(key, Macro.getValue(" " + options + " ", key, "true"));
		return values;
	}

	private static String text(Object value) {
		if (value instanceof File)
			return ((File) value).getPath();
		return String.valueOf(value);
	}

	/** The settings with these entries added (the call's own arguments win over the settings). */
	static Map<String, String> with(Object settings, String... keysAndValues) {
		Map<String, String> values = of(settings);
		for (int i = 0; i + 1 < keysAndValues.length; i += 2)
			if (keysAndValues[i + 1] != null)
				values.put(keysAndValues[i], keysAndValues[i + 1]);
		return values;
	}
}
