package org.lesionseg.unet.workflow.options;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

import org.lesionseg.unet.core.UnetException;

/**
 * One option of a job, described once: its name (snake_case, which is also the Fiji macro key), its command-line flag,
 * kind, default, allowed range or choices, help text and older spellings. The command-line parser, every
 * {@code --help}, the docs and the tests that check the Fiji commands' fields are all built from these descriptions.
 * <p>
 * Options are built fluently in static initialisers ({@code Option.integer("epochs", 20, "...").min(1)}) and become
 * read-only when an {@link OptionSet} takes them.
 *
 * @param <T> the typed value: Integer, Long, Double, Boolean, String, Path, or the enum of a choice
 */
public final class Option<T> {

	/** What sort of value an option takes; the words are those of the docs. */
	public enum Kind {
		WHOLE_NUMBER("whole number"), NUMBER("number"), FLAG("`true` or `false`"), TEXT("text"), CHOICE("choice"), FILE("file"), FOLDER("folder");

		private final String word;

		Kind(String word) {
			this.word = word;
		}

		/** How the docs name this kind of value. */
		public String word() {
			return word;
		}
	}

	/** Where an option can be given: most are everywhere; a few belong to one kind of entry point only. */
	public enum Where {
		EVERYWHERE, COMMAND_LINE, FIJI
	}

	private final String name;
	private final Kind kind;
	private final Class<?> type;
	private final T defaultValue;
	private final String help;
	private String flag;
	private final List<String> aliases = new ArrayList<>();
	private boolean advanced;
	private boolean required;
	private Where where = Where.EVERYWHERE;
	private Double min, max;
	private boolean minExclusive, maxExclusive;
	/** The choices by their canonical names, in order; empty for other kinds. */
	private final Map<String, T> choices = new LinkedHashMap<>();
	private final Map<String, String> choiceAliases = new LinkedHashMap<>();
	private Predicate<T> check;
	private Function<T, String> checkMessage;
	private String valueHint;
	private boolean auto;
	/** A text option one of whose own values is {@code auto} (listed with the numbers that take it). */
	private boolean autoAmongValues;
	private boolean frozen;

	private Option(String name, Kind kind, Class<?> type, T defaultValue, String help) {
		if (!name.matches("[a-z][a-z0-9]*(_[a-z0-9]+)*"))
			throw new IllegalArgumentException("option name " + name + " is not snake_case");
		this.name = name;
		this.kind = kind;
		this.type = type;
		this.defaultValue = defaultValue;
		this.help = help;
		this.flag = "--" + name.replace('_', '-');
	}

	public static Option<Integer> integer(String name, Integer defaultValue, String help) {
		return new Option<>(name, Kind.WHOLE_NUMBER, Integer.class, defaultValue, help);
	}

	/** A whole number that may exceed an int (a seed). */
	public static Option<Long> longInteger(String name, Long defaultValue, String help) {
		return new Option<>(name, Kind.WHOLE_NUMBER, Long.class, defaultValue, help);
	}

	/** A number; a null default means "not given" (the job then decides). */
	public static Option<Double> number(String name, Double defaultValue, String help) {
		return new Option<>(name, Kind.NUMBER, Double.class, defaultValue, help);
	}

	/** A switch: {@code --flag} on the command line, {@code key=true} (or just {@code key}) in a macro. */
	public static Option<Boolean> flag(String name, boolean defaultValue, String help) {
		return new Option<>(name, Kind.FLAG, Boolean.class, defaultValue, help);
	}

	public static Option<String> text(String name, String defaultValue, String help) {
		return new Option<>(name, Kind.TEXT, String.class, defaultValue, help);
	}

	/** One of fixed names, the value being the name itself. */
	public static Option<String> choice(String name, String defaultValue, String help, List<String> names) {
		Option<String> o = new Option<>(name, Kind.CHOICE, String.class, defaultValue, help);
		for (String n : names)
			o.choices.put(canonical(n), n);
		o.requireDefaultIsAChoice();
		return o;
	}

