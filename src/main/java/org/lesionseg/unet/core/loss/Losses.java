package org.lesionseg.unet.core.loss;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import ai.djl.training.loss.Loss;

import org.lesionseg.unet.core.UnetException;

/**
 * Creates the segmentation losses by name, for settings files, commands and the command line. Names are
 * case-insensitive; {@code bce+dice} and {@code iou} are accepted for {@code bce_dice} and {@code jaccard}.
 * Unknown names or parameters give an {@link UnetException} that lists what is valid.
 */
public final class Losses {

	/** One loss: its parameters with their defaults and one line of help. */
	private static final class Entry {
		final Map<String, Double> defaults;
		final String help;

		Entry(String help, Object... parametersAndDefaults) {
			this.help = help;
			Map<String, Double> map = new LinkedHashMap<>();
			for (int i = 0; i < parametersAndDefaults.length; i += 2) {
				map.put((String) parametersAndDefaults[i], (Double) parametersAndDefaults[i + 1]);
			}
			this.defaults = Collections.unmodifiableMap(map);
		}
	}

	private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>();
	private static final Map<String, String> ALIASES = new HashMap<>();

	static {
		ENTRIES.put("bce", new Entry("binary cross-entropy on logits, mean over pixels", "pos_weight", 1.0));
		ENTRIES.put("dice", new Entry("soft Dice loss per image, mean over the batch", "smooth", 1.0));
		ENTRIES.put("bce_dice", new Entry("bce_weight * BCE + dice_weight * Dice", "bce_weight", 0.5, "dice_weight",
				0.5, "smooth", 1.0, "pos_weight", 1.0));
		ENTRIES.put("jaccard", new Entry("soft Jaccard (IoU) loss per image, mean over the batch", "smooth", 1.0));
		ENTRIES.put("tversky", new Entry("Tversky loss, alpha weighs false positives, beta false negatives", "alpha",
				0.5, "beta", 0.5, "smooth", 1.0));
		ENTRIES.put("focal", new Entry("binary focal loss, mean over pixels (alpha < 0: no class weighting)", "gamma",
				2.0, "alpha", 0.25));
		ENTRIES.put("lovasz", new Entry("Lovasz hinge loss, per image (per_image=1) or per batch (per_image=0)",
				"per_image", 1.0));
		ENTRIES.put("mcc", new Entry("1 - soft Matthews correlation coefficient over the batch", "eps", 1e-5));
		ALIASES.put("bce+dice", "bce_dice");
		ALIASES.put("iou", "jaccard");
		// cross-entropy: binary for one output, over the classes for several (SoftmaxLoss)
		ALIASES.put("ce", "bce");
		ALIASES.put("ce_dice", "bce_dice");
	}

	private Losses() {
	}

	/**
	 * @return the canonical loss names, in the order to show them
	 */
	public static List<String> names() {
		return Collections.unmodifiableList(new ArrayList<>(ENTRIES.keySet()));
	}

	/**
	 * @param name a loss name or alias, any case
	 * @return the canonical name ({@code bce+dice} gives {@code bce_dice})
	 * @throws UnetException if the name is unknown
	 */
	public static String canonicalName(String name) {
		String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
		key = ALIASES.getOrDefault(key, key);
		if (!ENTRIES.containsKey(key)) {
			throw new UnetException("unknown loss '" + name + "'; valid losses are " + String.join(", ", names())
					+ " (aliases: bce+dice, iou, ce, ce_dice)");
		}
		return key;
	}

	/**
	 * @param name a loss name or alias
	 * @return the names of its parameters mapped to their defaults, in a stable order
	 * @throws UnetException if the name is unknown
	 */
	public static Map<String, Double> parameterDefaults(String name) {
		return ENTRIES.get(canonicalName(name)).defaults;
	}

	/**
	 * One line for help text, such as {@code tversky(alpha=0.5, beta=0.5, smooth=1): Tversky loss, ...}.
	 *
	 * @param name a loss name or alias
	 * @return the canonical name, its parameters with defaults and a short description
	 * @throws UnetException if the name is unknown
	 */
	public static String describe(String name) {
		String key = canonicalName(name);
		Entry entry = ENTRIES.get(key);
		List<String> parameters = new ArrayList<>();
		for (Map.Entry<String, Double> parameter : entry.defaults.entrySet()) {
			parameters.add(parameter.getKey() + "=" + LossInputs.plain(parameter.getValue()));
		}
		return key + "(" + String.join(", ", parameters) + "): " + entry.help;
	}

	/**
	 * Creates a loss.
	 *
	 * @param name one of {@link #names()} or an alias, any case
	 * @param params parameter values by name (any case); missing ones take their defaults; may be null
	 * @return the loss, whose {@link Loss#getName()} is the canonical name
	 * @throws UnetException if the name or a parameter is unknown, or a value is out of range
	 */
	public static Loss create(String name, Map<String, Double> params) {
		String key = canonicalName(name);
		Map<String, Double> values = new HashMap<>(ENTRIES.get(key).defaults);
		if (params != null) {
			for (Map.Entry<String, Double> parameter : params.entrySet()) {
				String parameterName = parameter.getKey() == null ? ""
						: parameter.getKey().trim().toLowerCase(Locale.ROOT);
				if (!values.containsKey(parameterName)) {
					throw new UnetException("loss " + key + " has no parameter '" + parameter.getKey()
							+ "'; valid parameters: " + validParameters(key));
				}
				if (parameter.getValue() == null) {
					throw new UnetException("loss " + key + ": parameter " + parameterName + " has no value; give a"
							+ " number or leave it out for the default");
				}
				values.put(parameterName, parameter.getValue());
			}
		}
		switch (key) {
		case "bce":
			return new BceWithLogitsLoss(values.get("pos_weight"));
		case "dice":
			return new DiceLoss(values.get("smooth"));
		case "bce_dice":
			return new BceDiceLoss(values.get("bce_weight"), values.get("dice_weight"), values.get("smooth"),
					values.get("pos_weight"));
		case "jaccard":
			return new JaccardLoss(values.get("smooth"));
		case "tversky":
			return new TverskyLoss(values.get("alpha"), values.get("beta"), values.get("smooth"));
		case "focal":
			return new FocalLoss(values.get("gamma"), values.get("alpha"));
		case "lovasz":
			return new LovaszHingeLoss(flag(key, "per_image", values.get("per_image")));
		case "mcc":
			return new MccLoss(values.get("eps"));
		default:
			throw new IllegalStateException("loss " + key + " is listed but not built");
		}
	}

	/** The multi-class form of a loss for a softmax of {@code outputs} channels (see {@link SoftmaxLoss}). */
	static Loss createSoftmax(String name, Map<String, Double> params, int outputs) {
		create(name, params); // the binary loss checks names and ranges
		String key = canonicalName(name);
		Map<String, Double> values = new HashMap<>(ENTRIES.get(key).defaults);
		if (params != null)
			for (Map.Entry<String, Double> p : params.entrySet())
				values.put(p.getKey().trim().toLowerCase(Locale.ROOT), p.getValue());
		return SoftmaxLoss.create(key, values, outputs);
	}

	private static String validParameters(String key) {
		List<String> parameters = new ArrayList<>(ENTRIES.get(key).defaults.keySet());
		return parameters.isEmpty() ? "none" : String.join(", ", parameters);
	}

	private static boolean flag(String key, String parameter, double value) {
		if (value != 0.0 && value != 1.0) {
			throw new UnetException("loss " + key + ": parameter " + parameter + " must be 0 or 1 but is "
					+ LossInputs.plain(value));
		}
		return value == 1.0;
	}
}
