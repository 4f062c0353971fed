package org.lesionseg.unet.core.data;

import java.util.Locale;

import org.lesionseg.unet.core.UnetException;

/** How {@link DatasetFolders#pair} matches image files with mask files. */
public enum Pairing {
	/**
	 * Same base name, ignoring the extension and an optional {@code _mask}, {@code -mask}, {@code _label} or
	 * {@code -label} suffix on the mask ({@code case1.png} pairs with {@code case1.tif} or {@code case1_mask.png}).
	 */
	BY_NAME,
	/**
	 * The sorted file names of both folders zipped together, like the original PyTorch SegmentationDataset; both
	 * folders must hold the same number of images.
	 */
	SORTED;

	/** Looks a pairing up by name ({@code by_name}, {@code by-name}, {@code sorted}), ignoring case. */
	public static Pairing fromName(String name) {
		String wanted = name == null ? "" : name.trim().toUpperCase(Locale.ROOT).replace('-', '_').replace(' ', '_');
		for (Pairing p : values())
			if (p.name().equals(wanted))
				return p;
		throw new UnetException("unknown pairing '" + name + "': use by_name or sorted");
	}
}
