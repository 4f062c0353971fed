package org.lesionseg.unet.core.data;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The files found in a folder (a read-only list) together with warnings about files that were skipped, such as a
 * {@code notes.txt} among the images, so that a user interface can show them without failing.
 */
public final class Listing<T> extends AbstractList<T> {

	private final List<T> items;
	private final List<String> warnings;

	public Listing(List<T> items, List<String> warnings) {
		this.items = Collections.unmodifiableList(new ArrayList<>(items));
		this.warnings = Collections.unmodifiableList(new ArrayList<>(warnings));
	}

	@Override
	public T get(int index) {
		return items.get(index);
	}

	@Override
	public int size() {
		return items.size();
	}

	/** One line per skipped file, e.g. {@code skipped notes.txt in /data/images: not an image file}. */
	public List<String> warnings() {
		return warnings;
	}
}
