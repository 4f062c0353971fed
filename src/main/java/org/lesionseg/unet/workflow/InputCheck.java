package org.lesionseg.unet.workflow;

import org.lesionseg.unet.core.data.IntensityStats;
import org.lesionseg.unet.core.data.LoadedImage;
import org.lesionseg.unet.core.modelfile.ModelInfo;

/**
 * Compares each input's raw intensities with the model's training data ({@link IntensityStats#warning}): the first
 * input far from them gets one warning line with a suggestion, the others are counted for one closing line, so a
 * folder of shifted images does not bury the log. Models without recorded statistics (older files) are not checked.
 */
final class InputCheck {

	private final ModelInfo model;
	private int shifted;
	private int checked;

	InputCheck(ModelInfo model) {
		this.model = model;
	}

	/** The warning for the first far input, else null. */
	String check(LoadedImage image) {
		if (model.trainingIntensity == null)
			return null;
		checked++;
		IntensityStats.Accumulator stats = new IntensityStats.Accumulator();
		for (int z = 0; z < image.slices(); z++)
			stats.add(image.plane(z), image.width(), image.height(), image.channels(), image.bitDepth());
		String warning = IntensityStats.warning(model.trainingIntensity, image.name(), stats.result(), model.normalization);
		if (warning == null)
			return null;
		shifted++;
		return shifted == 1 ? warning : null;
	}

	/** After the run: how many more inputs were far from the training data, or null if none. */
	String more() {
		return shifted > 1 ? (shifted - 1) + " more of the " + checked + " images have intensities far from the model's training data" : null;
	}
}
