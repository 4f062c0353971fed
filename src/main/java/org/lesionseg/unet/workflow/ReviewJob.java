package org.lesionseg.unet.workflow;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.data.ImageFiles;
import org.lesionseg.unet.core.data.MaskPolicy;
import org.lesionseg.unet.core.data.Normalization;
import org.lesionseg.unet.core.data.Pairing;
import org.lesionseg.unet.core.data.Sample;
import org.lesionseg.unet.core.io.Checksums;
import org.lesionseg.unet.core.io.Json;
import org.lesionseg.unet.core.modelfile.ModelFile;
import org.lesionseg.unet.core.modelfile.ModelInfo;
import org.lesionseg.unet.core.modelfile.TrainingSettings;
import org.lesionseg.unet.core.predict.MaskPostprocessing;
import org.lesionseg.unet.core.predict.UncertaintyScore;
import org.lesionseg.unet.core.train.TrainingConfig;
import org.lesionseg.unet.core.train.TrainingListener;
import org.lesionseg.unet.ij.ClassRois;
import org.lesionseg.unet.ij.RoiConversion;
import org.lesionseg.unet.ij.RoiSets;

import ij.gui.Roi;

/**
 * Review UNet Segmentation's work apart from the panel: {@link #open} predicts (or reads the predictions of) every
 * slice, scores it ({@link UncertaintyScore}) and ranks the slices most-uncertain first, or resumes the review saved in
 * the training set folder; {@link #fineTune} continues training the model on the accepted slices.
 */
public final class ReviewJob {

	private ReviewJob() {
	}

	/**
	 * Opens a review: a new one, or the one saved in the training set folder (its order and decisions), which must be of
	 * the same model (or predictions folder) and of a stack of the same size.
	 *
	 * @param listener hears the prediction's progress (as Segment with UNet's)
	 * @throws UnetException for an empty stack, a folder holding another review, missing predictions
	 */
	public static ReviewSession open(ReviewRequest request, ReviewSession.Stack stack, SegmentationJob.Listener listener) {
		if (stack.size() == 0)
			throw new UnetException(stack.title + " has no slices to review");
		ReviewSession.State state = new ReviewSession.State();
		state.source = source(request);
		state.modelFile = request.model == null ? null : request.model.toAbsolutePath().toString();
		state.predictionsFolder = request.predictions == null ? null : request.predictions.toAbsolutePath().toString();
		state.image = stack.title;
		state.slices = stack.size();
		state.width = stack.width();
		state.height = stack.height();
		ReviewSession.State saved = readState(request.trainingSet.folder);
		List<String> classes = new ArrayList<>(), colours = null;
		if (request.model != null) {
			ModelInfo info = infoOrNull(request.model);
			if (info != null && info.isMultiClass()) {
				classes.addAll(ClassOutputs.names(info));
				colours = ClassOutputs.colours(info);
			}
			state.classes = classes.isEmpty() ? null : classes;
			if (saved != null)
				checkSameClasses(request, saved, state);
		}
		if (saved != null)
			checkSameReview(request, saved, state);
		List<List<Roi>> rois = new ArrayList<>();
		double[] scores = request.model != null ? predict(request, stack, listener, rois) : readPredictions(request, stack, rois);
		if (request.model == null) {
			// a predictions folder names its classes only in its ROIs (Segment Folder's ROI sets of a multi-class model)
			classes.addAll(classesOfRois(rois));
			state.classes = classes.isEmpty() ? null : classes;
			if (saved != null)
				checkSameClasses(request, saved, state);
		}
		int[] order;
		if (saved != null) {
			order = new int[saved.order.size()];
			for (int r = 0; r < order.length; r++)
				order[r] = saved.order.get(r) - 1;
			state.decisions.putAll(saved.decisions);
			state.position = saved.position;
		} else
			order = rank(scores);
		for (int r = 0; r < order.length; r++) {
			state.order.add(order[r] + 1);
			state.scores.add(scores[order[r]]);
		}
		ReviewSession session = new ReviewSession(request, stack, rois, scores, order, state, classes, colours);
		session.save();
		return session;
	}

	/** The model's description, or null for a file it cannot be read from: the segmentation's loading says what is wrong. */
	private static ModelInfo infoOrNull(Path model) {
		try {
			return ModelFile.readInfo(model);
		} catch (RuntimeException notOurs) {
			return null;
		}
	}