	/** One of fixed names, the value being the enum constant a name stands for. */
	public static <E extends Enum<E>> Option<E> choice(String name, E defaultValue, String help, Function<E, String> nameOf) {
		Option<E> o = new Option<>(name, Kind.CHOICE, defaultValue.getDeclaringClass(), defaultValue, help);
		for (E e : defaultValue.getDeclaringClass().getEnumConstants())
			o.choices.put(canonical(nameOf.apply(e)), e);
		return o;
	}

	/** A file path (existence is for the request to check: an output file need not exist). */
	public static Option<Path> file(String name, String help) {
		return new Option<>(name, Kind.FILE, Path.class, null, help);
	}

	public static Option<Path> folder(String name, String help) {
		return new Option<>(name, Kind.FOLDER, Path.class, null, help);
	}

	private void requireDefaultIsAChoice() {
		if (defaultValue != null && !choices.containsValue(defaultValue))
			throw new IllegalArgumentException("the default " + defaultValue + " of " + name + " is not one of its choices " + choices.keySet());
	}

	// ---- fluent description, only while the option is being built

	/** The command-line flag when it is not the name in kebab-case, e.g. {@code --model} for {@code model_file}. */
	public Option<T> flag(String flag) {
		editable();
		if (!flag.matches("--[a-z][a-z0-9]*(-[a-z0-9]+)*"))
			throw new IllegalArgumentException("flag " + flag + " is not --kebab-case");
		this.flag = flag;
		return this;
	}

	/** An older spelling of the key that still works (it is never shown in help). */
	public Option<T> alias(String oldName) {
		editable();
		aliases.add(oldName);
		return this;
	}

	/** An older spelling of a choice, e.g. {@code scale_01} for {@code scale01}. */
	public Option<T> choiceAlias(String oldName, String choice) {
		editable();
		if (!choices.containsKey(canonical(choice)))
			throw new IllegalArgumentException(choice + " is not a choice of " + name);
		choiceAliases.put(canonical(oldName), canonical(choice));
		return this;
	}

	/** Left out of the short help and the basic dialog; for users who know what they are changing. */
	public Option<T> advanced() {
		editable();
		advanced = true;
		return this;
	}

	/** The job cannot run without it. */
	public Option<T> required() {
		editable();
		required = true;
		return this;
	}

	public Option<T> only(Where where) {
		editable();
		this.where = where;
		return this;
	}

	/** Inclusive lower bound. */
	public Option<T> min(double min) {
		editable();
		this.min = min;
		this.minExclusive = false;
		return this;
	}

	/** Inclusive upper bound. */
	public Option<T> max(double max) {
		editable();
		this.max = max;
		this.maxExclusive = false;
		return this;
	}

	/** Inclusive bounds on both sides. */
	public Option<T> range(double min, double max) {
		return min(min).max(max);
	}

	/** Exclusive lower bound. */
	public Option<T> above(double min) {
		min(min);
		minExclusive = true;
		return this;
	}

	/** Exclusive upper bound. */
	public Option<T> below(double max) {
		max(max);
		maxExclusive = true;
		return this;
	}

	/** A rule beyond a range; {@code expectation} completes "KEY must be ..., got 'VALUE'". */
	public Option<T> check(Predicate<T> rule, String expectation) {
		return check(rule, v -> name + " must be " + expectation + ", got '" + format(v) + "'");
	}

	/** A rule beyond a range, e.g. a device name, with the whole message for a value that breaks it. */
	public Option<T> check(Predicate<T> rule, Function<T, String> message) {
		editable();
		this.check = rule;
		this.checkMessage = message;
		return this;
	}

	/**
	 * Also takes the word {@code auto}: the job then chooses the value itself (from the data, the device, other
	 * settings) and says what it chose. The help text should say from what.
	 */
	public Option<T> auto() {
		editable();
		if (kind != Kind.WHOLE_NUMBER && kind != Kind.NUMBER)
			throw new IllegalArgumentException(name + ": only numbers take auto (a choice or text has auto among its own values)");
		this.auto = true;
		return this;
	}

	/** The placeholder of the value in {@code --help}, e.g. {@code REGEX} or {@code FILE.zip}. */
	public Option<T> valueHint(String hint) {
		editable();
		this.valueHint = hint;
		return this;
	}

	private void editable() {
		if (frozen)
			throw new IllegalStateException("option " + name + " is already part of an option set");
	}

	void freeze() {
		frozen = true;
	}

	// ---- reading

