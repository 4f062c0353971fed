package org.lesionseg.unet.workflow;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.data.ImageFiles;
import org.lesionseg.unet.workflow.options.BuildTrainingSetOptions;
import org.lesionseg.unet.workflow.options.CommonOptions;
import org.lesionseg.unet.workflow.options.OptionValues;
import org.lesionseg.unet.workflow.options.ReviewOptions;
import org.lesionseg.unet.workflow.sources.ImageSource;

/**
 * Review UNet Segmentation, typed and checked once: what predicts the slices (a model file through the same
 * {@link SegmentRequest} as Segment with UNet, or a folder of earlier predictions), the training set folder the
 * accepted slices go to, the scripted decisions, and the fine-tuning.
 */
public final class ReviewRequest {

	/** The segmentation of the stack with the model file; null when the predictions are read from a folder. */
	final SegmentRequest segmentation;
	/** The model file (also the start of a fine-tuning), or null with predictions alone. */
	public final Path model;
	/** The folder of earlier predictions, or null when the model predicts. */
	public final Path predictions;
	/** Where the accepted slices go (replacing their earlier versions: a corrected slice replaces its mask). */
	public final BuildTrainingSetRequest trainingSet;
	public final Path rankingFile;
	/** 1-based slices to accept and to reject without the panel. */
	public final List<Integer> accept;
	public final List<Integer> reject;
	public final boolean fineTune;
	public final Path tunedModel;
	public final Path trainingFolder;
	public final int epochs;
	/** The augmentation of the fine-tuning (an {@code AugmentSettings} spec), or null for the model's own. */
	public final String augment;
	/** How predictions read from a folder without ROI sets become objects. */
	final org.lesionseg.unet.core.predict.MaskPostprocessing.Options postprocessing;
	/** The device of the fine-tuning. */
	final String device;

	private ReviewRequest(SegmentRequest segmentation, Path model, Path predictions, BuildTrainingSetRequest trainingSet, Path rankingFile, List<Integer> accept,
		List<Integer> reject, boolean fineTune, Path tunedModel, Path trainingFolder, int epochs,
		String augment, org.lesionseg.unet.core.predict.MaskPostprocessing.Options postprocessing, String device) {
		this.segmentation = segmentation;
		this.model = model;
		this.predictions = predictions;
		this.trainingSet = trainingSet;
		this.rankingFile = rankingFile;
		this.accept = Collections.unmodifiableList(accept);
		this.reject = Collections.unmodifiableList(reject);
		this.fineTune = fineTune;
		this.tunedModel = tunedModel;
		this.trainingFolder = trainingFolder;
		this.epochs = epochs;
		this.augment = augment;
		this.postprocessing = postprocessing;
		this.device = device;
	}

	/**
	 * @param stack       the slices to review (an open stack as planes)
	 * @param imageFolder the folder the stack was opened from, or null
	 * @throws UnetException naming the key and the fault
	 */
	public static ReviewRequest of(OptionValues values, ImageSource stack, Path imageFolder) {
		Path model = values.get(ReviewOptions.MODEL_FILE);
		Path predictions = values.get(ReviewOptions.PREDICTIONS_FOLDER);
		if (model == null && predictions == null)
			throw new UnetException("give model_file to predict the slices, or predictions_folder with the predictions Segment Folder with UNet wrote");
		if (predictions != null && !Files.isDirectory(predictions))
			throw new UnetException("predictions_folder " + predictions + " is not a folder");
		Path folder = values.get(ReviewOptions.OUTPUT_FOLDER);
		BuildTrainingSetRequest set = BuildTrainingSetRequest.checked(folder, values.get(BuildTrainingSetOptions.FILE_FORMAT), "all", true, true, imageFolder);
		// the set is read back for training: it must not take in predictions or models
		if (predictions != null && RequestChecks.canonical(folder).startsWith(RequestChecks.canonical(predictions)))
			throw new UnetException("output_folder " + folder + " is in predictions_folder " + predictions + ": choose another folder for the training set");
		if (model != null && RequestChecks.canonical(folder).equals(RequestChecks.canonical(model.toAbsolutePath().getParent())))
			throw new UnetException("output_folder " + folder + " is the model's folder: choose another folder for the training set");
		SegmentRequest segmentation = model == null ? null
			: SegmentRequest.builder(model, stack, Spelling.MACRO).prediction(values).build();
		boolean fineTune = values.get(ReviewOptions.FINE_TUNE);
		Path tuned = values.get(ReviewOptions.TUNED_MODEL);
		if (fineTune && model == null)
			throw new UnetException("fine_tune continues training a model: give its model_file too");
		if (tuned == null && model != null)
			tuned = folder.resolve(ImageFiles.baseName(model) + "-reviewed.zip");
		if (tuned != null && model != null && RequestChecks.canonical(tuned).equals(RequestChecks.canonical(model)))
			throw new UnetException("tuned_model " + tuned + " is the input model: the fine-tuned model goes to a new file, so that the reviewed one stays");
		Path training = values.get(ReviewOptions.TRAINING_FOLDER);
		if (training != null && !(Files.isDirectory(training.resolve("images")) && Files.isDirectory(training.resolve("masks"))))
			throw new UnetException("training_folder " + training + " has no images/ and masks/ folders: give the folder of a training set");
		List<Integer> accept = slices(values.get(ReviewOptions.ACCEPT));
		List<Integer> reject = slices(values.get(ReviewOptions.REJECT));
		for (Integer s : accept)
			if (reject.contains(s))
				throw new UnetException("slice " + s + " is both in accept and in reject: give it once");
		return new ReviewRequest(segmentation, model, predictions, set, values.get(ReviewOptions.RANKING_FILE), accept, reject, fineTune, tuned, training,
			values.get(ReviewOptions.EPOCHS), augment(values.get(ReviewOptions.AUGMENT)),
			RequestChecks.postprocessing(values.get(CommonOptions.THRESHOLD), values.get(CommonOptions.MIN_SIZE), values.get(CommonOptions.FILL_HOLES)),
			RequestChecks.device(values.get(CommonOptions.DEVICE)));
	}

	private static String augment(String spec) {
		String s = spec.trim();
		return s.equalsIgnoreCase(ReviewOptions.MODEL_AUGMENTATION) ? null : s.isEmpty() ? "none" : s;
	}

	/** True when the values decide something, so that no panel is needed. */
	public boolean scripted() {
		return !accept.isEmpty() || !reject.isEmpty() || fineTune || rankingFile != null;
	}

	/** "3,5 7" as [3, 5, 7]; the option has checked the form. */
	static List<Integer> slices(String text) {
		List<Integer> list = new ArrayList<>();
		for (String part : text.trim().split("[\\s,]+"))
			if (!part.isEmpty()) {
				int s = Integer.parseInt(part);
				if (s < 1)
					throw new UnetException("slice " + s + " does not exist: slices are numbered from 1");
				if (!list.contains(s))
					list.add(s);
			}
		return list;
	}
}
