package org.lesionseg.unet.plugins;

import java.io.File;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.lesionseg.unet.workflow.options.Option;
import org.lesionseg.unet.workflow.options.OptionSet;

import org.scijava.ItemIO;
import org.scijava.ItemVisibility;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

/**
 * The macro keys of a command, read from its {@code @Parameter} fields: the description that the SciJava dialog,
 * the plain-ImageJ dialog ({@link org.lesionseg.unet.plugins.ij1.UNetPlugIn}) and the documentation
 * (docs/macros.md) are all built from, so that they cannot drift apart. The fields' literal defaults, choices and
 * bounds must be those of the job's option registry ({@link #differences}); {@link #values} hands the fields to it.
 */
public final class MacroKeys {

	/** One input of a command as a macro sees it. */
	public static final class Key {
		public final Field field;
		public final Parameter parameter;

		Key(Field field, Parameter parameter) {
			this.field = field;
			this.parameter = parameter;
		}

		/** The macro key: the field's name. */
		public String name() {
			return field.getName();
		}

		public Class<?> type() {
			return field.getType();
		}

		/** A heading or note shown in dialogs, not a key. */
		public boolean isMessage() {
			return parameter.visibility() == ItemVisibility.MESSAGE;
		}

		public boolean isBoolean() {
			return type() == boolean.class || type() == Boolean.class;
		}

		public boolean isInteger() {
			return type() == int.class || type() == long.class || type() == Integer.class || type() == Long.class;
		}

		public boolean isNumber() {
			return isInteger() || type() == double.class || type() == float.class || type() == Double.class || type() == Float.class;
		}

		public boolean isFile() {
			return type() == File.class;
		}

		/** A folder rather than a file. */
		public boolean isDirectory() {
			return isFile() && FileWidget.DIRECTORY_STYLE.equals(parameter.style());
		}

		public String label() {
			return parameter.label().isEmpty() ? name().replace('_', ' ') : parameter.label();
		}

		public String description() {
			return parameter.description();
		}

		public boolean required() {
			return parameter.required();
		}

		/** The fixed choices of a text key, empty if any text (or a list made when the dialog opens) is allowed. */
		public List<String> choices() {
			return Collections.unmodifiableList(Arrays.asList(parameter.choices()));
		}

		/** The value the field holds in a new command: the default a macro gets when it leaves the key out. */
		public Object defaultValue(Class<?> commandClass) {
			return value(newInstance(commandClass));
		}

		/** The field's value in this command. */
		public Object value(Object command) {
			try {
				field.setAccessible(true);
				return field.get(command);
			} catch (IllegalAccessException e) {
				throw new IllegalStateException("cannot read " + name(), e);
			}
		}

		/** Sets the field in this command. */
		public void set(Object command, Object value) {
			try {
				field.setAccessible(true);
				field.set(command, value);
			} catch (IllegalAccessException e) {
				throw new IllegalStateException("cannot set " + name(), e);
			}
		}
	}

	private MacroKeys() {
	}

	/**
	 * The inputs a user sets, in the order of the dialog: the {@code @Parameter} fields declared by the command class
	 * itself (services and the context of base classes are not keys), headings included.
	 */
	public static List<Key> of(Class<?> commandClass) {
		List<Key> keys = new ArrayList<>();
		for (Field f : commandClass.getDeclaredFields()) {
			Parameter p = f.getAnnotation(Parameter.class);
			if (p == null || Modifier.isStatic(f.getModifiers()) || p.type() == ItemIO.OUTPUT)
				continue;
			if (org.scijava.service.Service.class.isAssignableFrom(f.getType()) || org.scijava.Context.class.isAssignableFrom(f.getType()))
				continue;
			keys.add(new Key(f, p));
		}
		return keys;
	}

	/** The inputs without headings: exactly the keys a macro may give. */
	public static List<Key> keysOf(Class<?> commandClass) {
		List<Key> keys = new ArrayList<>();
		for (Key k : of(commandClass))
			if (!k.isMessage())
				keys.add(k);
		return keys;
	}

