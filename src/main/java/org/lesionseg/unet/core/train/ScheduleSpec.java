package org.lesionseg.unet.core.train;

import java.util.Collections;
import java.util.Locale;
import java.util.Map;

import org.lesionseg.unet.core.KeyValues;
import org.lesionseg.unet.core.UnetException;

/**
 * A learning-rate schedule as chosen, parsed once from a spec such as {@code step:size=5,gamma=0.5}: its kind
 * and the options given. {@link #start} makes the schedule of one training from it.
 */
public final class ScheduleSpec {

	private final LearningRateSchedule.Kind kind;
	private final Map<String, Double> params;

	private ScheduleSpec(LearningRateSchedule.Kind kind, Map<String, Double> params) {
		this.kind = kind;
		this.params = params;
	}

	/**
	 * Parses {@code name[:key=value,...]}: {@code constant}, {@code step:size=10,gamma=0.1},
	 * {@code exponential:gamma=0.95}, {@code cosine:warmup=1,min=0}, {@code cyclic:base=1e-5,max=1e-3,half=2}
	 * (half-cycle in epochs), {@code plateau:factor=0.5,patience=3,min=1e-7}. Null or empty means constant.
	 *
	 * @throws UnetException naming an unknown schedule, an unknown option or a bad number
	 */
	public static ScheduleSpec parse(String spec) {
		String text = spec == null || spec.trim().isEmpty() ? "constant" : spec.trim().toLowerCase(Locale.ROOT);
		String name = text.contains(":") ? text.substring(0, text.indexOf(':')) : text;
		LearningRateSchedule.Kind kind = null;
		for (LearningRateSchedule.Kind k : LearningRateSchedule.Kind.values())
			if (k.name().equalsIgnoreCase(name) || (k == LearningRateSchedule.Kind.CONSTANT && name.equals("none"))
				|| (k == LearningRateSchedule.Kind.STEP && name.equals("steplr"))
				|| (k == LearningRateSchedule.Kind.EXPONENTIAL && name.equals("exponentiallr")))
				kind = k;
		if (kind == null)
			throw new UnetException("unknown learning-rate schedule '" + name + "': use constant, step, exponential, cosine, cyclic or plateau");
		Map<String, Double> params = KeyValues.parse(text.contains(":") ? text.substring(text.indexOf(':') + 1) : "", kind.keys,
			"schedule " + kind.name().toLowerCase(Locale.ROOT));
		return new ScheduleSpec(kind, Collections.unmodifiableMap(params));
	}

	public LearningRateSchedule.Kind kind() {
		return kind;
	}

	/** An option's value, or the fallback when it was not given. */
	public double param(String key, double fallback) {
		return params.getOrDefault(key, fallback);
	}

	/** A fresh schedule for a training with this base rate and length. */
	public LearningRateSchedule start(float baseRate, int epochs) {
		return new LearningRateSchedule(this, baseRate, epochs);
	}

	/** The spec in the form {@link #parse} reads, e.g. step:size=5.0,gamma=0.5. */
	@Override
	public String toString() {
		StringBuilder sb = new StringBuilder(kind.name().toLowerCase(Locale.ROOT));
		String sep = ":";
		for (Map.Entry<String, Double> e : params.entrySet()) {
			sb.append(sep).append(e.getKey()).append('=').append(e.getValue());
			sep = ",";
		}
		return sb.toString();
	}
}
