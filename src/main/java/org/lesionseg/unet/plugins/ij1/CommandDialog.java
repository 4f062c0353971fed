package org.lesionseg.unet.plugins.ij1;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.plugins.MacroKeys;
import org.lesionseg.unet.plugins.OpenImages;
import org.lesionseg.unet.plugins.UNetCommand;

import ij.IJ;
import ij.ImagePlus;
import ij.Macro;
import ij.gui.GenericDialog;
import ij.util.Tools;

/**
 * An ImageJ 1 dialog for a command's {@code @Parameter} fields, with the field names as labels so that the macro
 * keys are the same as Fiji's ({@code batch_size} shows as "batch size"). ImageJ's {@link GenericDialog} reads the
 * values from macro options instead of showing itself when a macro runs, and records the keys when the recorder is
 * on. Booleans may be written {@code key} (ImageJ's way) or {@code key=true} / {@code key=false} (Fiji's way).
 * <p>
 * A macro's options are checked first ({@link #checkMacroOptions}), and every mistake is reported through
 * {@link UNetCommand#reportError}: no modal dialog is left for a macro to wait on.
 */
public final class CommandDialog {

	private final UNetCommand command;
	private final List<MacroKeys.Key> items;

	public CommandDialog(UNetCommand command) {
		this.command = command;
		this.items = MacroKeys.of(command.getClass());
	}

	/**
	 * Shows the dialog (or reads the macro options) and puts the values into the command's fields.
	 *
	 * @return false if the user cancelled or a value was wrong (then reported)
	 */
	public boolean show() {
		String options = Macro.getOptions();
		if (options == null && IJ.isMacro() && !UNetCommand.someoneSeesImageJ()) {
			// run("...") without options in a macro no one watches: the defaults, as an empty options string gives them
			options = " ";
			Macro.setOptions(options);
		}
		if (options != null) {
			try {
				checkMacroOptions(options);
			} catch (UnetException e) {
				error(e.getMessage());
				return false;
			}
		}
		if (items.isEmpty())
			return true; // nothing to ask
		normalizeBooleanOptions();
		List<MacroKeys.Key> essentials = options == null ? essentialItems() : items;
		GenericDialog gd = build(essentials);
		if (gd == null)
			return false;
		if (essentials.size() < items.size())
			gd.addButton(ADVANCED, e -> showAdvanced());
		gd.showDialog();
		if (gd.wasCanceled())
			return false;
		return read(gd, essentials);
	}

	private static boolean isText(MacroKeys.Key k) {
		return !k.isBoolean() && !k.isNumber() && !k.isFile() && !k.isMessage() && k.type() != ImagePlus.class && k.choices().isEmpty();
	}

	/** Items above which a dialog pairs its short fields. */
	static final int COMPACT_ABOVE = 24;
	/** Above this many items three short fields share a row. */
	static final int WIDE_ABOVE = 36;

	/** The label of the button that opens the other settings. */
	public static final String ADVANCED = "Advanced\u2026";

	/**
	 * The dialog for these items, not shown yet (null if an image is needed and none is open, then reported). Long
	 * dialogs put two short fields on a row.
	 */
	GenericDialog build(List<MacroKeys.Key> shown) {
		GenericDialog gd = new GenericDialog(command.commandName());
		// a long dialog puts two short fields on a row (three in a very long one) and shortens text fields, to stay
		// within a laptop's screen
		boolean compact = shown.size() > COMPACT_ABOVE;
		int perRow = shown.size() > WIDE_ABOVE ? 3 : 2;
		int textColumns = compact ? 12 : 30;
		String rowKind = null; // the kind of field the current row takes more of, or null when the row is full
		int inRow = 0;
		for (MacroKeys.Key k : shown) {
			Object value = k.value(command);
			String kind = k.isNumber() ? "number" : k.isBoolean() ? "boolean" : null;
			if (compact && !k.isMessage() && !k.isFile() && k.type() != ImagePlus.class)
				kind = "short";
			if (kind != null && kind.equals(rowKind)) {
				gd.addToSameRow();
				inRow++;
			} else
				inRow = 1;
			// ImageJ's text field takes the rest of its row: it may join a row, never start one
			rowKind = inRow >= perRow || compact && isText(k) ? null : kind;
			if (k.isMessage()) {
				gd.setInsets(10, 0, 0);
				gd.addMessage(plainText(String.valueOf(value)));
			} else if (k.type() == ImagePlus.class) {
				List<String> choices = imageChoices(k);
				if (choices.isEmpty()) {
					error("no image is open: open the image first");
					return null;
				}
				gd.addChoice(k.name(), choices.toArray(new String[0]), defaultImage(k, choices));
			} else if (k.isBoolean()) {
				gd.addCheckbox(k.name(), (Boolean) value);
			} else if (k.isNumber()) {
				double v = ((Number) value).doubleValue();
				gd.addNumericField(k.name(), v, k.isInteger() ? 0 : digits(v), 10, null);
			} else if (k.isDirectory()) {
				gd.addDirectoryField(k.name(), value == null ? "" : value.toString(), 30);
			} else if (k.isFile()) {
				gd.addFileField(k.name(), value == null ? "" : value.toString(), 30);
			} else if (!k.choices().isEmpty()) {
				gd.addChoice(k.name(), k.choices().toArray(new String[0]), String.valueOf(value));
			} else {
				gd.addStringField(k.name(), value == null ? "" : value.toString(), textColumns);
			}
		}
		return gd;
	}

