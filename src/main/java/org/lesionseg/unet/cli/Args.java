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

/**
 * Command-line options of the form {@code --key value} and {@code --flag}. Every option must be declared by the
 * command that reads it; anything else is an error naming the option and pointing to {@code --help}.
 */
final class Args {

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
