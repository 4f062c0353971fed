package org.lesionseg.unet.workflow;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.data.ImageFiles;
import org.lesionseg.unet.core.io.AtomicFiles;
import org.lesionseg.unet.core.io.CsvWriter;
import org.lesionseg.unet.core.io.Json;

import ij.gui.Roi;
import ij.measure.Calibration;
import ij.process.ImageProcessor;

/**
 * A review in progress: the slices of one stack ranked most-uncertain first, each with its predicted ROIs, and the
 * decisions so far. Accepting a slice writes its image with the mask of the ROIs the user kept into the training set
 * folder at once (atomically); rejecting takes an earlier accepted version out. After every decision the state
 * ({@value #STATE_FILE}: what predicted, order, scores, decisions) is saved in that folder, so a review can stop at any
 * time and resume ({@link ReviewJob#open}).
 */
public final class ReviewSession {

	public static final String STATE_FILE = "review.json";

	public enum Decision {
		OPEN, ACCEPTED, REJECTED
	}

	/** The stack under review as the ImageJ layer hands it over: one processor per (z, t) plane, with its sample name. */
	public static final class Stack {
		final String title;
		final List<String> names;
		final List<String> labels;
		final List<ImageProcessor> planes;
		final int bitDepth;
		final boolean rgb;
		final Calibration calibration;

		/**
		 * @param names  sample names ({@code brain_s003}), as Segment with UNet names the planes
		 * @param labels the planes' slice labels without extension (an image sequence's file names), null where none
		 */
		public Stack(String title, List<String> names, List<String> labels, List<ImageProcessor> planes, int bitDepth, boolean rgb, Calibration calibration) {
			this.title = title;
			this.names = new ArrayList<>(names);
			this.labels = new ArrayList<>(labels);
			this.planes = new ArrayList<>(planes);
			this.bitDepth = bitDepth;
			this.rgb = rgb;
			this.calibration = calibration;
		}

		public int size() {
			return planes.size();
		}

		int width() {
			return planes.isEmpty() ? 0 : planes.get(0).getWidth();
		}

		int height() {
			return planes.isEmpty() ? 0 : planes.get(0).getHeight();
		}
	}

	/** What review.json holds. */
	static final class State {
		int version = 1;
		/** "model SHA-256" or "predictions PATH": a review continues only with the same. */
		String source;
		String modelFile;
		String predictionsFolder;
		String image;
		int slices;
		int width;
		int height;
		/** 1-based slices, most uncertain first. */
		List<Integer> order = new ArrayList<>();
		List<Double> scores = new ArrayList<>();
		/** 1-based slice → accepted / rejected. */
		Map<String, String> decisions = new LinkedHashMap<>();
		/** Rank (0-based) of the slice on show when the review stopped. */
		int position;
		/** The K class names of a review of several classes (its masks are label masks 1..K); absent for binary. */
		List<String> classes;
	}

	private final ReviewRequest request;
	private final Stack stack;
	private final List<List<Roi>> predicted;
	private final double[] scores;
	private final int[] order;
	private final Decision[] decisions;
	private final State state;
	/** The K classes of a multi-class review (label masks), empty for binary; their colours (#rrggbb) or null. */
	private final List<String> classNames;
	private final List<String> classColours;
	private int position;

	ReviewSession(ReviewRequest request, Stack stack, List<List<Roi>> predicted, double[] scores, int[] order, State state, List<String> classNames,
		List<String> classColours) {
		this.request = request;
		this.classNames = Collections.unmodifiableList(new ArrayList<>(classNames));
		this.classColours = classColours == null ? null : Collections.unmodifiableList(new ArrayList<>(classColours));
		this.stack = stack;
		this.predicted = predicted;
		this.scores = scores;
		this.order = order;
		this.state = state;
		this.decisions = new Decision[stack.size()];
		Arrays.fill(decisions, Decision.OPEN);
		for (Map.Entry<String, String> d : state.decisions.entrySet())
			decisions[Integer.parseInt(d.getKey()) - 1] = Decision.valueOf(d.getValue().toUpperCase(Locale.ROOT));
		this.position = Math.max(0, Math.min(order.length - 1, state.position));
	}

	public ReviewRequest request() {
		return request;
	}

	public String title() {
		return stack.title;
	}

	public int slices() {
		return stack.size();
	}

	/** Whether the masks are label masks of several classes ({@link #acceptLabels}), not 0/1 masks ({@link #accept}). */
	public boolean isMultiClass() {
		return !classNames.isEmpty();
	}

	/** The K class names (labels 1..K) of a multi-class review; empty for binary. */
	public List<String> classNames() {
		return classNames;
	}

	/** The K class colours (#rrggbb) of a multi-class review, or null for the palette. */
	public List<String> classColours() {
		return classColours;
	}

	/** The 0-based planes, most uncertain first. */
	public int[] order() {
		return order.clone();
	}

	/** The sample name of a 0-based plane, also its file name in the training set. */
	public String name(int plane) {
		return stack.names.get(plane);
	}

	public double score(int plane) {
		return scores[plane];
	}