	/** The snake_case name, which is also the macro key. */
	public String name() {
		return name;
	}

	/** The command-line flag with its dashes, e.g. {@code --batch-size}. */
	public String commandLineFlag() {
		return flag;
	}

	public Kind kind() {
		return kind;
	}

	/** The Java type of the value. */
	public Class<?> type() {
		return type;
	}

	/** The default, or null for "not given" (an optional path, or a value the job works out). */
	public T defaultValue() {
		return defaultValue;
	}

	public String help() {
		return help;
	}

	/** The placeholder of the value in {@code --help}, or null for the kind's own. */
	public String valueHintText() {
		return valueHint;
	}

	public List<String> aliases() {
		return Collections.unmodifiableList(aliases);
	}

	public boolean isAdvanced() {
		return advanced;
	}

	public boolean isRequired() {
		return required;
	}

	/** True if the word {@code auto} is a value of this option ({@link #auto()}). */
	public boolean takesAuto() {
		return auto;
	}

	/** Marks a text option that understands {@code auto} itself (e.g. a schedule chosen by the job). */
	public Option<T> autoAmongValues() {
		this.autoAmongValues = true;
		return this;
	}

	/** True for the numbers that take auto and the text options that understand it. */
	public boolean acceptsAuto() {
		return auto || autoAmongValues;
	}

	/** True if the text is the word {@code auto}, in any case. */
	public static boolean isAutoText(String text) {
		return text != null && text.trim().equalsIgnoreCase(AUTO);
	}

	/** The word that asks the job to choose a value. */
	public static final String AUTO = "auto";

	public Where where() {
		return where;
	}

	/** The lower bound, or null. */
	public Double min() {
		return min;
	}

	public Double max() {
		return max;
	}

	public boolean isMinExclusive() {
		return minExclusive;
	}

	public boolean isMaxExclusive() {
		return maxExclusive;
	}

	/** The canonical names of a choice, in order; empty for other kinds. */
	public List<String> choices() {
		List<String> names = new ArrayList<>();
		for (Map.Entry<String, T> c : choices.entrySet())
			names.add(c.getKey());
		return names;
	}

	/** Every spelling that names this option: name, flag without dashes, both separators, aliases. */
	List<String> spellings() {
		List<String> s = new ArrayList<>();
		s.add(name);
		s.add(flag.substring(2).replace('-', '_'));
		for (String a : aliases)
			s.add(canonical(a));
		return s;
	}

	/**
	 * The value a text stands for, checked against the kind, range and choices. Blank text for anything but a text
	 * option means "not given" and gives null (the caller then takes the default).
	 *
	 * @throws UnetException one line naming the key, the fault and what is allowed
	 */
	public T parse(String text) {
		return parse(text, name);
	}

	/**
	 * As {@link #parse(String)}, naming the option in messages as the user knows it ({@code --batch-size} on the
	 * command line, {@code batch_size} in a macro).
	 */
	@SuppressWarnings("unchecked")
	public T parse(String text, String key) {
		String t = text == null ? "" : text.trim();
		if (kind == Kind.TEXT)
			return checked((T) (text == null ? "" : text), key);
		if (t.isEmpty())
			return null;
		switch (kind) {
			case WHOLE_NUMBER:
				return checked(type == Long.class ? (T) Long.valueOf(wholeNumber(t, key)) : (T) Integer.valueOf(intValue(wholeNumber(t, key), t, key)), key);
			case NUMBER:
				return checked((T) Double.valueOf(number(t, key)), key);
			case FLAG:
				return (T) Boolean.valueOf(bool(t, key));
			case CHOICE:
				return checked(choiceValue(t, key), key);
			case FILE:
			case FOLDER:
				try {
					return (T) Paths.get(t);
				} catch (java.nio.file.InvalidPathException e) {
					throw new UnetException(key + " '" + t + "' is not a valid path: " + e.getReason());
				}
			default:
				throw new IllegalStateException(kind.toString());
		}
	}

	private long wholeNumber(String t, String key) {
		try {
			return Long.parseLong(t);
		} catch (NumberFormatException e) {
			// macros write numeric fields as 20.0 or 1e3 at times
			try {
				double d = Double.parseDouble(t);
				if (d == Math.rint(d) && Math.abs(d) < 9e15)
					return (long) d;
			} catch (NumberFormatException notANumber) {
				// reported below
			}
			throw new UnetException(key + " needs a whole number, got '" + t + "'");
		}
	}

