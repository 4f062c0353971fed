package org.lesionseg.unet.core.interop;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.predict.Segmenter;

/**
 * The preprocessing steps of a bioimage.io package that this plugin applies, in the package's order, to the whole
 * image (C, H, W) before tiling: {@code scale_linear}, {@code scale_range}, {@code zero_mean_unit_variance},
 * {@code fixed_zero_mean_unit_variance}, {@code clip}, {@code binarize}; {@code ensure_dtype} to float32 changes nothing.
 * Statistics are per sample ({@code mode: per_sample}, the only mode without the training data), over each channel
 * or, when the step's axes include the channel, over all channels together.
 */
final class PackageSteps implements Segmenter.Preprocessing {

	/** One step: what it does to the values of one group of channels. */
	private interface Step {
		void apply(float[] chw, int plane, int channels);
	}

	private final List<Step> steps = new ArrayList<>();
	private final List<String> names = new ArrayList<>();

	/** @param specs the rdf's {@code preprocessing} list: maps with {@code id} (0.5) or {@code name} (0.4) and {@code kwargs} */
	PackageSteps(List<?> specs, String tensor) {
		if (specs == null)
			return;
		for (Object o : specs) {
			Map<?, ?> spec = Rdf.map(o, "a preprocessing step of input " + tensor);
			String id = Rdf.text(spec.containsKey("id") ? spec.get("id") : spec.get("name"), "the preprocessing step's id");
			Map<?, ?> kwargs = spec.get("kwargs") == null ? Map.of() : Rdf.map(spec.get("kwargs"), id + "'s kwargs");
			steps.add(step(id, kwargs, tensor));
			names.add(id);
		}
	}

	List<String> names() {
		return names;
	}

	@Override
	public void apply(float[] chw, int width, int height, int channels) {
		for (Step s : steps)
			s.apply(chw, width * height, channels);
	}

	private static Step step(String id, Map<?, ?> kwargs, String tensor) {
		switch (id) {
			case "scale_linear": {
				float[] gain = floats(kwargs.get("gain"), 1f), offset = floats(kwargs.get("offset"), 0f);
				return (v, plane, channels) -> {
					for (int c = 0; c < channels; c++) {
						float g = pick(gain, c, channels, "gain"), o = pick(offset, c, channels, "offset");
						for (int i = c * plane; i < (c + 1) * plane; i++)
							v[i] = v[i] * g + o;
					}
				};
			}
			case "scale_range": {
				perSample(id, kwargs);
				double lo = number(kwargs.get("min_percentile"), 0), hi = number(kwargs.get("max_percentile"), 100), eps = number(kwargs.get("eps"), 1e-6);
				if (kwargs.get("reference_tensor") != null && !tensor.equals(String.valueOf(kwargs.get("reference_tensor"))))
					throw new UnetException("scale_range with another reference tensor (" + kwargs.get("reference_tensor") + ") is not supported");
				if (!(lo >= 0 && lo < hi && hi <= 100))
					throw new UnetException("scale_range percentiles must satisfy 0 <= min_percentile < max_percentile <= 100, got " + lo + " and " + hi);
				return grouped(jointly(kwargs), (v, from, to) -> {
					float[] sorted = Arrays.copyOfRange(v, from, to);
					Arrays.sort(sorted);
					double min = percentile(sorted, lo), range = percentile(sorted, hi) - min + eps;
					for (int i = from; i < to; i++)
						v[i] = (float) ((v[i] - min) / range);
				});
			}
			case "zero_mean_unit_variance": {
				if ("fixed".equals(kwargs.get("mode"))) // 0.4 spells the fixed variant as a mode
					return fixed(kwargs);
				perSample(id, kwargs);
				double eps = number(kwargs.get("eps"), 1e-6);
				return grouped(jointly(kwargs), (v, from, to) -> {
					double sum = 0, squares = 0;
					for (int i = from; i < to; i++)
						sum += v[i];
					double mean = sum / (to - from);
					for (int i = from; i < to; i++)
						squares += (v[i] - mean) * (v[i] - mean);
					double std = Math.sqrt(squares / (to - from));
					for (int i = from; i < to; i++)
						v[i] = (float) ((v[i] - mean) / (std + eps));
				});
			}
			case "fixed_zero_mean_unit_variance":
				return fixed(kwargs);
			case "clip": {
				double min = number(kwargs.get("min"), Double.NEGATIVE_INFINITY), max = number(kwargs.get("max"), Double.POSITIVE_INFINITY);
				return (v, plane, channels) -> {
					for (int i = 0; i < plane * channels; i++)
						v[i] = (float) Math.min(max, Math.max(min, v[i]));
				};
			}
			case "binarize": {
				float[] threshold = floats(kwargs.get("threshold"), 0.5f);
				return (v, plane, channels) -> {
					for (int c = 0; c < channels; c++) {
						float t = pick(threshold, c, channels, "threshold");
						for (int i = c * plane; i < (c + 1) * plane; i++)
							v[i] = v[i] > t ? 1f : 0f;
					}
				};
			}
			case "ensure_dtype": {
				Object dtype = kwargs.get("dtype");
				if (dtype != null && !"float32".equals(dtype))
					throw new UnetException("ensure_dtype to " + dtype + " is not supported: the network's input must be float32");
				return (v, plane, channels) -> {
				};
			}
			default:
				throw new UnetException("the preprocessing step '" + id + "' of input " + tensor
					+ " is not supported (supported: scale_linear, scale_range, zero_mean_unit_variance, fixed_zero_mean_unit_variance, clip, binarize)");
		}
	}