	/** Puts the values of a closed dialog into the command's fields; false if one was wrong (then reported). */
	private boolean read(GenericDialog gd, List<MacroKeys.Key> shown) {
		for (MacroKeys.Key k : shown) {
			if (k.isMessage())
				continue;
			if (k.type() == ImagePlus.class) {
				String title = gd.getNextChoice();
				k.set(command, OpenImages.isNone(title) ? null : findImage(title, k));
				if (!OpenImages.isNone(title) && k.value(command) == null)
					return false;
			} else if (k.isBoolean()) {
				k.set(command, gd.getNextBoolean());
			} else if (k.isNumber()) {
				double v = gd.getNextNumber();
				if (gd.invalidNumber()) {
					error(k.name() + " needs a number: " + gd.getErrorMessage());
					return false;
				}
				if (!setNumber(k, v))
					return false;
			} else if (k.isFile()) {
				String path = gd.getNextString().trim();
				k.set(command, path.isEmpty() ? null : new File(path));
			} else if (!k.choices().isEmpty()) {
				k.set(command, gd.getNextChoice());
			} else {
				k.set(command, gd.getNextString());
			}
		}
		return true;
	}

	/**
	 * The second dialog, with the settings that are not among the command's essentials. OK keeps its values in the
	 * command (the first dialog's OK then runs it); Cancel leaves them as they were.
	 */
	private void showAdvanced() {
		List<MacroKeys.Key> advanced = advancedItems();
		GenericDialog gd = build(advanced);
		if (gd == null)
			return;
		gd.setTitle(command.commandName() + ": advanced settings");
		gd.showDialog();
		if (!gd.wasCanceled())
			read(gd, advanced);
	}

	/** The items of the first dialog: all of them unless the command names its essentials. */
	List<MacroKeys.Key> essentialItems() {
		return itemsWhere(true);
	}

	/** The items behind the Advanced button (empty when the command names no essentials). */
	List<MacroKeys.Key> advancedItems() {
		return itemsWhere(false);
	}

	/**
	 * Items of one part, each heading kept only when a key of that part follows it before the next heading.
	 */
	private List<MacroKeys.Key> itemsWhere(boolean essential) {
		Set<String> essentials = command.essentialKeys();
		List<MacroKeys.Key> part = new ArrayList<>();
		MacroKeys.Key heading = null;
		for (MacroKeys.Key k : items) {
			if (k.isMessage()) {
				heading = k;
				continue;
			}
			if ((essentials.isEmpty() || essentials.contains(k.name())) != essential)
				continue;
			if (heading != null)
				part.add(heading);
			heading = null;
			part.add(k);
		}
		return part;
	}

	private ImagePlus findImage(String title, MacroKeys.Key k) {
		ImagePlus imp = ij.WindowManager.getImage(title);
		if (imp == null)
			error(k.name() + ": no open image is titled \"" + title + "\"");
		return imp;
	}

