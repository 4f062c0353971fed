package org.lesionseg.unet.workflow.options;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The checked, typed values of one job's options: what was given, and the option set's default for the rest.
 * Made only by {@link OptionSet#parse}; a request reads it once and never sees a string again.
 */
public final class OptionValues {

	private final OptionSet set;
	private final Map<Option<?>, Object> given;
	private final Set<Option<?>> auto;

	OptionValues(OptionSet set, Map<Option<?>, Object> given, Set<Option<?>> auto) {
		this.set = set;
		this.given = Collections.unmodifiableMap(new LinkedHashMap<>(given));
		this.auto = Collections.unmodifiableSet(new LinkedHashSet<>(auto));
	}

	/**
	 * The given value, or the set's default (null for an option that is "not given" by default). An option given as
	 * {@code auto} reads as its default here: the request that reads it asks {@link #isAuto} and chooses the value.
	 */
	@SuppressWarnings("unchecked")
	public <T> T get(Option<T> option) {
		requireKnown(option);
		return given.containsKey(option) ? (T) given.get(option) : set.defaultOf(option);
	}

	/** True when the user gave this option (even with its default value, or as {@code auto}). */
	public boolean isGiven(Option<?> option) {
		requireKnown(option);
		return given.containsKey(option) || auto.contains(option);
	}

	/** True when the user gave this option as {@code auto}: the job chooses its value. */
	public boolean isAuto(Option<?> option) {
		requireKnown(option);
		return auto.contains(option);
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
			else if (auto.contains(o))
				text.put(o.name(), Option.AUTO);
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
