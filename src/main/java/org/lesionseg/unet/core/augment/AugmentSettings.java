package org.lesionseg.unet.core.augment;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import org.lesionseg.unet.core.UnetException;

/**
 * Which random augmentations {@link Augmenter} applies, written as a short text spec that is stored in the model
 * file and accepted in macros, e.g. {@code flip,rot90,rotate=35,scale=0.1,brightness=0.1,contrast=0.1}.
 * <ul>
 * <li>{@code flip} (or {@code hflip}), {@code vflip}: mirror left-right / top-bottom, each with probability 0.5;</li>
 * <li>{@code rot90}: rotate by a random multiple of 90&deg; (only 0&deg; or 180&deg; for non-square images, so
 * that the size stays);</li>
 * <li>{@code rotate=D}: rotate by a uniform random angle in [-D, D] degrees;</li>
 * <li>{@code scale=S}: zoom by a uniform random factor in [1-S, 1+S];</li>
 * <li>{@code elastic=A:S}: elastic deformation, a random displacement field smoothed with a Gaussian of sigma S
 * pixels and scaled by A pixels (Simard et al. 2003);</li>
 * <li>{@code brightness=B}: add a uniform random offset in [-B, B] (in normalised units);</li>
 * <li>{@code contrast=C}: stretch around the mean by a uniform random factor in [1-C, 1+C];</li>
 * <li>{@code gamma=G}: apply a gamma in [1-G, 1+G] to the image's own min–max range;</li>
 * <li>{@code noise=N}: add Gaussian noise of standard deviation N.</li>
 * </ul>
 * {@code none} disables all, {@code default} means {@value #DEFAULT_SPEC} and can be combined with other items.
 * Geometric changes apply identically to image and mask; intensity changes only to the image.
 */
public final class AugmentSettings {

	/** The spec that {@code default} stands for. */
	public static final String DEFAULT_SPEC = "flip,rot90,rotate=35,scale=0.1,brightness=0.1,contrast=0.1";

	private static final String VALID_KEYS = "none, default, flip (or hflip), vflip, rot90, rotate=DEGREES, scale=FRACTION, elastic=ALPHA:SIGMA, brightness=AMOUNT, "
			+ "contrast=AMOUNT, gamma=AMOUNT, noise=SD";

	private static final AugmentSettings NONE = new Builder().build();

	private final boolean horizontalFlip;
	private final boolean verticalFlip;
	private final boolean rotate90;
	private final double rotateDegrees;
	private final double scale;
	private final double elasticAlpha;
	private final double elasticSigma;
	private final double brightness;
	private final double contrast;
	private final double gamma;
	private final double noise;

	private AugmentSettings(Builder b) {
		horizontalFlip = b.horizontalFlip;
		verticalFlip = b.verticalFlip;
		rotate90 = b.rotate90;
		rotateDegrees = b.rotateDegrees;
		scale = b.scale;
		elasticAlpha = b.elasticAlpha;
		elasticSigma = b.elasticAlpha > 0 ? b.elasticSigma : 0;
		brightness = b.brightness;
		contrast = b.contrast;
		gamma = b.gamma;
		noise = b.noise;
	}

	/** No augmentation. */
	public static AugmentSettings none() {
		return NONE;
	}