	private static Step fixed(Map<?, ?> kwargs) {
		float[] mean = floats(kwargs.get("mean"), 0f), std = floats(kwargs.get("std"), 1f);
		double eps = number(kwargs.get("eps"), 1e-6);
		return (v, plane, channels) -> {
			for (int c = 0; c < channels; c++) {
				float m = pick(mean, c, channels, "mean"), s = pick(std, c, channels, "std");
				for (int i = c * plane; i < (c + 1) * plane; i++)
					v[i] = (float) ((v[i] - m) / (s + eps));
			}
		};
	}

	/** numpy.percentile's default (linear interpolation between the closest ranks). */
	static double percentile(float[] sorted, double percent) {
		double position = percent / 100 * (sorted.length - 1);
		int below = (int) Math.floor(position), above = (int) Math.ceil(position);
		return sorted[below] + (position - below) * ((double) sorted[above] - sorted[below]);
	}

	private interface Range {
		void apply(float[] v, int from, int to);
	}

	private static Step grouped(boolean joint, Range r) {
		return (v, plane, channels) -> {
			if (joint)
				r.apply(v, 0, plane * channels);
			else
				for (int c = 0; c < channels; c++)
					r.apply(v, c * plane, (c + 1) * plane);
		};
	}

	/** Statistics over all channels together when the axes name the channel (0.4: "cyx"; 0.5: [channel, y, x]) or are not given. */
	private static boolean jointly(Map<?, ?> kwargs) {
		Object axes = kwargs.get("axes");
		if (axes == null)
			return true;
		if (axes instanceof List)
			return ((List<?>) axes).contains("channel") || ((List<?>) axes).contains("c");
		return String.valueOf(axes).contains("c");
	}

	private static void perSample(String id, Map<?, ?> kwargs) {
		Object mode = kwargs.get("mode");
		if (mode != null && !"per_sample".equals(mode))
			throw new UnetException(id + " with mode " + mode + " is not supported: statistics " + ("per_dataset".equals(mode) ? "of the training data are not in the package" : "must be per_sample"));
	}

	private static float pick(float[] values, int channel, int channels, String what) {
		if (values.length == 1)
			return values[0];
		if (values.length != channels)
			throw new UnetException(what + " has " + values.length + " values for " + channels + " channels");
		return values[channel];
	}

	private static float[] floats(Object value, float fallback) {
		if (value == null)
			return new float[] { fallback };
		if (value instanceof List) {
			List<?> list = (List<?>) value;
			float[] out = new float[list.size()];
			for (int i = 0; i < out.length; i++)
				out[i] = (float) number(list.get(i), Double.NaN);
			return out;
		}
		return new float[] { (float) number(value, fallback) };
	}

	private static double number(Object value, double fallback) {
		if (value == null)
			return fallback;
		if (value instanceof Number)
			return ((Number) value).doubleValue();
		try {
			return Double.parseDouble(String.valueOf(value).trim().toLowerCase(Locale.ROOT).replace(".inf", "Infinity"));
		} catch (NumberFormatException e) {
			throw new UnetException("'" + value + "' is not a number");
		}
	}
}
