package org.lesionseg.unet.workflow;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How an entry point spells an option in its messages, so that an error names the key the user actually typed:
 * {@code min_size} in a macro, {@code --min-size} on the command line.
 */
public enum Spelling {
	/** Fiji and ImageJ macro keys: {@code model_file}, {@code min_size}. */
	MACRO,
	/** Command-line flags: {@code --model}, {@code --min-size}. */
	COMMAND_LINE;

	/** Macro keys whose flag is not the key with dashes. */
	private static final Map<String, String> FLAGS = new HashMap<>();
	static {
		FLAGS.put("model_file", "model");
		FLAGS.put("input_folder", "input");
		FLAGS.put("output_folder", "output");
		FLAGS.put("images_folder", "images");
		FLAGS.put("masks_folder", "masks");
		FLAGS.put("report_folder", "report");
		FLAGS.put("panel_count", "panels");
		FLAGS.put("metrics_file", "output");
	}

	/** The name of the option with this macro key. */
	public String of(String macroKey) {
		if (this == MACRO)
			return macroKey;
		return "--" + FLAGS.getOrDefault(macroKey, macroKey).replace('_', '-').toLowerCase(Locale.ROOT);
	}
}