	private boolean setNumber(MacroKeys.Key k, double v) {
		Class<?> t = k.type();
		if (k.isInteger() && v != Math.rint(v)) {
			error(k.name() + " needs a whole number, got " + v);
			return false;
		}
		if (t == int.class || t == Integer.class)
			k.set(command, (int) v);
		else if (t == long.class || t == Long.class)
			k.set(command, (long) v);
		else if (t == float.class || t == Float.class)
			k.set(command, (float) v);
		else
			k.set(command, v);
		return true;
	}

	/** Reports a mistake the one way every UNet error is reported (never a dialog that a macro would wait on). */
	private void error(String message) {
		UNetCommand.reportError(command.commandName(), message);
	}

	/**
	 * Checks a macro's options before ImageJ's dialog reads them: that dialog answers an unknown image title, a value
	 * that is not among the choices or not a number with a modal error dialog, which waits forever when no one sees the
	 * screen ({@code -batch} under Xvfb). Unknown keys are refused as by the command itself.
	 *
	 * @throws UnetException for the first problem found
	 */
	void checkMacroOptions(String options) {
		command.checkMacroKeys(options);
		for (MacroKeys.Key k : items) {
			if (k.isMessage())
				continue;
			if (k.type() == ImagePlus.class) {
				String title = Macro.getValue(options, k.name(), null);
				if (title == null) {
					if (k.required() && OpenImages.titles().isEmpty())
						throw new UnetException("no image is open: open the image first");
				} else if (!OpenImages.isNone(title) || k.required()) {
					OpenImages.byTitle(title, k.name());
				}
				continue;
			}
			String value = Macro.getValue(options, k.name(), null);
			if (value == null || value.startsWith("&") || value.startsWith("0x")) // a macro variable or hex: the dialog reads them
				continue;
			if (k.isBoolean()) {
				if (!value.matches("(?i)true|false|yes|no|1|0"))
					throw new UnetException(k.name() + " is true or false, got '" + value + "'");
			} else if (k.isNumber()) {
				if (Double.isNaN(Tools.parseDouble(value)))
					throw new UnetException(k.name() + " needs a number, got '" + value + "'");
			} else if (!k.choices().isEmpty() && !k.choices().contains(value)) {
				throw new UnetException(k.name() + " '" + value + "' is not one of " + String.join(", ", k.choices()));
			}
		}
	}

	/** Open image titles; an optional image can also be "(none)". */
	private static List<String> imageChoices(MacroKeys.Key k) {
		List<String> choices = new ArrayList<>();
		if (!k.required())
			choices.add(OpenImages.NONE);
		choices.addAll(OpenImages.titles());
		return choices;
	}

	/** The current image for the image, the first image that looks like a mask for a mask, else none. */
	private static String defaultImage(MacroKeys.Key k, List<String> choices) {
		String current = OpenImages.currentTitle();
		if (k.name().equals("mask")) {
			for (String t : choices) {
				String lower = t.toLowerCase(Locale.ROOT);
				if (!t.equals(current) && (lower.contains("mask") || lower.contains("label")))
					return t;
			}
			return choices.get(0);
		}
		return current != null && choices.contains(current) ? current : choices.get(0);
	}

	/** Digits for a decimal field: scientific notation for small values such as a learning rate of 1e-4. */
	static int digits(double v) {
		if (v != 0 && Math.abs(v) < 0.01)
			return -1;
		return v == Math.rint(v) ? 1 : 3;
	}

	/** A dialog heading without the HTML that Fiji's dialog uses. */
	static String plainText(String html) {
		return html.replaceAll("<[^>]*>", "");
	}

	/**
	 * Rewrites {@code key=true} to {@code key} and drops {@code key=false} in the macro options, so that a Fiji-style
	 * macro line works with ImageJ's dialog, which takes a boolean as set when its key is present.
	 */
	private void normalizeBooleanOptions() {
		String options = Macro.getOptions();
		if (options == null)
			return;
		String rewritten = options;
		for (MacroKeys.Key k : items)
			if (k.isBoolean())
				rewritten = rewriteBoolean(rewritten, k.name());
		if (!rewritten.equals(options))
			Macro.setOptions(rewritten.trim());
	}

	static String rewriteBoolean(String options, String key) {
		String padded = " " + options + " ";
		padded = padded.replaceAll("(?i) " + key + "=(true|yes|1) ", " " + key + " ");
		padded = padded.replaceAll("(?i) " + key + "=(false|no|0) ", " ");
		return padded.substring(1, padded.length() - 1);
	}
}
