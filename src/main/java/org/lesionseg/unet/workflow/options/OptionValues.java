package org.lesionseg.unet.workflow.options;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The checked, typed values of one job's options: what was given, and the option set's default for the rest.
 * Made only by {@link OptionSet#parse}; a request reads it once and never sees a string again.
 */
public final class OptionValues {

	private final OptionSet set;
	private final Map<Option<?>, Object> given;

	OptionValues(OptionSet set, Map<Option<?>, Object> given) {
		this.set = set;
		this.given = Collections.unmodifiableMap(new LinkedHashMap<>(given));
	}

	/** The given value, or the set's default (null for an option that is "not given" by default). */
	@SuppressWarnings("unchecked")
	public <T> T get(Option<T> option) {
		requireKnown(option);
		return given.containsKey(option) ? (T) given.get(option) : set.defaultOf(option);
	}

	/** True when the user gave this option (even with its default value). */
	public boolean isGiven(Option<?> option) {
		requireKnown(option);
		return given.containsKey(option);
	}

	public OptionSet set() {
		return set;
	}

	/** The given options as text by name, in the order of the set (for logs and records). */
	public Map<String, String> givenText() {
		Map<String, String> text = new LinkedHashMap<>();
		for (Option<?> o : set.options())
			if (given.containsKey(o))
				text.put(o.name(), o.format(given.get(o)));
		return text;
	}

	private void requireKnown(Option<?> option) {
		if (!set.options().contains(option))
			throw new IllegalArgumentException("option " + option.name() + " is not an option of " + set.job());
	}

	@Override
	public String toString() {
		return set.job() + " " + givenText();
	}
}
