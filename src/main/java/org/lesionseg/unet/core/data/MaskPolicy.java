package org.lesionseg.unet.core.data;

import java.util.Locale;

import org.lesionseg.unet.core.UnetException;

/**
 * How a mask file's values become a 0/1 mask.
 * <p>
 * Both policies accept binary masks (0 and one other value such as 1, 255 or 65535) and label images with a few
 * distinct values (every non-zero label is foreground). They differ for masks with many distinct values, which
 * usually means a JPEG (its compression smears edges) or a grey image saved as mask by mistake.
 */
public enum MaskPolicy {
	/** Masks with more than {@value ImageFiles#MAX_LABELS} distinct values are rejected with an explanation. */
	STRICT,
	/** Masks with many distinct values are thresholded: foreground = value &ge; half of the maximum. */
	THRESHOLD_HALF,
	/** Label images of a multi-class training: values 0..K kept as they are (integers only; 0 = background). */
	LABELS;

	/** Looks a policy up by name ({@code strict}, {@code threshold_half}, {@code threshold-half}), ignoring case. */
	public static MaskPolicy fromName(String name) {
		String wanted = name == null ? "" : name.trim().toUpperCase(Locale.ROOT).replace('-', '_').replace(' ', '_');
		for (MaskPolicy p : values())
			if (p.name().equals(wanted))
				return p;
		throw new UnetException("unknown mask policy '" + name + "': use strict, threshold_half or labels");
	}
}