	private int intValue(long v, String t, String key) {
		if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE)
			throw new UnetException(key + " " + t + " is too large");
		return (int) v;
	}

	private double number(String t, String key) {
		double d;
		try {
			d = Double.parseDouble(t);
		} catch (NumberFormatException e) {
			throw new UnetException(key + " needs a number, got '" + t + "'");
		}
		if (!Double.isFinite(d))
			throw new UnetException(key + " needs a finite number, got '" + t + "'");
		return d;
	}

	private boolean bool(String t, String key) {
		String b = t.toLowerCase(Locale.ROOT);
		if (b.equals("true") || b.equals("yes") || b.equals("1") || b.equals("on"))
			return true;
		if (b.equals("false") || b.equals("no") || b.equals("0") || b.equals("off"))
			return false;
		throw new UnetException(key + " is true or false, got '" + t + "'");
	}

	private T choiceValue(String t, String key) {
		String c = canonical(t);
		c = choiceAliases.getOrDefault(c, c);
		T v = choices.get(c);
		if (v == null)
			throw new UnetException("unknown " + name.replace('_', ' ') + " '" + t + "': use " + listOr(choices()));
		return v;
	}

	/** Checks a typed value against the range, choices and rule (also for values that did not come as text). */
	public T checked(T value) {
		return checked(value, name);
	}

	/** As {@link #checked(Object)}, naming the option as the user knows it. */
	public T checked(T value, String key) {
		if (value == null)
			return null;
		if (value instanceof Number) {
			double v = ((Number) value).doubleValue();
			boolean low = min != null && (minExclusive ? v <= min : v < min);
			boolean high = max != null && (maxExclusive ? v >= max : v > max);
			if (low || high)
				throw new UnetException(key + " must be " + rangeText() + ", got " + format(value));
		}
		if (check != null && !check.test(value))
			throw new UnetException(checkMessage.apply(value));
		return value;
	}

	/** The allowed range in words, e.g. "between 0 and 1 (exclusive)", "at least 1"; empty without a range. */
	public String rangeText() {
		if (min != null && max != null) {
			if (minExclusive && maxExclusive)
				return "between " + format(min) + " and " + format(max) + " (exclusive)";
			if (!minExclusive && !maxExclusive)
				return "between " + format(min) + " and " + format(max);
			return (minExclusive ? "greater than " : "at least ") + format(min) + " and " + (maxExclusive ? "less than " : "at most ") + format(max);
		}
		if (min != null)
			return (minExclusive ? "greater than " : "at least ") + format(min);
		if (max != null)
			return (maxExclusive ? "less than " : "at most ") + format(max);
		return "";
	}

	/** The text of a value as a user writes it: the canonical choice name, numbers without trailing zeros. */
	public String format(Object value) {
		if (value == null)
			return "";
		if (kind == Kind.CHOICE)
			for (Map.Entry<String, T> c : choices.entrySet())
				if (c.getValue().equals(value))
					return c.getKey();
		return formatValue(value);
	}

	/** The default as text, empty for "not given". */
	public String defaultText() {
		return format(defaultValue);
	}

	/** Numbers as a macro writes them (20, 0.0001), anything else by its string. */
	public static String formatValue(Object value) {
		if (value == null)
			return "";
		if (value instanceof Double || value instanceof Float) {
			String text = value instanceof Float ? Float.toString((Float) value) : Double.toString(((Number) value).doubleValue());
			if (text.contains("Infinity") || text.contains("NaN"))
				return text;
			return new BigDecimal(text).stripTrailingZeros().toPlainString();
		}
		return value.toString();
	}

	/** a, b or c */
	static String listOr(List<String> names) {
		if (names.size() <= 1)
			return String.join("", names);
		return String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
	}

	/** Lower case with underscores: {@code Batch-Size} and {@code batch_size} are one key. */
	static String canonical(String key) {
		return key.trim().toLowerCase(Locale.ROOT).replace('-', '_').replace(' ', '_');
	}

	@Override
	public String toString() {
		return name;
	}
}
