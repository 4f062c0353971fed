package org.lesionseg.unet.workflow;

import java.nio.file.Path;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.workflow.options.BuildTrainingSetOptions;
import org.lesionseg.unet.workflow.options.OptionValues;
import org.lesionseg.unet.workflow.options.RoisToMasksOptions;

/**
 * ROIs to Masks, typed and checked once: the masks of an image's ROIs are shown, added to a training set folder, or
 * both. Slices added before are always replaced: a corrected slice replaces its earlier mask.
 */
public final class RoisToMasksRequest {

	/** Where the masks go with their image, or null to only make the mask. */
	public final BuildTrainingSetRequest trainingSet;
	public final boolean showMask;

	private RoisToMasksRequest(BuildTrainingSetRequest trainingSet, boolean showMask) {
		this.trainingSet = trainingSet;
		this.showMask = showMask;
	}

	/**
	 * @param imageFolder the folder the image was read from, or null (an image made in memory)
	 * @throws UnetException when there is nothing to do, or the training set folder cannot be used
	 */
	public static RoisToMasksRequest of(OptionValues values, Path imageFolder) {
		Path folder = values.get(RoisToMasksOptions.OUTPUT_FOLDER);
		boolean show = values.get(RoisToMasksOptions.SHOW_MASK);
		if (folder == null && !show)
			throw new UnetException("nothing to do: give output_folder to add the masks to a training set, or show_mask=true to see the mask");
		BuildTrainingSetRequest set = folder == null ? null
			: BuildTrainingSetRequest.checked(folder, values.get(BuildTrainingSetOptions.FILE_FORMAT), values.get(RoisToMasksOptions.SLICES), true, true,
				imageFolder);
		return new RoisToMasksRequest(set, show);
	}
}
