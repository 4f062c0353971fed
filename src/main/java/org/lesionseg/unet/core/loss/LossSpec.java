package org.lesionseg.unet.core.loss;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import ai.djl.training.loss.Loss;

/**
 * A loss chosen by name with its parameters, checked once: the name is canonical ({@code bce+dice} becomes
 * {@code bce_dice}), every parameter is known and in range. {@link #create()} then cannot fail.
 */
public final class LossSpec {

	private final String name;
	private final Map<String, Double> params;

	private LossSpec(String name, Map<String, Double> params) {
		this.name = name;
		this.params = params;
	}

	/**
	 * @param params parameter values by name (any case); missing ones take their defaults; may be null
	 * @throws org.lesionseg.unet.core.UnetException naming the bad name, parameter or value
	 */
	public static LossSpec of(String name, Map<String, Double> params) {
		String canonical = Losses.canonicalName(name);
		Map<String, Double> checked = new LinkedHashMap<>();
		if (params != null)
			for (Map.Entry<String, Double> p : params.entrySet())
				checked.put(p.getKey() == null ? "" : p.getKey().trim().toLowerCase(Locale.ROOT), p.getValue());
		Losses.create(canonical, checked); // the losses check their own ranges
		return new LossSpec(canonical, Collections.unmodifiableMap(checked));
	}

	/** The canonical loss name, e.g. bce_dice. */
	public String name() {
		return name;
	}

	/** The parameters given (lower-case names); defaults are not listed. */
	public Map<String, Double> params() {
		return params;
	}

	/** A new loss object of this spec. */
	public Loss create() {
		return Losses.create(name, params);
	}

	@Override
	public String toString() {
		return params.isEmpty() ? name : name + params;
	}
}
