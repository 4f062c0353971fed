package org.lesionseg.unet.core.data;

import java.util.Locale;

import org.lesionseg.unet.core.UnetException;

/** How training images reach the network's square input. The {@link #key()} is stored in settings and the model file. */
public enum InputMode {
	/** Whole images scaled to fit the training size (one factor for both axes, see {@link Resizing#fitToSize}). */
	RESIZE("resize"),
	/** Random crops of the training size at native scale. */
	PATCH("patch");

	private final String key;

	InputMode(String key) {
		this.key = key;
	}

	public String key() {
		return key;
	}

	/** @throws UnetException naming the valid modes */
	public static InputMode fromName(String name) {
		String wanted = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
		for (InputMode m : values())
			if (m.key.equals(wanted))
				return m;
		throw new UnetException("input mode must be resize or patch, got " + name);
	}
}
