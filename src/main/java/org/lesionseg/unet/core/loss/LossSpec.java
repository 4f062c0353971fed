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
	/** Network outputs: 1 (binary, the losses of {@link Losses}) or K+1 (a {@link SoftmaxLoss}). */
	private final int outputs;

	private LossSpec(String name, Map<String, Double> params, int outputs) {
		this.name = name;
		this.params = params;
		this.outputs = outputs;
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
		return new LossSpec(canonical, Collections.unmodifiableMap(checked), 1);
	}

	/**
	 * This loss for a network of {@code outputs} outputs: itself for 1, its multi-class form for K+1.
	 *
	 * @throws org.lesionseg.unet.core.UnetException for a loss that is binary only
	 */
	public LossSpec forOutputs(int outputs) {
		if (outputs == 1)
			return new LossSpec(name, params, 1);
		LossSpec spec = new LossSpec(name, params, outputs);
		spec.create(); // refuses binary-only losses now, not after the images are loaded
		return spec;
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
		return outputs == 1 ? Losses.create(name, params) : Losses.createSoftmax(name, params, outputs);
	}

	@Override
	public String toString() {
		return params.isEmpty() ? name : name + params;
	}
}