	/** Copies of the predicted ROIs of a 0-based plane, placed on it. */
	public List<Roi> predictedRois(int plane) {
		List<Roi> copies = new ArrayList<>();
		for (Roi r : predicted.get(plane))
			copies.add((Roi) r.clone());
		return copies;
	}

	/** Every predicted ROI, plane by plane. */
	public List<Roi> allPredictedRois() {
		List<Roi> all = new ArrayList<>();
		for (int p = 0; p < predicted.size(); p++)
			all.addAll(predictedRois(p));
		return all;
	}

	public Decision decision(int plane) {
		return decisions[plane];
	}

	/** The rank (0-based) on show. */
	public int position() {
		return position;
	}

	public void position(int rank) {
		position = Math.max(0, Math.min(order.length - 1, rank));
	}

	public int count(Decision decision) {
		int n = 0;
		for (Decision d : decisions)
			if (d == decision)
				n++;
		return n;
	}

	/** The next rank after {@code rank} whose slice is still open, or -1 when every slice is decided. */
	public int nextOpen(int rank) {
		for (int i = 1; i <= order.length; i++) {
			int r = (rank + i) % order.length;
			if (decisions[order[r]] == Decision.OPEN)
				return r;
		}
		return -1;
	}

	/**
	 * Accepts a plane with its corrected mask: image and mask go into the training set (replacing an earlier version),
	 * then the state is saved.
	 *
	 * @param mask01 the plane's mask (non-zero = lesion), drawn from the ROIs the user kept
	 */
	public void accept(int plane, byte[] mask01) {
		if (isMultiClass())
			throw new IllegalStateException("a review of " + classNames.size() + " classes accepts label masks: acceptLabels");
		checkPlane(plane);
		write(plane, new TrainingSetJob.Plane(stack.names.get(plane), stack.planes.get(plane), mask01));
	}

	/**
	 * Accepts a plane of a multi-class review with its corrected label mask (0 background, 1..K by each ROI's class):
	 * written as it is, so that a fine-tuning reads the classes back.
	 *
	 * @throws UnetException for a label beyond the review's classes
	 */
	public void acceptLabels(int plane, byte[] labels) {
		if (!isMultiClass())
			throw new IllegalStateException("a binary review accepts 0/1 masks: accept");
		checkPlane(plane);
		org.lesionseg.unet.core.data.LabelClasses.of(classNames.size(), classNames, classColours).checkLabels(labels, "of slice " + (plane + 1));
		write(plane, TrainingSetJob.Plane.withLabels(stack.names.get(plane), stack.planes.get(plane), labels));
	}

	private void write(int plane, TrainingSetJob.Plane p) {
		TrainingSetJob.run(request.trainingSet, new TrainingSetJob.Image(stack.title, Collections.singletonList(p), 1, stack.bitDepth, stack.rgb, stack.calibration));
		decisions[plane] = Decision.ACCEPTED;
		save();
	}

	/** Rejects a plane: it is not (or no longer) in the training set. */
	public void reject(int plane) {
		checkPlane(plane);
		String name = TrainingSetJob.fileName(stack.names.get(plane));
		for (Path dir : new Path[] { request.trainingSet.imagesDir(), request.trainingSet.masksDir() })
			for (String ext : ImageFiles.supportedExtensions())
				delete(dir.resolve(name + "." + ext));
		decisions[plane] = Decision.REJECTED;
		save();
	}

	private void checkPlane(int plane) {
		if (plane < 0 || plane >= stack.size())
			throw new UnetException("slice " + (plane + 1) + " does not exist: " + stack.title + " has " + stack.size() + " slice(s)");
	}

	private static void delete(Path file) {
		try {
			Files.deleteIfExists(file);
		} catch (IOException e) {
			throw new UnetException("cannot take " + file + " out of the training set: " + e.getMessage());
		}
	}

	/** Writes the state into the training set folder (atomically). */
	public void save() {
		state.decisions.clear();
		for (int p = 0; p < decisions.length; p++)
			if (decisions[p] != Decision.OPEN)
				state.decisions.put(Integer.toString(p + 1), decisions[p].name().toLowerCase(Locale.ROOT));
		state.position = position;
		byte[] json = Json.GSON.toJson(state).getBytes(StandardCharsets.UTF_8);
		AtomicFiles.prepareFolder(request.trainingSet.folder, "training set");
		AtomicFiles.write(request.trainingSet.folder.resolve(STATE_FILE), out -> out.write(json));
	}

	/** The ranking as a CSV: rank, slice (1-based), name, score, predicted objects, decision. */
	public void writeRanking(Path csv) {
		List<List<?>> rows = new ArrayList<>();
		for (int r = 0; r < order.length; r++) {
			int p = order[r];
			rows.add(Arrays.asList(r + 1, p + 1, stack.names.get(p), CsvWriter.number(scores[p]), predicted.get(p).size(),
				decisions[p].name().toLowerCase(Locale.ROOT)));
		}
		CsvWriter.write(csv, Arrays.asList("rank", "slice", "name", "score", "objects", "decision"), rows);
	}
}
