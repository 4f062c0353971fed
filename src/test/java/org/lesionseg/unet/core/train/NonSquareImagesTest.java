package org.lesionseg.unet.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.lesionseg.unet.core.data.Resizing;
import org.lesionseg.unet.core.data.Sample;
import org.lesionseg.unet.core.modelfile.TrainingSettings;

/**
 * One geometry for a non-square image in training, validation and prediction: a 512×256 image trained at 256 is
 * seen at 256×128 (both axes halved), never stretched to 256×256 while prediction halves it to 256×128.
 */
class NonSquareImagesTest {

	private static Sample wide(String name) {
		int w = 512, h = 256;
		float[] pixels = new float[w * h];
		byte[] mask = new byte[w * h];
		Random random = new Random(3);
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				pixels[y * w + x] = x / (float) w + 2 * y / (float) h + random.nextFloat() * 0.01f;
				mask[y * w + x] = (byte) ((x - 300) * (x - 300) + (y - 100) * (y - 100) < 40 * 40 ? 1 : 0);
			}
		return Sample.of(name, pixels, w, h, 1, mask);
	}

	@Test
	void trainingAndPredictionSeeTheSameGeometry() {
		TrainingSettings s = new TrainingSettings();
		s.imageSize = 256;
		s.augment = "none";
		Sample image = wide("wide");
		Sample trained = UNetTrainer.trainingTransform(TrainingConfig.of(s)).apply(image, new Random(1));

		// prediction: the model's input scale is the median training factor, and the predictor scales both axes by it
		double inputScale = UNetTrainer.medianScale(Arrays.asList(image, wide("other")), 256);
		assertEquals(0.5, inputScale, 1e-12);
		int[] predicted = Resizing.scaledSize(image.width(), image.height(), inputScale);
		assertArrayEquals(new int[] { 256, 128 }, predicted);
		Sample seenInPrediction = Resizing.resize(image, predicted[0], predicted[1]);

		// training: the same 256×128 picture, in a 256×256 square whose lower half mirrors it (as tiles are padded)
		assertEquals(256, trained.width());
		assertEquals(256, trained.height());
		float[] top = Arrays.copyOf(trained.imageData(), 256 * 128);
		assertArrayEquals(seenInPrediction.imageData(), top, 0f, "the training image is the predicted image, not a stretched one");
		assertArrayEquals(Arrays.copyOf(trained.maskData(), 256 * 128), seenInPrediction.maskData());
		for (int y = 128; y <= 254; y++) // row 128 mirrors row 126, ..., row 254 mirrors row 0
			for (int x = 0; x < 256; x += 17)
				assertEquals(trained.imageData()[(254 - y) * 256 + x], trained.imageData()[y * 256 + x], 0f, "mirrored row " + y);
	}

	@Test
	void tallImagesAndSquaresFollowTheSameRule() {
		Sample tall = Sample.of("tall", new float[30 * 90], 30, 90, 1, new byte[30 * 90]);
		Sample fitted = Resizing.fitToSize(tall, 64);
		assertEquals(64, fitted.width());
		assertEquals(64, fitted.height());
		assertArrayEquals(new int[] { 21, 64 }, Resizing.scaledSize(30, 90, Resizing.fitScale(30, 90, 64)));
		Sample square = Sample.of("square", new float[100 * 100], 100, 100, 1, null);
		assertEquals(64, Resizing.fitToSize(square, 64).width());
	}
}
