package org.lesionseg.unet.core.modelfile;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Rules for the names of entries inside a model file.
 * <p>
 * Two levels: {@link #unsafeReason(String)} finds names that would escape a folder if some tool ever
 * extracted the archive ("zip slip"); a file holding one is refused as a whole even though we never
 * extract anything. {@link #isValidTextEntryName(String)} is the stricter rule for the text entries this
 * plugin writes and reads, so that every name we accept is also a harmless file name on every system.
 */
final class EntryNames {

	/** Longest text entry name we write or read; longer names only come from other tools or damage. */
	static final int MAX_TEXT_ENTRY_NAME_LENGTH = 200;

	/** One path segment of a text entry: letters, digits, dot, underscore and dash. */
	private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._-]+");

	/** A Windows drive prefix such as "C:" makes a name absolute there. */
	private static final Pattern DRIVE_PREFIX = Pattern.compile("^[A-Za-z]:.*", Pattern.DOTALL);

	private EntryNames() {}

	/**
	 * Why a name is unsafe (absolute, with "..", a backslash or a control character such as NUL), or
	 * null if it is safe. Directory names (ending with '/') are allowed.
	 */
	static String unsafeReason(String name) {
		if (name.isEmpty())
			return "an empty name";
		for (int i = 0; i < name.length(); i++) {
			char c = name.charAt(i);
			if (c == '\0')
				return "a NUL character";
			if (Character.isISOControl(c))
				return "a control character";
			if (c == '\\')
				return "a backslash";
		}
		if (name.startsWith("/") || DRIVE_PREFIX.matcher(name).matches())
			return "an absolute path";
		for (String segment : name.split("/", -1))
			if (segment.equals(".."))
				return "'..'";
		return null;
	}

	/**
	 * Whether a name may be used for a text entry: 1 to {@value #MAX_TEXT_ENTRY_NAME_LENGTH} characters,
	 * segments separated by '/' made of letters, digits, '.', '_' and '-' (but not "." or ".."), and not one
	 * of the names the format itself uses (compared ignoring case, so that no two entries could clash when
	 * extracted on a case-insensitive file system).
	 */
	static boolean isValidTextEntryName(String name) {
		if (name == null || name.isEmpty() || name.length() > MAX_TEXT_ENTRY_NAME_LENGTH)
			return false;
		for (String segment : name.split("/", -1))
			if (!SEGMENT.matcher(segment).matches() || segment.equals(".") || segment.equals(".."))
				return false;
		String lower = name.toLowerCase(Locale.ROOT);
		return !lower.equals(ModelBundle.METADATA_ENTRY) && !lower.equals(ModelBundle.WEIGHTS_ENTRY);
	}

	/** A name shortened and quoted for a one-line message. */
	static String quote(String name) {
		String shown = name.length() > 60 ? name.substring(0, 57) + "..." : name;
		return "'" + ModelFileException.oneLine(shown) + "'";
	}
}
