package org.lesionseg.unet.workflow.options;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.lesionseg.unet.core.UnetException;

/**
 * The options of one job, in order and grouped into sections: the one place their names, flags, defaults and ranges
 * live. Parses a name-to-text map from any entry point (a Fiji command's fields, the command line, a script) into
 * checked {@link OptionValues}, and writes the {@code --help} text and the Markdown reference.
 */
public final class OptionSet {

	/** A command-line switch that stands for a value of another option, e.g. {@code --no-augment} = {@code --augment none}. */
	private static final class Shortcut {
		final String flag;
		final Option<?> target;
		final String value;
		final String help;

		Shortcut(String flag, Option<?> target, String value, String help) {
			this.flag = flag;
			this.target = target;
			this.value = value;
			this.help = help;
		}
	}

	private final String job;
	private final List<Option<?>> options;
	private final Map<Option<?>, String> sectionOf;
	private final Map<Option<?>, Object> defaults;
	private final Map<String, Shortcut> shortcuts;
	private final Map<String, Option<?>> bySpelling = new LinkedHashMap<>();
	private final List<String> notes;

	private OptionSet(Builder b) {
		this.job = b.job;
		this.options = Collections.unmodifiableList(new ArrayList<>(b.options));
		this.sectionOf = new LinkedHashMap<>(b.sectionOf);
		this.defaults = new LinkedHashMap<>(b.defaults);
		this.shortcuts = new LinkedHashMap<>(b.shortcuts);
		this.notes = new ArrayList<>(b.notes);
		for (Option<?> o : options) {
			o.freeze();
			for (String s : o.spellings()) {
				Option<?> before = bySpelling.put(s, o);
				if (before != null && before != o)
					throw new IllegalArgumentException(job + ": '" + s + "' names both " + before.name() + " and " + o.name());
			}
		}
		for (String s : shortcuts.keySet())
			if (bySpelling.containsKey(s))
				throw new IllegalArgumentException(job + ": shortcut " + s + " is also an option");
	}

	public static Builder builder(String job) {
		return new Builder(job);
	}

	/** Builds a set; {@link #section} starts a group of the help text. */
	public static final class Builder {
		private final String job;
		private final List<Option<?>> options = new ArrayList<>();
		private final Map<Option<?>, String> sectionOf = new LinkedHashMap<>();
		private final Map<Option<?>, Object> defaults = new LinkedHashMap<>();
		private final Map<String, Shortcut> shortcuts = new LinkedHashMap<>();
		private final List<String> notes = new ArrayList<>();
		private String section = "options";

		private Builder(String job) {
			this.job = job;
		}

		public Builder section(String title) {
			section = title;
			return this;
		}

		public Builder add(Option<?>... add) {
			for (Option<?> o : add) {
				if (options.contains(o))
					throw new IllegalArgumentException(job + " has " + o.name() + " twice");
				options.add(o);
				sectionOf.put(o, section);
			}
			return this;
		}

		/** Every option of another set, in its sections, with its defaults. */
		public Builder addAll(OptionSet other) {
			for (Option<?> o : other.options) {
				section = other.sectionOf.get(o);
				add(o);
			}
			defaults.putAll(other.defaults);
			return this;
		}

		/** Every option of another set except some, in its sections, with its defaults. */
		public Builder addAllExcept(OptionSet other, Option<?>... left) {
			List<Option<?>> leave = java.util.Arrays.asList(left);
			for (Option<?> o : other.options)
				if (!leave.contains(o)) {
					section = other.sectionOf.get(o);
					add(o);
					if (other.defaults.containsKey(o))
						defaults.put(o, other.defaults.get(o));
				}
			return this;
		}

		/** This job's own default for a shared option (the demo trains a smaller network than train). */
		public <T> Builder defaultOf(Option<T> option, T value) {
			defaults.put(option, option.checked(value));
			return this;
		}