	/** The command's menu label, which is also its name in {@code run("...")}. */
	public static String commandName(Class<?> commandClass) {
		Plugin plugin = commandClass.getAnnotation(Plugin.class);
		if (plugin == null)
			throw new IllegalArgumentException(commandClass + " is not a SciJava plugin");
		if (plugin.menu().length > 0)
			return plugin.menu()[plugin.menu().length - 1].label();
		String path = plugin.menuPath();
		return path.substring(path.lastIndexOf('>') + 1).trim();
	}

	/**
	 * Checks the rules that keep macro options unambiguous: keys are snake_case, and no key is the tail of another
	 * after an underscore ({@code size} would also match inside {@code image_size=}, since ImageJ only requires that a
	 * key not follow a letter).
	 *
	 * @return the problems found, empty if none
	 */
	public static List<String> problems(Class<?> commandClass) {
		List<String> problems = new ArrayList<>();
		List<Key> keys = keysOf(commandClass);
		for (Key k : keys) {
			if (!k.name().matches("[a-z][a-z0-9]*(_[a-z0-9]+)*"))
				problems.add(k.name() + " is not snake_case");
			for (Key other : keys)
				if (other != k && other.name().endsWith("_" + k.name()))
					problems.add(k.name() + " is the tail of " + other.name());
		}
		return problems;
	}

	/** A text form of a default value for the docs and dialogs: numbers as a macro writes them, empty for none. */
	public static String format(Object value) {
		// a File's string is its path; numbers are formatted as the registry formats them
		return Option.formatValue(value);
	}

	/**
	 * The reference of the commands' macro keys as Markdown: per command a heading, its description and a table of its
	 * keys (type, default, meaning). docs/macros.md holds this text; a test keeps the two equal.
	 */
	public static String markdown(List<Class<?>> commands) {
		StringBuilder md = new StringBuilder();
		for (Class<?> c : commands) {
			Plugin plugin = c.getAnnotation(Plugin.class);
			String name = commandName(c);
			md.append("### ").append(name).append("\n\n");
			md.append(plugin.description()).append(". Menu: Plugins › Segmentation › ").append(name).append(".\n\n");
			List<Key> keys = keysOf(c);
			if (keys.isEmpty()) {
				md.append("No keys: `run(\"").append(name).append("\");`\n\n");
				continue;
			}
			md.append("| key | value | default | meaning |\n|---|---|---|---|\n");
			for (Key k : keys)
				md.append("| `").append(k.name()).append("` | ").append(valueKind(k, c)).append(" | ").append(defaultText(k, c)).append(" | ")
					.append(k.description().replace("|", "\\|")).append(" |\n");
			md.append('\n');
		}
		return md.toString();
	}

	private static String valueKind(Key k, Class<?> c) {
		Object value = k.defaultValue(c);
		// a number that may also be "auto" is a text field (the registry's help says what auto chooses)
		if (k.type() == String.class && value != null && k.description().contains("; auto: ") && value.toString().matches("-?[0-9.eE+-]+"))
			return (value.toString().matches("-?[0-9]+") ? "whole number" : "number") + " or `auto`";
		if (k.type() == ij.ImagePlus.class)
			return "image title";
		if (k.isBoolean())
			return "`true` or `false`";
		if (k.isInteger())
			return "whole number";
		if (k.isNumber())
			return "number";
		if (k.isDirectory())
			return "folder";
		if (k.isFile())
			return "file";
		if (!k.choices().isEmpty())
			return "`" + String.join("`, `", k.choices()) + "`";
		return "text";
	}

	private static String defaultText(Key k, Class<?> c) {
		if (k.type() == ij.ImagePlus.class)
			return k.required() ? "the current image" : "none";
		Object value = k.defaultValue(c);
		if (value == null || value.toString().isEmpty())
			return k.required() ? "**required**" : "none";
		return "`" + format(value) + "`";
	}

	/**
	 * A command's values as the text a macro would give, by key, for its job's option set to parse: numbers as a macro
	 * writes them, an empty file or open image as "" (not given), an open image by its title.
	 *
	 * @throws IllegalStateException if a key has no option in the set (a test keeps the two in step)
	 */
	public static Map<String, String> values(Object command, OptionSet options) {
		Map<String, String> values = new LinkedHashMap<>();
		for (Key k : keysOf(command.getClass())) {
			if (options.find(k.name()) == null)
				throw new IllegalStateException(k.name() + " of " + command.getClass().getSimpleName() + " is not an option of " + options.job());
			Object v = k.value(command);
			values.put(k.name(), v instanceof ij.ImagePlus ? ((ij.ImagePlus) v).getTitle() : format(v));
		}
		return values;
	}

