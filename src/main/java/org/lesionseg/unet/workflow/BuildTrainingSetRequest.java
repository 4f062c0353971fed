package org.lesionseg.unet.workflow;

import java.nio.file.Path;
import java.util.Locale;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.workflow.options.BuildTrainingSetOptions;
import org.lesionseg.unet.workflow.options.OptionValues;
import org.lesionseg.unet.workflow.options.TrainOptions;

/**
 * Adding an image with its masks to a training set folder (Build Training Set, and ROIs to Masks when it is given a
 * folder), typed and checked once: the folder can be used and is not where the image was read from, the file format
 * and the slice choice are known. {@link TrainingSetJob#run} writes the files.
 */
public final class BuildTrainingSetRequest {

	/** Which slices of an image to add. */
	public enum Slices {
		/** Every slice: slices without lesion teach the network what is not a lesion. */
		ALL,
		/** The slice on show. */
		CURRENT,
		/** Only slices whose mask has a lesion. */
		WITH_LESION;

		/** The registry's choice name (all, current, with_lesion). */
		static Slices of(String choice) {
			return valueOf(choice.toUpperCase(Locale.ROOT));
		}
	}

	/** The file type of 8-bit and RGB slices and of the masks (16-bit and 32-bit slices are always TIFF). */
	public enum FileFormat {
		PNG, TIFF;

		static FileFormat of(String choice) {
			return valueOf(choice.toUpperCase(Locale.ROOT));
		}
	}

	/** The training set folder, which holds images/ and masks/. */
	public final Path folder;
	public final FileFormat format;
	public final Slices slices;
	/** Whether slices of the same name already in the set are replaced; otherwise they stop the job. */
	public final boolean replaceExisting;
	/** Whether the masks come from the ROI Manager rather than a mask image (Build Training Set only). */
	public final boolean fromRoiManager;

	private BuildTrainingSetRequest(Path folder, FileFormat format, Slices slices, boolean replaceExisting, boolean fromRoiManager) {
		this.folder = folder;
		this.format = format;
		this.slices = slices;
		this.replaceExisting = replaceExisting;
		this.fromRoiManager = fromRoiManager;
	}

	/**
	 * Build Training Set's request.
	 *
	 * @param imageFolder the folder the image was read from, or null (an image made in memory)
	 * @throws UnetException naming the key and the fault
	 */
	public static BuildTrainingSetRequest of(OptionValues values, Path imageFolder) {
		return checked(values.get(BuildTrainingSetOptions.OUTPUT_FOLDER), values.get(BuildTrainingSetOptions.FILE_FORMAT),
			values.get(BuildTrainingSetOptions.SLICES), values.get(BuildTrainingSetOptions.REPLACE_EXISTING), values.get(TrainOptions.USE_ROI_MANAGER),
			imageFolder);
	}

	/** The checks of both commands, each in one place. */
	static BuildTrainingSetRequest checked(Path folder, String format, String slices, boolean replaceExisting, boolean fromRoiManager, Path imageFolder) {
		if (folder == null || folder.toString().trim().isEmpty())
			throw new UnetException("output_folder is missing: give the training set folder (images/ and masks/ are created in it)");
		RequestChecks.folderPossible(folder.resolve("images"), "training set images");
		RequestChecks.folderPossible(folder.resolve("masks"), "training set masks");
		if (imageFolder != null) {
			Path from = RequestChecks.canonical(imageFolder);
			for (Path written : new Path[] { folder, folder.resolve("images"), folder.resolve("masks") })
				if (RequestChecks.canonical(written).equals(from))
					throw new UnetException("output_folder " + folder + " would put the training set " + (written == folder ? "" : "files ")
						+ "into " + imageFolder + ", the folder the image was opened from: choose another folder, so that the set's files do not mix with the originals");
		}
		return new BuildTrainingSetRequest(folder, FileFormat.of(BuildTrainingSetOptions.FILE_FORMAT.checked(format)),
			Slices.of(BuildTrainingSetOptions.SLICES.checked(slices)), replaceExisting, fromRoiManager);
	}

	public Path imagesDir() {
		return folder.resolve("images");
	}

	public Path masksDir() {
		return folder.resolve("masks");
	}
}
