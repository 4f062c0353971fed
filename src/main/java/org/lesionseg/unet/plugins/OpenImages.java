package org.lesionseg.unet.plugins;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.lesionseg.unet.core.UnetException;

import ij.ImagePlus;
import ij.WindowManager;

/**
 * Finds open images by title, the way macros name them ({@code image=[brain scan.tif]}). Images of a batch-mode macro
 * count as open, so this works the same with and without image windows.
 */
public final class OpenImages {

	/** The choice that means "no image" in a plain-ImageJ dialog. */
	public static final String NONE = "(none)";

	private OpenImages() {
	}

	/** Titles of all open images (windows and batch-mode images), in ImageJ's order. */
	public static List<String> titles() {
		return new ArrayList<>(Arrays.asList(WindowManager.getImageTitles()));
	}

	/** The title of the current image, or null if none is open. */
	public static String currentTitle() {
		ImagePlus imp = WindowManager.getCurrentImage();
		return imp == null ? null : imp.getTitle();
	}

	/** True when a title names no image: null, empty or {@link #NONE}. */
	public static boolean isNone(String title) {
		return title == null || title.trim().isEmpty() || NONE.equals(title.trim());
	}

	/**
	 * The open image with this title.
	 *
	 * @param key the macro key that named it, for the message
	 * @throws UnetException if no image has this title, listing the open ones
	 */
	public static ImagePlus byTitle(String title, String key) {
		ImagePlus imp = WindowManager.getImage(title.trim());
		if (imp == null)
			throw new UnetException(key + ": no open image is titled \"" + title + "\"; "
				+ (titles().isEmpty() ? "no image is open, open it first" : "open images are " + quoted(titles())));
		return imp;
	}

	/** The image a command works on: the given one, else the current image. */
	public static ImagePlus givenOrCurrent(ImagePlus given) {
		if (given != null)
			return given;
		ImagePlus current = WindowManager.getCurrentImage();
		if (current == null)
			throw new UnetException("no image is open: open the image first");
		return current;
	}

	private static String quoted(List<String> titles) {
		StringBuilder sb = new StringBuilder();
		for (String t : titles)
			sb.append(sb.length() == 0 ? "" : ", ").append('"').append(t).append('"');
		return sb.toString();
	}
}