	/**
	 * Where a command's {@code @Parameter} fields and its job's option set disagree: a key that is no option (or only an
	 * old spelling of one), a literal default, choices, description or a given min/max that differ from the registry's,
	 * a field whose type does not fit the option's kind, and an option for Fiji with no field.
	 *
	 * @return the differences, empty if none
	 */
	public static List<String> differences(Class<?> commandClass, OptionSet options) {
		List<String> problems = new ArrayList<>();
		List<Key> keys = keysOf(commandClass);
		List<Option<?>> matched = new ArrayList<>();
		for (Key k : keys) {
			Option<?> o = options.find(k.name());
			if (o == null || !o.name().equals(k.name())) {
				problems.add(k.name() + " is not an option of " + options.job() + (o == null ? "" : " (it is an old spelling of " + o.name() + ")"));
				continue;
			}
			matched.add(o);
			if (o.where() == Option.Where.COMMAND_LINE)
				problems.add(k.name() + " is a command-line option only");
			if (!fits(k, o))
				problems.add(k.name() + " is a " + k.type().getSimpleName() + (k.isDirectory() ? " folder" : "") + " field but a " + o.kind().word() + " option");
			if (k.type() != ij.ImagePlus.class) {
				String fieldDefault = format(k.defaultValue(commandClass));
				if (!fieldDefault.equals(options.defaultText(o)))
					problems.add(k.name() + " defaults to '" + fieldDefault + "' in the command but '" + options.defaultText(o) + "' in the registry");
			}
			if (!k.choices().equals(o.kind() == Option.Kind.CHOICE ? o.choices() : Collections.emptyList()))
				problems.add(k.name() + " offers " + k.choices() + " in the command but " + o.choices() + " in the registry");
			if (!k.description().equals(o.help()))
				problems.add(k.name() + " is described as '" + k.description() + "' in the command but '" + o.help() + "' in the registry");
			bound(problems, k.name(), "min", k.parameter.min(), o.min());
			bound(problems, k.name(), "max", k.parameter.max(), o.max());
		}
		for (Option<?> o : options.options())
			if (o.where() != Option.Where.COMMAND_LINE && !matched.contains(o))
				problems.add("option " + o.name() + " of " + options.job() + " has no field in " + commandClass.getSimpleName());
		return problems;
	}

	private static boolean fits(Key k, Option<?> o) {
		if (o.takesAuto() && k.type() == String.class)
			return true; // a number that may also be "auto" is a text field
		switch (o.kind()) {
			case FLAG:
				return k.isBoolean();
			case WHOLE_NUMBER:
				return k.isInteger();
			case NUMBER:
				// a number whose default is "not given" is a text field, which may be left empty
				return (k.isNumber() && !k.isInteger()) || (k.type() == String.class && o.defaultValue() == null);
			case FOLDER:
				return k.isDirectory();
			case FILE:
				return k.isFile() && !k.isDirectory();
			case CHOICE:
				return k.type() == String.class;
			default:
				return k.type() == String.class || (k.type() == ij.ImagePlus.class && o.where() == Option.Where.FIJI);
		}
	}

	/** A bound a field gives must be the registry's (an exclusive bound of the registry is a dialog's limit). */
	private static void bound(List<String> problems, String key, String which, String given, Double registry) {
		if (given.isEmpty())
			return;
		if (registry == null || Double.parseDouble(given) != registry)
			problems.add(key + " has " + which + " " + given + " in the command but " + (registry == null ? "none" : format(registry)) + " in the registry");
	}

	static Object newInstance(Class<?> commandClass) {
		try {
			java.lang.reflect.Constructor<?> c = commandClass.getDeclaredConstructor();
			c.setAccessible(true);
			return c.newInstance();
		} catch (ReflectiveOperationException e) {
			throw new IllegalStateException("cannot create " + commandClass.getName() + ": " + e, e);
		}
	}
}
