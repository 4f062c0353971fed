package org.lesionseg.unet.core.modelfile;

import org.lesionseg.unet.core.UnetException;

/**
 * A model file could not be read or written. The message is one line for the user: it names the file,
 * says what is wrong and what to do. {@link #problem()} tells callers the kind of problem without
 * parsing the message (for example to offer the ".last" checkpoint copy when a file is {@link Problem#DAMAGED}).
 */
public class ModelFileException extends UnetException {

	private static final long serialVersionUID = 1L;

	/** The kinds of problem a model file can have. */
	public enum Problem {
		/** The path does not exist. */
		NOT_FOUND,
		/** The path is a folder or another non-regular file. */
		NOT_A_FILE,
		/** The file exists but the operating system refuses to let us read it. */
		UNREADABLE,
		/** The file has 0 bytes. */
		EMPTY,
		/** The file is not a zip archive at all. */
		NOT_A_ZIP,
		/** The file was a model file but is truncated or corrupted, or its content fails a check. */
		DAMAGED,
		/** A zip archive, but not one written by this plugin (no model.json, or a foreign format name). */
		NOT_A_MODEL,
		/** Written by a newer version of the plugin with a format this version cannot read. */
		NEWER_VERSION,
		/** Refused for safety: path-like entry names, duplicate entries or a decompression bomb. */
		UNSAFE,
		/** An entry is larger than this plugin accepts. */
		TOO_LARGE,
		/** Saving failed (disk full, no permission, ...); an existing file at the target is unchanged. */
		WRITE_FAILED
	}

	private final Problem problem;

	public ModelFileException(Problem problem, String message) {
		super(oneLine(message));
		this.problem = problem;
	}

	public ModelFileException(Problem problem, String message, Throwable cause) {
		super(oneLine(message), cause);
		this.problem = problem;
	}

	/** The kind of problem, for callers that react differently to, say, a damaged and a foreign file. */
	public Problem problem() {
		return problem;
	}

	/** Messages are shown in one status line: control characters (from file or entry names) become '?'. */
	static String oneLine(String text) {
		StringBuilder sb = new StringBuilder(text.length());
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			sb.append(Character.isISOControl(c) ? '?' : c);
		}
		return sb.toString();
	}
}