		/** A switch that stands for {@code target=value}; command line only. */
		public Builder shortcut(String flag, Option<?> target, String value, String help) {
			target.parse(value);
			shortcuts.put(Option.canonical(flag.replaceFirst("^--", "")), new Shortcut(flag, target, value, help));
			return this;
		}

		/** A closing line of the help text. */
		public Builder note(String line) {
			notes.add(line);
			return this;
		}

		public OptionSet build() {
			for (Shortcut s : shortcuts.values())
				if (!options.contains(s.target))
					throw new IllegalArgumentException(job + ": shortcut " + s.flag + " sets " + s.target.name() + ", which is not in the set");
			return new OptionSet(this);
		}
	}

	/** The job's name as users call it (train, predict, ...). */
	public String job() {
		return job;
	}

	public List<Option<?>> options() {
		return options;
	}

	/** The job's default of an option: its own if it has one, else the option's. */
	@SuppressWarnings("unchecked")
	public <T> T defaultOf(Option<T> option) {
		return defaults.containsKey(option) ? (T) defaults.get(option) : option.defaultValue();
	}

	/** The default as text, empty for "not given". */
	public String defaultText(Option<?> option) {
		return option.format(defaultOf(option));
	}

	/** The option a key names (name, flag with or without dashes, either separator, old spelling), or null. */
	public Option<?> find(String key) {
		return bySpelling.get(Option.canonical(key.replaceFirst("^--", "")));
	}

	/** True if a command-line key takes no value: a flag or a shortcut. */
	public boolean takesNoValue(String key) {
		String k = Option.canonical(key.replaceFirst("^--", ""));
		Option<?> o = bySpelling.get(k);
		return shortcuts.containsKey(k) || (o != null && o.kind() == Option.Kind.FLAG);
	}

	/** Parses values given anywhere; options that belong to one kind of entry point only are accepted too. */
	public OptionValues parse(Map<String, String> given) {
		return parse(given, Option.Where.EVERYWHERE);
	}

	/**
	 * Parses the values an entry point was given, by any spelling of their keys, into checked typed values.
	 *
	 * @param from the entry point: options of another entry point only are unknown here
	 * @throws UnetException one line: an unknown key (naming the closest known one), a value given twice, a bad
	 *             value (naming its key), or a required option left out
	 */
	public OptionValues parse(Map<String, String> given, Option.Where from) {
		Map<Option<?>, Object> values = new LinkedHashMap<>();
		java.util.Set<Option<?>> auto = new java.util.LinkedHashSet<>();
		Map<Option<?>, String> spelledAs = new LinkedHashMap<>();
		for (Map.Entry<String, String> e : given.entrySet()) {
			String key = e.getKey();
			String k = Option.canonical(key.replaceFirst("^--", ""));
			Option<?> o = bySpelling.get(k);
			String text = e.getValue();
			Shortcut shortcut = shortcuts.get(k);
			if (shortcut != null) {
				if (from == Option.Where.FIJI)
					throw unknown(key, from);
				if (!Boolean.TRUE.equals(Option.flag(k, false, "").parse(text)))
					continue;
				o = shortcut.target;
				text = shortcut.value;
			}
			if (o == null || !available(o, from))
				throw unknown(key, from);
			if (spelledAs.containsKey(o))
				throw new UnetException(o.name() + " is given twice (as '" + spelledAs.get(o) + "' and '" + key + "')");
			spelledAs.put(o, key);
			String named = from == Option.Where.COMMAND_LINE ? o.commandLineFlag() : o.name();
			// auto: the job chooses the value (numbers that take it, and text options that understand it, e.g. scheduler);
			// until then the option reads as its default
			if (Option.isAutoText(text) && (o.kind() == Option.Kind.WHOLE_NUMBER || o.kind() == Option.Kind.NUMBER || o.acceptsAuto())) {
				if (!o.acceptsAuto())
					throw new UnetException(named + " has no auto setting: give " + (o.kind() == Option.Kind.NUMBER ? "a number" : "a whole number")
						+ (o.rangeText().isEmpty() ? "" : " " + o.rangeText()) + autoOptionsText(from));
				auto.add(o);
				continue;
			}
			Object value = o.parse(text, named);
			if (value != null)
				values.put(o, value);
		}
		for (Option<?> o : options)
			if (o.isRequired() && available(o, from) && !values.containsKey(o) && defaultOf(o) == null)
				throw new UnetException(job + " needs " + describeKey(o, from) + ": " + o.help());
		return new OptionValues(this, values, auto);
	}

