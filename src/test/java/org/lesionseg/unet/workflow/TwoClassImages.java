package org.lesionseg.unet.workflow;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.imageio.ImageIO;

import org.lesionseg.unet.workflow.options.Option;
import org.lesionseg.unet.workflow.options.TrainOptions;

/**
 * The label images of the multi-class tests, 32×32 PNGs {@code imgN.png}: a bright square is class 1 ("bright"), a grey
 * square class 2 ("grey"), on a dark ramp; and the tiny two-class training that tells them apart in a few seconds.
 */
public final class TwoClassImages {

	private static final String[] TINY_TRAINING = { "class_names", "bright,grey", "depth", "2", "base_features", "8", "image_size", "32", "batch_size",
		"2", "learning_rate", "0.01", "augment", "none", "val_fraction", "0.25", "device", "cpu", "seed", "3" };

	private TwoClassImages() {
	}

	/** The keys and values of a tiny U-Net that learns these images, then {@code more} (epochs, the folders, ...). */
	public static String[] tinyTraining(String... more) {
		String[] all = java.util.Arrays.copyOf(TINY_TRAINING, TINY_TRAINING.length + more.length);
		System.arraycopy(more, 0, all, TINY_TRAINING.length, more.length);
		return all;
	}

	/** Writes {@code count} images and their label images into two new folders. */
	public static void write(Path images, Path labels, int count) throws IOException {
		Files.createDirectories(images);
		Files.createDirectories(labels);
		for (int i = 0; i < count; i++) {
			BufferedImage image = new BufferedImage(32, 32, BufferedImage.TYPE_BYTE_GRAY), label = new BufferedImage(32, 32, BufferedImage.TYPE_BYTE_GRAY);
			int ax = 4 + i % 3, ay = 5 + i % 4, bx = 18 + i % 4, by = 16 + i % 3;
			for (int y = 0; y < 32; y++)
				for (int x = 0; x < 32; x++) {
					int value = 20 + x, l = 0;
					if (x >= ax && x < ax + 8 && y >= ay && y < ay + 8) {
						value = 230;
						l = 1;
					} else if (x >= bx && x < bx + 9 && y >= by && y < by + 9) {
						value = 130;
						l = 2;
					}
					image.getRaster().setSample(x, y, 0, value);
					label.getRaster().setSample(x, y, 0, l);
				}
			ImageIO.write(image, "png", images.resolve("img" + i + ".png").toFile());
			ImageIO.write(label, "png", labels.resolve("img" + i + ".png").toFile());
		}
	}

	/** Trains the {@link #tinyTraining} for {@code epochs} on the folders, without a test part, into {@code model}. */
	public static TrainingJob.Outcome train(Path images, Path labels, Path model, int epochs) {
		String[] keys = tinyTraining("images_folder", images.toString(), "masks_folder", labels.toString(), "model_file", model.toString(), "epochs",
			Integer.toString(epochs), "test_fraction", "0");
		Map<String, String> m = new LinkedHashMap<>();
		for (int i = 0; i < keys.length; i += 2)
			m.put(keys[i], keys[i + 1]);
		return TrainingJob.run(TrainRequest.of(TrainOptions.SET.parse(m, Option.Where.EVERYWHERE)), null, null);
	}
}
