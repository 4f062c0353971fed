package org.lesionseg.unet.cli;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.workflow.options.Option;
import org.lesionseg.unet.workflow.options.OptionSet;
import org.lesionseg.unet.workflow.options.OptionValues;

/**
 * Command-line options of the form {@code --key value}, {@code --key=value} and {@code --flag}.
 * {@link #parse(String, List, OptionSet)} reads them with a command's option set (the registry knows the flags, the
 * values and their checks); the instance methods serve the commands that have no option set yet.
 */
final class Args {

	/**
	 * The command's options as checked typed values: an unknown option names the closest known one, a bad value is one
	 * line naming the flag; of an option given twice, the later value counts.
	 */
	static OptionValues parse(String command, List<String> args, OptionSet options) {
		Map<String, String> given = new LinkedHashMap<>();
		Map<String, String> spelledAs = new LinkedHashMap<>();
		for (int i = 0; i < args.size(); i++) {
			String a = args.get(i);
			if (!a.startsWith("--") || a.length() == 2)
				throw new UnetException("unexpected argument '" + a + "' for '" + command + "': options start with --; see unet " + command + " --help");
			String key = a.substring(2);
			String value;
			if (key.contains("=")) {
				value = key.substring(key.indexOf('=') + 1);
				key = key.substring(0, key.indexOf('='));
			} else if (options.takesNoValue(key)) {
				value = "true";
			} else {
				if (i + 1 >= args.size() || (args.get(i + 1).startsWith("--") && !looksNumeric(args.get(i + 1))))
					throw new UnetException("option --" + key + " of '" + command + "' needs a value");
				value = args.get(++i);
			}
			// a later value wins, as in most commands (a script may append to a base command line)
			Option<?> option = options.find(key);
			String same = spelledAs.put(option == null ? key : option.name(), key);
			if (same != null)
				given.remove(same);
			given.put(key, value);
		}
		return options.parse(given, Option.Where.COMMAND_LINE);
	}

	private final String command;
	private final Map<String, String> values = new LinkedHashMap<>();
	private final Set<String> read = new LinkedHashSet<>();

	Args(String command, List<String> args, Set<String> flags) {
		this.command = command;
		for (int i = 0; i < args.size(); i++) {
			String a = args.get(i);
			if (!a.startsWith("--") || a.length() == 2)
				throw new UnetException("unexpected argument '" + a + "' for '" + command + "': options start with --; see unet " + command + " --help");
			String key = a.substring(2);
			String value = null;
			if (key.contains("=")) {
				value = key.substring(key.indexOf('=') + 1);
				key = key.substring(0, key.indexOf('='));
			} else if (!flags.contains(key)) {
				if (i + 1 >= args.size() || (args.get(i + 1).startsWith("--") && !looksNumeric(args.get(i + 1))))
					throw new UnetException("option --" + key + " of '" + command + "' needs a value");
				value = args.get(++i);
			}
			values.put(key.toLowerCase(Locale.ROOT).replace('_', '-'), value == null ? "true" : value);
		}
	}

	private static boolean looksNumeric(String s) {
		return s.matches("-[0-9.].*");
	}

	boolean has(String key) {
		read.add(key);
		return values.containsKey(key);
	}

	String string(String key, String fallback) {
		read.add(key);
		return values.getOrDefault(key, fallback);
	}

	String required(String key) {
		read.add(key);
		String v = values.get(key);
		if (v == null || v.isEmpty())
			throw new UnetException("'" + command + "' needs --" + key + "; see unet " + command + " --help");
		return v;
	}

	Path path(String key) {
		return Paths.get(required(key));
	}

	Path optionalPath(String key) {
		String v = string(key, null);
		return v == null ? null : Paths.get(v);
	}

	int integer(String key, int fallback) {
		String v = string(key, null);
		if (v == null)
			return fallback;
		try {
			return Integer.parseInt(v.trim());
		} catch (NumberFormatException e) {
			throw new UnetException("--" + key + " needs a whole number, got '" + v + "'");
		}
	}

	double number(String key, double fallback) {
		String v = string(key, null);
		if (v == null)
			return fallback;
		try {
			return Double.parseDouble(v.trim());
		} catch (NumberFormatException e) {
			throw new UnetException("--" + key + " needs a number, got '" + v + "'");
		}
	}

	boolean flag(String key) {
		String v = string(key, "false");
		return v.equalsIgnoreCase("true") || v.equals("1") || v.equalsIgnoreCase("yes");
	}

	/** Fails on options that no part of the command read (typos). Call after reading everything. */
	void rejectUnknown() {
		for (String key : values.keySet())
			if (!read.contains(key))
				throw new UnetException("unknown option --" + key + " for '" + command + "'; see unet " + command + " --help");
	}
}