	/** "; auto works for a, b or c", naming the options of this set that take auto, as the entry point's users know them. */
	private String autoOptionsText(Option.Where from) {
		List<String> names = new ArrayList<>();
		for (Option<?> o : options)
			if (o.acceptsAuto() && available(o, from))
				names.add(from == Option.Where.COMMAND_LINE ? o.commandLineFlag() : o.name());
		return names.isEmpty() ? "" : "; auto works for " + Option.listOr(names);
	}

	private static boolean available(Option<?> o, Option.Where from) {
		return from == Option.Where.EVERYWHERE || o.where() == Option.Where.EVERYWHERE || o.where() == from;
	}

	/** How an entry point's users know a key: the flag on the command line, the macro key in Fiji, both elsewhere. */
	private static String describeKey(Option<?> o, Option.Where from) {
		if (from == Option.Where.COMMAND_LINE)
			return o.commandLineFlag();
		if (from == Option.Where.FIJI)
			return o.name();
		return o.name() + " (" + o.commandLineFlag() + ")";
	}

	private UnetException unknown(String key, Option.Where from) {
		String suggestion = closest(key, from);
		if (from == Option.Where.COMMAND_LINE)
			return new UnetException("unknown option --" + key.replaceFirst("^--", "") + " for '" + job + "'"
				+ (suggestion == null ? "" : ": did you mean " + suggestion + "?") + "; see unet " + job + " --help");
		return new UnetException("unknown option '" + key + "' for " + job + (suggestion == null ? "" : ": did you mean '" + suggestion + "'?"));
	}

	/**
	 * The known key nearest to a mistyped one, or null when nothing is near: as a flag on the command line, as a macro
	 * key in Fiji, elsewhere in the style the user wrote (dashes or underscores).
	 */
	public String closest(String key, Option.Where from) {
		String typed = key.replaceFirst("^--", "");
		String k = Option.canonical(typed);
		String best = null;
		int bestDistance = Integer.MAX_VALUE;
		List<String> candidates = new ArrayList<>();
		for (Map.Entry<String, Option<?>> e : bySpelling.entrySet())
			if (available(e.getValue(), from) && !e.getValue().aliases().contains(e.getKey()))
				candidates.add(e.getKey());
		if (from != Option.Where.FIJI)
			candidates.addAll(shortcuts.keySet());
		for (String c : candidates) {
			int d = distance(k, c);
			// a key that is the start of another (imagesize, image) counts as near too
			if (c.startsWith(k) || k.startsWith(c))
				d = Math.min(d, 2);
			if (d < bestDistance) {
				bestDistance = d;
				best = c;
			}
		}
		if (best == null || bestDistance > Math.max(2, k.length() / 3))
			return null;
		if (from == Option.Where.COMMAND_LINE)
			return shortcuts.containsKey(best) ? shortcuts.get(best).flag : bySpelling.get(best).commandLineFlag();
		if (from == Option.Where.FIJI)
			return bySpelling.get(best).name();
		return typed.contains("-") ? best.replace('_', '-') : best;
	}

