package org.lesionseg.unet.core.data;

import java.util.Random;

/**
 * A step of the training input pipeline (augmentation, resizing, cropping) that may draw random numbers.
 * <p>
 * Implementations must not modify the given sample (samples are reused every epoch) and must take all randomness
 * from the given {@link Random}, so that {@link BatchStream} gives the same batches whatever its thread count.
 */
@FunctionalInterface
public interface SampleTransform {

	/** Returns the transformed sample (possibly the same object when nothing changes). */
	Sample apply(Sample sample, Random random);

	/** This transform followed by {@code next}, sharing one random generator. */
	default SampleTransform andThen(SampleTransform next) {
		return (sample, random) -> next.apply(apply(sample, random), random);
	}

	/** Leaves samples unchanged. */
	static SampleTransform identity() {
		return (sample, random) -> sample;
	}

	/** Resizes every sample to width &times; height ({@link Resizing#resize}). */
	static SampleTransform resize(int width, int height) {
		return (sample, random) -> Resizing.resize(sample, width, height);
	}

	/** Takes a random patch &times; patch crop ({@link Resizing#randomCrop(Sample, int, Random)}). */
	static SampleTransform randomCrop(int patch) {
		return (sample, random) -> Resizing.randomCrop(sample, patch, random);
	}

	/** Random crop centred on foreground with the given probability ({@link Resizing#randomCrop(Sample, int, Random, double)}). */
	static SampleTransform randomCrop(int patch, double foregroundProbability) {
		return (sample, random) -> Resizing.randomCrop(sample, patch, random, foregroundProbability);
	}
}