	/** The {@value #DEFAULT_SPEC} settings. */
	public static AugmentSettings defaults() {
		return parse("default");
	}

	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Reads a spec such as {@code flip,vflip,rot90,rotate=35,scale=0.1,elastic=30:5,brightness=0.2,noise=0.02}.
	 * Null, blank and {@code none} give no augmentation; later items override earlier ones.
	 *
	 * @throws UnetException for an unknown key (listing the valid ones) or a bad value
	 */
	public static AugmentSettings parse(String spec) {
		Builder b = new Builder();
		if (spec == null)
			return b.build();
		for (String rawItem : spec.split(",")) {
			String item = rawItem.trim();
			if (item.isEmpty())
				continue;
			int eq = item.indexOf('=');
			String key = (eq < 0 ? item : item.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
			String value = eq < 0 ? null : item.substring(eq + 1).trim();
			switch (key) {
				case "none":
					noValue(key, value);
					break;
				case "default":
					noValue(key, value);
					AugmentSettings d = parse(DEFAULT_SPEC);
					b.horizontalFlip(true).rotate90(true).rotateDegrees(d.rotateDegrees).scale(d.scale).brightness(d.brightness).contrast(d.contrast);
					break;
				case "flip":
				case "hflip":
					noValue(key, value);
					b.horizontalFlip(true);
					break;
				case "vflip":
					noValue(key, value);
					b.verticalFlip(true);
					break;
				case "rot90":
					noValue(key, value);
					b.rotate90(true);
					break;
				case "rotate":
					b.rotateDegrees(number(key, value, 0, 180, true, "35"));
					break;
				case "scale":
					b.scale(number(key, value, 0, 1, false, "0.1"));
					break;
				case "elastic": {
					String[] parts = value == null ? new String[0] : value.split(":");
					if (parts.length != 2)
						throw new UnetException("augmentation elastic needs ALPHA:SIGMA in pixels, e.g. elastic=30:5, not '" + item + "'");
					double alpha = number(key, parts[0].trim(), 0, Double.MAX_VALUE, true, "30:5");
					double sigma = number(key, parts[1].trim(), 0, Double.MAX_VALUE, true, "30:5");
					if (alpha > 0 && sigma <= 0)
						throw new UnetException("augmentation elastic needs a sigma above 0, e.g. elastic=30:5");
					b.elastic(alpha, sigma);
					break;
				}
				case "brightness":
					b.brightness(number(key, value, 0, Double.MAX_VALUE, true, "0.1"));
					break;
				case "contrast":
					b.contrast(number(key, value, 0, 1, false, "0.1"));
					break;
				case "gamma":
					b.gamma(number(key, value, 0, 1, false, "0.2"));
					break;
				case "noise":
					b.noise(number(key, value, 0, Double.MAX_VALUE, true, "0.02"));
					break;
				default:
					throw new UnetException("unknown augmentation '" + key + "': valid keys are " + VALID_KEYS);
			}
		}
		return b.build();
	}

	private static void noValue(String key, String value) {
		if (value != null)
			throw new UnetException("augmentation " + key + " takes no value: write just '" + key + "'");
	}

	/** Parses a value in [min, max] (or [min, max) when the maximum is excluded). */
	private static double number(String key, String value, double min, double max, boolean maxIncluded, String example) {
		if (value == null || value.isEmpty())
			throw new UnetException("augmentation " + key + " needs a value, e.g. " + key + "=" + example);
		double v;
		try {
			v = Double.parseDouble(value);
		} catch (NumberFormatException e) {
			throw new UnetException("augmentation " + key + "=" + value + ": '" + value + "' is not a number, e.g. " + key + "=" + example);
		}
		if (!(v >= min && (maxIncluded ? v <= max : v < max)))
			throw new UnetException("augmentation " + key + "=" + value + " is out of range: use a value from " + format(min)
					+ (max == Double.MAX_VALUE ? " up" : (maxIncluded ? " to " : " up to (not including) ") + format(max)) + ", e.g. " + key + "=" + example);
		return v;
	}

	/** The canonical spec: {@code none}, or the enabled items in a fixed order; {@code parse(toSpec())} gives equal settings. */
	public String toSpec() {
		List<String> items = new ArrayList<>();
		if (horizontalFlip)
			items.add("flip");
		if (verticalFlip)
			items.add("vflip");
		if (rotate90)
			items.add("rot90");
		if (rotateDegrees > 0)
			items.add("rotate=" + format(rotateDegrees));
		if (scale > 0)
			items.add("scale=" + format(scale));
		if (elasticAlpha > 0)
			items.add("elastic=" + format(elasticAlpha) + ":" + format(elasticSigma));
		if (brightness > 0)
			items.add("brightness=" + format(brightness));
		if (contrast > 0)
			items.add("contrast=" + format(contrast));
		if (gamma > 0)
			items.add("gamma=" + format(gamma));
		if (noise > 0)
			items.add("noise=" + format(noise));
		return items.isEmpty() ? "none" : String.join(",", items);
	}

	private static String format(double value) {
		// exact shortest decimal of the double, so that parsing it gives the same double back
		return new BigDecimal(Double.toString(value)).stripTrailingZeros().toPlainString();
	}

	/** Whether nothing is enabled. */
	public boolean isNone() {
		return equals(NONE);
	}

	/** Whether any flip, rotation, scaling or deformation is enabled (these move mask pixels). */
	public boolean hasGeometry() {
		return horizontalFlip || verticalFlip || rotate90 || rotateDegrees > 0 || scale > 0 || elasticAlpha > 0;
	}

	public boolean horizontalFlip() {
		return horizontalFlip;
	}

	public boolean verticalFlip() {
		return verticalFlip;
	}

	public boolean rotate90() {
		return rotate90;
	}

	/** Largest rotation angle in degrees, 0 = off. */
	public double rotateDegrees() {
		return rotateDegrees;
	}

	/** Largest relative zoom, 0 = off. */
	public double scale() {
		return scale;
	}

	/** Displacement scale in pixels, 0 = off. */
	public double elasticAlpha() {
		return elasticAlpha;
	}

	/** Smoothness of the displacement field in pixels. */
	public double elasticSigma() {
		return elasticSigma;
	}

	public double brightness() {
		return brightness;
	}

	public double contrast() {
		return contrast;
	}

	public double gamma() {
		return gamma;
	}

	public double noise() {
		return noise;
	}

	@Override
	public boolean equals(Object o) {
		if (!(o instanceof AugmentSettings))
			return false;
		AugmentSettings s = (AugmentSettings) o;
		return horizontalFlip == s.horizontalFlip && verticalFlip == s.verticalFlip && rotate90 == s.rotate90 && rotateDegrees == s.rotateDegrees && scale == s.scale
				&& elasticAlpha == s.elasticAlpha && elasticSigma == s.elasticSigma && brightness == s.brightness && contrast == s.contrast && gamma == s.gamma
				&& noise == s.noise;
	}

	@Override
	public int hashCode() {
		return Objects.hash(horizontalFlip, verticalFlip, rotate90, rotateDegrees, scale, elasticAlpha, elasticSigma, brightness, contrast, gamma, noise);
	}

	@Override
	public String toString() {
		return toSpec();
	}

	/** Builds settings field by field (values are not range-checked here: prefer {@link AugmentSettings#parse}). */
	public static final class Builder {

		private boolean horizontalFlip, verticalFlip, rotate90;
		private double rotateDegrees, scale, elasticAlpha, elasticSigma, brightness, contrast, gamma, noise;

		public Builder horizontalFlip(boolean value) {
			horizontalFlip = value;
			return this;
		}

		public Builder verticalFlip(boolean value) {
			verticalFlip = value;
			return this;
		}

		public Builder rotate90(boolean value) {
			rotate90 = value;
			return this;
		}

		public Builder rotateDegrees(double value) {
			rotateDegrees = value;
			return this;
		}

		public Builder scale(double value) {
			scale = value;
			return this;
		}

		public Builder elastic(double alpha, double sigma) {
			elasticAlpha = alpha;
			elasticSigma = sigma;
			return this;
		}

		public Builder brightness(double value) {
			brightness = value;
			return this;
		}

		public Builder contrast(double value) {
			contrast = value;
			return this;
		}

		public Builder gamma(double value) {
			gamma = value;
			return this;
		}

		public Builder noise(double value) {
			noise = value;
			return this;
		}

		public AugmentSettings build() {
			return new AugmentSettings(this);
		}
	}
}