	/** The planes, highest score first; equal scores keep the stack's order. */
	static int[] rank(double[] scores) {
		List<Integer> planes = new ArrayList<>();
		for (int p = 0; p < scores.length; p++)
			planes.add(p);
		planes.sort((a, b) -> scores[a] != scores[b] ? Double.compare(scores[b], scores[a]) : Integer.compare(a, b));
		int[] order = new int[planes.size()];
		for (int i = 0; i < order.length; i++)
			order[i] = planes.get(i);
		return order;
	}

	/** What made the predictions: the model's content (not its path, which may move) or the predictions folder. */
	private static String source(ReviewRequest request) {
		return request.model != null ? "model sha256:" + sha256(request.model) : "predictions " + request.predictions.toAbsolutePath().normalize();
	}

	private static String sha256(Path file) {
		MessageDigest digest = Checksums.newSha256();
		try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
			byte[] buffer = new byte[1 << 16];
			while (in.read(buffer) >= 0) {
				// the digest reads along
			}
		} catch (IOException e) {
			throw new UnetException("cannot read " + file + ": " + e.getMessage(), e);
		}
		return Checksums.hex(digest.digest());
	}

	private static ReviewSession.State readState(Path folder) {
		Path file = folder.resolve(ReviewSession.STATE_FILE);
		if (!Files.isRegularFile(file))
			return null;
		try {
			ReviewSession.State s = Json.GSON.fromJson(new String(Files.readAllBytes(file), StandardCharsets.UTF_8), ReviewSession.State.class);
			if (s == null || s.source == null || s.order == null || s.decisions == null)
				throw new UnetException(file + " is not the state of a review: choose another output_folder");
			return s;
		} catch (IOException | com.google.gson.JsonParseException e) {
			throw new UnetException(file + " cannot be read (" + e.getMessage() + "): choose another output_folder, or delete it to start the review again");
		}
	}

	/**
	 * The classes named by the ROIs of a multi-class prediction (ROI group k with the property {@code class}): the
	 * highest group is K, a group no ROI names is {@code classK}; empty when no ROI has a class (binary).
	 */
	static List<String> classesOfRois(List<List<Roi>> rois) {
		java.util.TreeMap<Integer, String> named = new java.util.TreeMap<>();
		for (List<Roi> plane : rois)
			for (Roi r : plane) {
				String name = r.getProperty(ClassRois.PROPERTY_CLASS);
				if (name != null && r.getGroup() > 0)
					named.putIfAbsent(r.getGroup(), name);
			}
		List<String> classes = new ArrayList<>();
		if (named.isEmpty())
			return classes;
		for (int k = 1; k <= named.lastKey(); k++)
			classes.add(named.getOrDefault(k, "class" + k));
		return classes;
	}

	/** "the classes a, b" or "one class (0/1 masks)". */
	private static String classes(List<String> classes) {
		return classes == null || classes.isEmpty() ? "one class (0/1 masks)" : "the classes " + String.join(", ", classes);
	}

	/** A saved review continues only with its classes: its masks hold them. */
	private static void checkSameClasses(ReviewRequest request, ReviewSession.State saved, ReviewSession.State now) {
		Path folder = request.trainingSet.folder;
		List<String> savedClasses = saved.classes == null ? Collections.<String>emptyList() : saved.classes;
		List<String> nowClasses = now.classes == null ? Collections.<String>emptyList() : now.classes;
		if (!savedClasses.equals(nowClasses))
			throw new UnetException("output_folder " + folder + " holds a review of " + classes(savedClasses) + " but "
				+ (request.model != null ? "model " + request.model + " has " : "the predictions in " + request.predictions + " have ") + classes(nowClasses)
				+ ": give a model of " + classes(savedClasses) + " to resume it, or another output_folder for a new review");
	}

	/** A saved review continues only with what made its predictions and a stack of its size. */
	private static void checkSameReview(ReviewRequest request, ReviewSession.State saved, ReviewSession.State now) {
		Path folder = request.trainingSet.folder;
		if (!saved.source.equals(now.source)) {
			String was = saved.modelFile != null ? "model " + saved.modelFile : "the predictions in " + saved.predictionsFolder;
			String is = request.model != null ? "model " + request.model + (saved.modelFile != null && Path.of(saved.modelFile).toAbsolutePath()
				.equals(request.model.toAbsolutePath()) ? " (the file has changed since)" : "") : "the predictions in " + request.predictions;
			throw new UnetException("output_folder " + folder + " holds the review of " + was + ", not of " + is
				+ ": give that model to resume it, or another output_folder for a new review");
		}
		if (saved.slices != now.slices || saved.width != now.width || saved.height != now.height || saved.order.size() != saved.slices)
			throw new UnetException("output_folder " + folder + " holds the review of " + saved.image + " (" + saved.slices + " slices of " + saved.width + "x"
				+ saved.height + ") but " + now.image + " has " + now.slices + " slices of " + now.width + "x" + now.height
				+ ": open that stack to resume, or give another output_folder");
	}

	/** Segments the stack as Segment with UNet does; the network's uncertainty map when it has one, else the entropy. */
	private static double[] predict(ReviewRequest request, ReviewSession.Stack stack, SegmentationJob.Listener listener, List<List<Roi>> rois) {
		SegmentationJob.ImageResult result = SegmentationJob.run(request.segmentation, listener).images.get(0);
		int planes = result.slices;
		if (planes != stack.size())
			throw new IllegalStateException("segmented " + planes + " planes of a stack of " + stack.size());
		double[] scores = new double[planes];
		for (int p = 0; p < planes; p++) {
			rois.add(new ArrayList<>());
			float[] uncertainty = result.uncertainties.isEmpty() ? null : result.uncertainties.get(p);
			scores[p] = UncertaintyScore.forRanking(result.probabilities.get(p), uncertainty, result.masks.get(p), stack.width(), stack.height());
		}
		for (Roi roi : result.rois)
			rois.get(planes == 1 ? 0 : roi.getPosition() - 1).add(roi);
		return scores;
	}

	/**
	 * Reads each plane's {@code NAME_prob.tif} (and {@code NAME_uncertainty.tif}, {@code NAME_rois.zip}) as Segment Folder
	 * with UNet wrote them, NAME being the plane's sample name or its slice label (an image sequence's file name). ROIs
	 * may also be in the stack's one {@code NAME_rois.zip}; without any, the objects come from the probability.
	 */
	private static double[] readPredictions(ReviewRequest request, ReviewSession.Stack stack, List<List<Roi>> rois) {
		Path folder = request.predictions;
		int planes = stack.size(), w = stack.width(), h = stack.height();
		String stackName = ImageFiles.baseName(Path.of(stack.title));
		Path stackRois = folder.resolve(stackName + "_rois.zip");
		List<Roi> ofStack = Files.isRegularFile(stackRois) && planes > 1 ? RoiSets.read(stackRois) : Collections.<Roi>emptyList();
		double[] scores = new double[planes];
		for (int p = 0; p < planes; p++) {
			List<String> names = new ArrayList<>();
			names.add(stack.names.get(p));
			if (stack.labels.get(p) != null && !names.contains(stack.labels.get(p)))
				names.add(stack.labels.get(p));
			String name = null;
			for (String n : names)
				if (Files.isRegularFile(folder.resolve(n + "_prob.tif"))) {
					name = n;
					break;
				}
			if (name == null)
				throw new UnetException("predictions_folder " + folder + " has no " + String.join("_prob.tif or ", names) + "_prob.tif for slice " + (p + 1)
					+ " of " + stack.title + ": give the folder Segment Folder with UNet wrote for these images");
			float[] probability = readMap(folder.resolve(name + "_prob.tif"), w, h, stack.title);
			Path u = folder.resolve(name + "_uncertainty.tif");
			float[] uncertainty = Files.isRegularFile(u) ? readMap(u, w, h, stack.title) : null;
			List<Roi> planeRois = new ArrayList<>();
			Path own = folder.resolve(name + "_rois.zip");
			if (Files.isRegularFile(own))
				planeRois.addAll(RoiSets.read(own));
			else
				for (Roi r : ofStack)
					if (r.getPosition() == p + 1)
						planeRois.add(r);
			byte[] mask;
			if (planeRois.isEmpty() && !Files.isRegularFile(own) && ofStack.isEmpty()) {
				MaskPostprocessing.Result objects = MaskPostprocessing.process(probability, w, h, request.postprocessing);
				planeRois.addAll(RoiConversion.toRois(objects.labels(), objects.objects(), planes > 1 ? p + 1 : 0, stackName));
				mask = objects.mask();
			} else
				mask = RoiConversion.toMask(planeRois, w, h);
			for (Roi r : planeRois)
				r.setPosition(planes > 1 ? p + 1 : 0);
			rois.add(planeRois);
			scores[p] = UncertaintyScore.forRanking(probability, uncertainty, mask, w, h);
		}
		return scores;
	}

	private static float[] readMap(Path file, int w, int h, String title) {
		org.lesionseg.unet.core.data.LoadedImage map = ImageFiles.read(file);
		if (map.width() != w || map.height() != h)
			throw new UnetException(file + " is " + map.width() + "x" + map.height() + " but the slices of " + title + " are " + w + "x" + h
				+ ": give the predictions of these images");
		return map.plane(0);
	}

	/** The original set's label masks hold the model's classes only: one line naming the first mask that does not. */
	private static void checkLabels(LabelledImages original, TrainingSettings s, ReviewRequest request) {
		for (Sample sample : original.samples) {
			int max = 0;
			for (byte b : sample.maskData())
				max = Math.max(max, b & 0xff);
			if (max > s.classes)
				throw new UnetException("training_folder " + request.trainingFolder + " has the mask " + sample.name() + " with label " + max + " but model "
					+ request.model.getFileName() + " has " + s.classes + " classes (" + String.join(", ", s.classNames)
					+ "): give the training set of this model (label masks 0.." + s.classes + ")");
		}
	}

	/**
	 * Continues training the reviewed model on the training set folder's pairs (the accepted slices) and, when given,
	 * the original training set, with the model's own settings for the request's epochs and augmentation (none unless asked for); nothing is held back (the
	 * corrected slices are few). Writes the request's new model file; the reviewed model stays as it is.
	 *
	 * @param listener the progress, as Train UNet shows it
	 * @param cancel   set to stop at the next batch and keep the best model so far
	 * @throws UnetException when no slice was accepted, or the sets do not go together
	 */
	public static TrainingJob.Outcome fineTune(ReviewSession session, TrainingListener listener, AtomicBoolean cancel) {
		ReviewRequest request = session.request();
		if (request.model == null)
			throw new UnetException("fine-tuning continues training a model: give model_file (the review used predictions alone)");
		if (session.count(ReviewSession.Decision.ACCEPTED) == 0 || TrainingSetJob.imageCount(request.trainingSet.folder) == 0)
			throw new UnetException("no slice is accepted yet: accept the slices whose ROIs are right (or corrected) before fine-tuning");
		ModelInfo info = ModelFile.readInfo(request.model);
		if (info.settings == null)
			throw new UnetException(request.model + " records no training settings to continue with: fine-tune it with Train UNet's initial_model");
		TrainingSettings s = Json.GSON.fromJson(Json.GSON.toJson(info.settings), TrainingSettings.class);
		Normalization normalization = Normalization.fromName(s.normalization);
		// a model of several classes learns from the accepted label masks (and the original set's) as they are
		MaskPolicy policy = MultiClassData.maskPolicy(s, MaskPolicy.STRICT);
		LabelledImages accepted = LabelledImages.fromFolders(request.trainingSet.imagesDir(), request.trainingSet.masksDir(), Pairing.BY_NAME, policy,
			normalization);
		LabelledImages images = accepted;
		if (request.trainingFolder != null) {
			LabelledImages original = LabelledImages.fromFolders(request.trainingFolder.resolve("images"), request.trainingFolder.resolve("masks"),
				Pairing.BY_NAME, policy, normalization);
			if (policy == MaskPolicy.LABELS)
				checkLabels(original, s, request);
			if (original.bitDepth != accepted.bitDepth)
				throw new UnetException("training_folder holds " + original.bitDepth + "-bit images but the reviewed stack is " + accepted.bitDepth
					+ "-bit: give the training set of this kind of image");
			List<Sample> both = new ArrayList<>(original.samples);
			both.addAll(accepted.samples);
			List<String> warnings = new ArrayList<>(original.warnings);
			warnings.addAll(accepted.warnings);
			images = new LabelledImages(both, accepted.bitDepth, false, warnings);
			images.rawStats = original.rawStats;
		}
		s.epochs = request.epochs;
		if (request.augment != null)
			s.augment = request.augment;
		s.valFraction = 0;
		s.testFraction = 0;
		s.patience = 0;
		s.batchSize = Math.max(1, Math.min(s.batchSize, images.samples.size()));
		s.device = request.device;
		if (listener != null)
			listener.message("fine-tuning " + request.model.getFileName() + " on " + images.samples.size() + " images (" + accepted.samples.size()
				+ " accepted) for " + s.epochs + " epochs, augmentation " + s.augment + " -> " + request.tunedModel);
		return TrainingJob.run(images, TrainingConfig.of(s), request.tunedModel, request.model, false, null, listener, cancel);
	}
}
