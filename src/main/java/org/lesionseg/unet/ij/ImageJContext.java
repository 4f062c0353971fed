package org.lesionseg.unet.ij;

import java.awt.GraphicsEnvironment;

import ij.macro.Interpreter;

/**
 * What the running ImageJ can show. Library code asks here before opening a window, so that the same code runs in
 * Fiji's GUI, in a batch-mode macro and in a headless JVM (tests, servers, the command line) without a
 * {@link java.awt.HeadlessException}.
 */
public final class ImageJContext {

	private ImageJContext() {
	}

	/** @return true if the JVM has no display (for example {@code -Djava.awt.headless=true}) */
	public static boolean isHeadless() {
		return GraphicsEnvironment.isHeadless();
	}

	/** @return true if a table window can be opened: there is a display (batch-mode macros still show tables) */
	public static boolean canShowTables() {
		return !isHeadless();
	}

	/**
	 * @return true if image and plot windows may be opened: there is a display and no batch-mode macro runs (such
	 *         a macro asked for no image windows)
	 */
	public static boolean canShowWindows() {
		return !isHeadless() && !Interpreter.isBatchMode();
	}
}