	/** Edit distance, counting a swap of two neighbours as one edit. */
	static int distance(String a, String b) {
		int[][] d = new int[a.length() + 1][b.length() + 1];
		for (int i = 0; i <= a.length(); i++)
			d[i][0] = i;
		for (int j = 0; j <= b.length(); j++)
			d[0][j] = j;
		for (int i = 1; i <= a.length(); i++)
			for (int j = 1; j <= b.length(); j++) {
				int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
				d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
				if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1))
					d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
			}
		return d[a.length()][b.length()];
	}

	// ---- help and docs

	/** The command line's {@code --help}: the usage line, then per section each flag, what it does and its default. */
	public String help(String usage) {
		StringBuilder h = new StringBuilder(usage).append('\n');
		String section = null;
		for (Option<?> o : options) {
			if (o.where() == Option.Where.FIJI)
				continue;
			if (!sectionOf.get(o).equals(section)) {
				section = sectionOf.get(o);
				h.append('\n').append(section).append(":\n");
			}
			line(h, o.commandLineFlag() + valueHint(o), helpTail(o));
			for (Shortcut s : shortcuts.values())
				if (s.target == o)
					line(h, s.flag, s.help);
		}
		if (!notes.isEmpty())
			h.append('\n');
		for (String n : notes)
			h.append(n).append('\n');
		return h.toString().replaceAll("\n+$", "");
	}

	private static void line(StringBuilder h, String left, String right) {
		String l = "  " + left;
		h.append(l);
		if (l.length() >= 30)
			h.append("\n").append(String.format(Locale.ROOT, "%30s", ""));
		else
			h.append(String.format(Locale.ROOT, "%" + (30 - l.length()) + "s", ""));
		h.append(right).append('\n');
	}

	private String helpTail(Option<?> o) {
		StringBuilder t = new StringBuilder(o.help());
		List<String> facts = new ArrayList<>();
		if (o.isRequired() && defaultOf(o) == null)
			facts.add("required");
		else if (o.kind() != Option.Kind.FLAG && !defaultText(o).isEmpty())
			facts.add("default " + defaultText(o));
		if (!o.rangeText().isEmpty())
			facts.add(o.rangeText());
		if (!facts.isEmpty())
			t.append(" (").append(String.join("; ", facts)).append(')');
		return t.toString();
	}

	private static String valueHint(Option<?> o) {
		if (o.kind() == Option.Kind.FLAG)
			return "";
		return " " + hint(o) + (o.takesAuto() ? "|auto" : "");
	}

	private static String hint(Option<?> o) {
		if (o.valueHintText() != null)
			return o.valueHintText();
		switch (o.kind()) {
			case WHOLE_NUMBER:
				return "N";
			case NUMBER:
				return "X";
			case CHOICE:
				return String.join("|", o.choices());
			case FILE:
				return "FILE";
			case FOLDER:
				return "DIR";
			default:
				return "TEXT";
		}
	}

	/**
	 * The reference of this job's options as a Markdown table: key (macro key), command-line flag, value, default and
	 * meaning. The docs hold this text; a test keeps them equal.
	 */
	public String markdown() {
		StringBuilder md = new StringBuilder("| key | command line | value | default | meaning |\n|---|---|---|---|---|\n");
		for (Option<?> o : options) {
			String flag = o.where() == Option.Where.FIJI ? "(Fiji only)" : "`" + o.commandLineFlag() + "`";
			if (o.where() == Option.Where.COMMAND_LINE)
				flag += " (command line only)";
			for (Shortcut s : shortcuts.values())
				if (s.target == o)
					flag += ", `" + s.flag + "`";
			String value = o.kind() == Option.Kind.CHOICE ? "`" + String.join("`, `", o.choices()) + "`" : o.kind().word();
			if (o.takesAuto())
				value += " or `auto`";
			if (!o.rangeText().isEmpty())
				value += ", " + o.rangeText();
			String def = o.isRequired() && defaultOf(o) == null ? "**required**" : !defaultText(o).isEmpty() ? "`" + defaultText(o) + "`"
				: o.kind() == Option.Kind.NUMBER || o.kind() == Option.Kind.WHOLE_NUMBER ? "not given" : "none";
			md.append("| `").append(o.name()).append("` | ").append(flag).append(" | ").append(value).append(" | ").append(def).append(" | ")
				.append(o.help().replace("|", "\\|")).append(o.isAdvanced() ? " *(advanced)*" : "").append(" |\n");
		}
		return md.toString();
	}

	@Override
	public String toString() {
		return job + " " + options;
	}
}
