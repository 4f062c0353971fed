package org.lesionseg.unet.workflow;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.data.DatasetFolders;
import org.lesionseg.unet.core.data.DatasetLoader;
import org.lesionseg.unet.core.data.MaskPolicy;
import org.lesionseg.unet.core.data.ImageFiles;
import org.lesionseg.unet.core.data.LoadedImage;
import org.lesionseg.unet.core.io.CsvWriter;
import org.lesionseg.unet.core.metrics.ConfusionCounts;
import org.lesionseg.unet.core.metrics.ClassMetrics;
import org.lesionseg.unet.core.metrics.ClassMetricsSummary;
import org.lesionseg.unet.core.metrics.ImageMetrics;
import org.lesionseg.unet.core.metrics.MetricsCsv;
import org.lesionseg.unet.core.predict.ObjectTable;
import org.lesionseg.unet.core.predict.SegmentedObject;
import org.lesionseg.unet.core.predict.Segmenter;
import org.lesionseg.unet.core.predict.UncertaintyScore;
import org.lesionseg.unet.core.predict.UncertaintyTable;
import org.lesionseg.unet.ij.RoiConversion;
import org.lesionseg.unet.ij.RoiSets;
import org.lesionseg.unet.workflow.sources.SourceImage;

import ij.gui.Roi;

/**
 * Segments the images of a {@link SegmentRequest}: image files and open images alike, plane by plane, with one object
 * schema ({@link ObjectTable}). With an output folder it writes, per plane, the probability map ({@code NAME_prob.tif}, the
 * uncertainty map of a diffusion model or of test-time augmentation {@code NAME_uncertainty.tif},
 * 32-bit) and the mask ({@code NAME_mask.png}, 0/255), per image the ROI set ({@code NAME_rois.zip}), and one
 * {@code objects.csv} (with uncertainty maps also {@code uncertainty.csv}, one {@link UncertaintyScore} per slice);
 * without one it keeps the planes and ROIs in the results for the caller to show. It opens no window.
 */
public final class SegmentationJob {

	/** The per-slice uncertainty scores of a run with uncertainty maps (a sharded run's are joined by the last shard or the merge). */
	public static final String UNCERTAINTY_CSV = "uncertainty.csv";

	/** Where the run's slice scores were written: its {@link #UNCERTAINTY_CSV}, or null (no maps, no folder, shards still running). */
	public static Path uncertaintyCsv(SegmentRequest request, Outcome outcome) {
		if (request.output() == null)
			return null;
		if (request.shard() != null)
			return outcome.merged == null ? null : outcome.merged.uncertaintyCsv;
		Path csv = request.output().resolve(UNCERTAINTY_CSV);
		return java.nio.file.Files.isRegularFile(csv) ? csv : null;
	}

	/** The columns of {@code objects.csv} for images without calibration (files always are). */
	public static final List<String> OBJECTS_HEADER = ObjectTable.PIXEL_COLUMNS;

	/** One image's result. */
	public static final class ImageResult {
		public final String name;
		public final int slices;
		public final int objects;
		public final long foregroundPixels;
		/** The image's channels (1 grey, 3 RGB), which the segmenter converts to the model's when they differ. */
		public final int channels;
		/** Per plane, when the request has no output folder; empty otherwise. */
		public final List<float[]> probabilities;
		/**
		 * Per-plane uncertainty maps (standard deviation over a diffusion model's samples or test-time augmentation's
		 * predictions), when kept; empty otherwise.
		 */
		public final List<float[]> uncertainties;
		/** With uncertainty maps, each plane's {@link UncertaintyScore}; empty otherwise. */
		public final UncertaintyTable uncertainty;
		/** Per plane 0/1 masks, when the request has no output folder; empty otherwise. */
		public final List<byte[]> masks;
		/** One ROI per object, in plane order, when the request has no output folder; empty otherwise. */
		public final List<Roi> rois;
		/** A multi-class model's per-plane label images and class maps ({@code ClassMaps}), when kept; empty otherwise. */
		public final List<byte[]> classLabels = new ArrayList<>();
		public final List<float[][]> classMaps = new ArrayList<>();

		ImageResult(String name, int slices, int objects, long foregroundPixels, int channels, List<float[]> probabilities, List<float[]> uncertainties,
			UncertaintyTable uncertainty, List<byte[]> masks, List<Roi> rois) {
			this.uncertainties = Collections.unmodifiableList(uncertainties);
			this.uncertainty = uncertainty;
			this.name = name;
			this.slices = slices;
			this.objects = objects;
			this.foregroundPixels = foregroundPixels;
			this.channels = channels;
			this.probabilities = Collections.unmodifiableList(probabilities);
			this.masks = Collections.unmodifiableList(masks);
			this.rois = Collections.unmodifiableList(rois);
		}

		/**
		 * For the image's line in a log: "" without uncertainty maps, else its uncertainty score (for a stack the
		 * highest of its slices, named).
		 */
		public String uncertaintySummary() {
			List<UncertaintyTable.Row> ranked = uncertainty.mostUncertainFirst();
			if (ranked.isEmpty())
				return "";
			UncertaintyTable.Row top = ranked.get(0);
			return String.format(java.util.Locale.ROOT, ", uncertainty score %.4f%s", top.score.score(),
				slices > 1 ? " (highest: slice " + top.slice + " of " + slices + ")" : "");
		}
	}

	/** What a run gives: one result per image segmented, the objects of all, and the files that could not be read. */
	public static final class Outcome {
		public final List<ImageResult> images;
		public final ObjectTable objects;
		public final List<String> unreadable;
		/** Of a shard: the images of the shard found done by an earlier run and skipped. */
		public final int alreadyDone;
		/** Of a shard: the joined results when this shard completed the run, else null (other shards still to finish). */
		public final ShardedOutput.Merged merged;
		/** Per slice segmented, its comparison with the true mask when the request has a masks folder; else empty. */
		public final List<ImageMetrics> metrics;
		/** A multi-class model's per-slice, per-class comparison with the true label images; else empty. */
		public final List<ClassMetrics> classMetrics = new ArrayList<>();
		/** Their summary per class (null without them). */
		public ClassMetricsSummary classSummary;

		Outcome(List<ImageResult> images, ObjectTable objects, List<String> unreadable, List<ImageMetrics> metrics) {
			this(images, objects, unreadable, 0, null, metrics);
		}

		Outcome(List<ImageResult> images, ObjectTable objects, List<String> unreadable, int alreadyDone, ShardedOutput.Merged merged,
			List<ImageMetrics> metrics) {
			this.metrics = Collections.unmodifiableList(metrics);
			this.images = Collections.unmodifiableList(images);
			this.objects = objects;
			this.unreadable = Collections.unmodifiableList(unreadable);
			this.alreadyDone = alreadyDone;
			this.merged = merged;
		}

		public int objectCount() {
			return objects.size();
		}

		/**
		 * One line naming the most uncertain slices (at most three) and the table of all, or null without uncertainty
		 * maps.
		 *
		 * @param csv where the scores were written, or null when they were not (a shard)
		 */
		public String rankingLine(Path csv) {
			List<UncertaintyTable.Row> ranked = uncertainty().mostUncertainFirst();
			if (ranked.isEmpty())
				return null;
			StringBuilder sb = new StringBuilder("most uncertain slices: ");
			for (int i = 0; i < Math.min(3, ranked.size()); i++) {
				UncertaintyTable.Row r = ranked.get(i);
				sb.append(i == 0 ? "" : ", ").append(r.image).append(sliceOf(r)).append(String.format(java.util.Locale.ROOT, " %.4f", r.score.score()));
			}
			return sb.append(csv == null ? "" : "; every slice's score in " + csv).toString();
		}

		private String sliceOf(UncertaintyTable.Row r) {
			for (ImageResult image : images)
				if (image.name.equals(r.image) && image.slices > 1)
					return " slice " + r.slice;
			return "";
		}

		/** Every slice's uncertainty score, in segmentation order; empty without uncertainty maps. */
		public UncertaintyTable uncertainty() {
			UncertaintyTable all = new UncertaintyTable();
			for (ImageResult r : images)
				all.addAll(r.uncertainty);
			return all;
		}
	}

	/** What the entry point hears while the job runs; every method may be left out. */
	public interface Listener {
		/** The model is loaded, before the first image. */
		default void started(Segmenter segmenter) {
		}

		/** A file could not be read ("file: reason"); it is skipped and the others are segmented. */
		default void skipped(String reason) {
		}

		/**
		 * Before each plane.
		 *
		 * @param image 0-based image, of {@code images}
		 * @param plane 0-based plane of the image, of {@code planes}
		 */
		default void planeStarting(int image, int images, int plane, int planes, String name) {
		}

		/** After each image. */
		default void imageDone(int done, int total, ImageResult result) {
		}

		/** A shard found this file's results complete from an earlier run and skips it. */
		default void alreadyDone(int done, int total, String fileName) {
		}

		/**
		 * An input whose raw intensities are far from the model's training data (said once per run, for the first such
		 * image, and once more at the end with how many others were).
		 */
		default void warning(String message) {
		}

		/** True to stop before the next plane; the job then throws {@link Stopped}. */
		default boolean stopRequested() {
			return false;
		}
	}

	/** Thrown when the listener asked to stop; the results of the images done are written. */
	public static final class Stopped extends UnetException {
		private static final long serialVersionUID = 1L;
		public final int imagesDone;

		Stopped(int imagesDone, int total, Path output) {
			super("stopped by the user after " + imagesDone + " of " + total + " images" + (output == null ? "" : "; their results are in " + output));
			this.imagesDone = imagesDone;
		}
	}

	/** Thrown after the job when files could not be read; the others were segmented and their results written. */
	public static final class Unreadable extends UnetException {
		private static final long serialVersionUID = 1L;
		/** What was done for the readable images. */
		public final transient Outcome outcome;

		Unreadable(String message, Outcome outcome) {
			super(message);
			this.outcome = outcome;
		}
	}

	private SegmentationJob() {
	}

	/**
	 * Prepares the output folder (before the model is loaded, so a wrong folder costs no time), loads the model and
	 * segments every image.
	 *
	 * @throws UnetException for the first fault the user can fix
	 * @throws Unreadable when files could not be read: they are skipped, the others segmented and {@code objects.csv}
	 *             written, then one error names the first of them
	 */
	public static Outcome run(SegmentRequest request, Listener listener) {
		request.prepareOutput();
		try (Segmenter segmenter = request.prediction().segmenter()) {
			listener.started(segmenter);
			return run(segmenter, request, listener);
		}
	}

	/** Segments with a model already loaded (the request's model file and device are not used again). */
	public static Outcome run(Segmenter segmenter, SegmentRequest request, Listener listener) {
		request.prepareOutput();
		if (request.shard() != null)
			return runShard(segmenter, request, listener);
		Path outputDir = request.output();
		int total = request.source().size();
		List<ImageResult> results = new ArrayList<>();
		ObjectTable objects = new ObjectTable();
		List<String> unreadable = new ArrayList<>();
		Map<String, Path> truth = truthMasks(request);
		List<ImageMetrics> metrics = new ArrayList<>();
		List<ClassMetrics> classMetrics = new ArrayList<>();
		boolean finished = false;
		InputCheck inputCheck = new InputCheck(segmenter.info());
		try {
			for (int i = 0; i < total; i++) {
				SourceImage image = readOrSkip(request, i, unreadable, listener);
				if (image == null)
					continue;
				String shift = inputCheck.check(image.pixels());
				if (shift != null)
					listener.warning(shift);
				ImageResult result = segmentOne(segmenter, image, request, objects, new ArrayList<>(), truthOf(truth, request, i), metrics, classMetrics, listener, i,
					total);
				results.add(result);
				listener.imageDone(i + 1, total, result);
			}
			finished = true;
			String more = inputCheck.more();
			if (more != null)
				listener.warning(more);
		} finally {
			if (!finished && outputDir != null && objects.size() > 0)
				writeObjectsAfterFailure(outputDir, objects);
		}
		if (outputDir != null)
			CsvWriter.write(outputDir.resolve("objects.csv"), objects.header(), objects.rows());
		if (truth != null)
			MetricsCsv.write(outputDir.resolve("metrics.csv"), metrics);
		ClassMetricsSummary classSummary = truth != null && segmenter.info().isMultiClass()
			? new ClassMetricsSummary(classMetrics, ClassOutputs.names(segmenter.info())) : null;
		if (classSummary != null)
			classSummary.write(outputDir);
		Outcome outcome = new Outcome(results, objects, unreadable, metrics);
		if (outputDir != null && segmenter.hasUncertainty()) {
			UncertaintyTable uncertainty = outcome.uncertainty();
			CsvWriter.write(outputDir.resolve(UNCERTAINTY_CSV), uncertainty.header(), uncertainty.rows());
		}
		outcome.classMetrics.addAll(classMetrics);
		outcome.classSummary = classSummary;
		if (!unreadable.isEmpty())
			throw new Unreadable(unreadable.size() + " of " + total + " images could not be segmented: " + unreadable.get(0)
				+ (unreadable.size() > 1 ? " (and " + (unreadable.size() - 1) + " more, listed above)" : "")
				+ (outputDir == null ? "" : "; the results of the others are in " + outputDir), outcome);
		return outcome;
	}

	/**
	 * Segments the request's shard of the sorted images, skipping those whose results an earlier run completed, and
	 * records each image when its files are written; the shard that finds every image done joins the objects.
	 */
	private static Outcome runShard(Segmenter segmenter, SegmentRequest request, Listener listener) {
		Path outputDir = request.output();
		int all = request.source().size();
		List<String> fileNames = new ArrayList<>(all);
		for (int i = 0; i < all; i++)
			fileNames.add(request.source().fileName(i));
		if (fileNames.contains(null))
			throw new UnetException("only image files can be segmented in shards: " + request.source().description() + " are not files");
		Shard shard = request.shard();
		ShardedOutput records = ShardedOutput.open(outputDir, fileNames, request.resultSettings(), shard.count);
		int from = shard.from(all), to = shard.to(all), total = to - from;
		List<ImageResult> results = new ArrayList<>();
		ObjectTable objects = new ObjectTable();
		List<String> unreadable = new ArrayList<>();
		Map<String, Path> truth = truthMasks(request);
		List<ImageMetrics> metrics = new ArrayList<>();
		InputCheck inputCheck = new InputCheck(segmenter.info());
		int skipped = 0;
		for (int i = from; i < to; i++) {
			String fileName = fileNames.get(i);
			if (records.isDone(fileName)) {
				skipped++;
				listener.alreadyDone(i - from + 1, total, fileName);
				continue;
			}
			SourceImage image = readOrSkip(request, i, unreadable, listener);
			if (image == null) {
				records.recordUnreadable(fileName, unreadable.get(unreadable.size() - 1));
				continue;
			}
			String shift = inputCheck.check(image.pixels());
			if (shift != null)
				listener.warning(shift);
			ObjectTable imageObjects = new ObjectTable();
			List<String> written = new ArrayList<>();
			List<ImageMetrics> imageMetrics = new ArrayList<>();
			ImageResult result = segmentOne(segmenter, image, request, imageObjects, written, truthOf(truth, request, i), imageMetrics, new ArrayList<>(), listener,
				i - from, total);
			records.recordDone(fileName, imageObjects, written, truth == null ? null : imageMetrics, segmenter.hasUncertainty() ? result.uncertainty : null);
			metrics.addAll(imageMetrics);
			objects.addAll(imageObjects);
			results.add(result);
			listener.imageDone(i - from + 1, total, result);
		}
		String more = inputCheck.more();
		if (more != null)
			listener.warning(more);
		ShardedOutput.Merged merged = records.missing().isEmpty() ? records.merge() : null;
		Outcome outcome = new Outcome(results, objects, unreadable, skipped, merged, metrics);
		if (!unreadable.isEmpty())
			throw new Unreadable(unreadable.size() + " of " + total + " images of shard " + shard + " could not be segmented: " + unreadable.get(0)
				+ (unreadable.size() > 1 ? " (and " + (unreadable.size() - 1) + " more, listed above)" : "") + "; the results of the others are in "
				+ outputDir, outcome);
		return outcome;
	}

	/** Image {@code index}, or null when it cannot be read: the reason is added to {@code unreadable} and told. */
	private static SourceImage readOrSkip(SegmentRequest request, int index, List<String> unreadable, Listener listener) {
		try {
			return request.source().read(index);
		} catch (UnetException e) {
			unreadable.add(e.getMessage());
			listener.skipped(e.getMessage());
			return null;
		}
	}

	/** Keeps the objects of the images done when a later image fails; the original error is what the user must see. */
	private static void writeObjectsAfterFailure(Path outputDir, ObjectTable objects) {
		try {
			CsvWriter.write(outputDir.resolve("objects.csv"), objects.header(), objects.rows());
		} catch (RuntimeException ignored) {
			// the error that stopped the job is reported; this one would hide it
		}
	}

	/** The true mask files by image base name; null without a masks folder. */
	private static Map<String, Path> truthMasks(SegmentRequest request) {
		return request.masks() == null ? null : DatasetFolders.masksByImageName(request.masks());
	}

	/** The true mask of image {@code index}, or null without a masks folder. */
	private static Path truthOf(Map<String, Path> truth, SegmentRequest request, int index) {
		if (truth == null)
			return null;
		String fileName = request.source().fileName(index);
		Path mask = truth.get(ImageFiles.baseName(java.nio.file.Paths.get(fileName)));
		if (mask == null)
			throw new UnetException("no mask for " + fileName + " in " + request.masks() + ": masks have the image's name, optionally with _mask");
		return mask;
	}

	/**
	 * Segments one image, adding its objects to {@code objects}, the names of the files it writes to {@code written}
	 * and, with a true mask, each plane's comparison to {@code metrics}.
	 */
	private static ImageResult segmentOne(Segmenter segmenter, SourceImage source, SegmentRequest request, ObjectTable objects, List<String> written,
		Path truthMask, List<ImageMetrics> metrics, List<ClassMetrics> classMetrics, Listener listener, int done, int total) {
		LoadedImage image = source.pixels();
		boolean classes = segmenter.info().isMultiClass();
		List<byte[]> truth = truthMask == null ? null : ImageFiles.readMaskStack(truthMask, classes ? MaskPolicy.LABELS : MaskPolicy.STRICT);
		if (truth != null && truth.size() != image.slices())
			throw new UnetException("mask " + truthMask + " has " + truth.size() + " slice(s), its image " + image.name() + " " + image.slices());
		Path outputDir = request.output();
		boolean keep = outputDir == null;
		int w = image.width(), h = image.height();
		List<Roi> rois = new ArrayList<>();
		List<float[]> probabilities = new ArrayList<>();
		List<float[]> uncertainties = new ArrayList<>();
		UncertaintyTable uncertainty = new UncertaintyTable();
		List<byte[]> masks = new ArrayList<>();
		List<byte[]> classLabels = new ArrayList<>();
		List<float[][]> classMaps = new ArrayList<>();
		int found = 0;
		long foreground = 0;
		for (int z = 0; z < image.slices(); z++) {
			if (listener.stopRequested())
				throw new Stopped(done, total, outputDir);
			String sliceName = DatasetLoader.sliceName(image.name(), z, image.slices());
			listener.planeStarting(done, total, z, image.slices(), sliceName);
			Segmenter.Result r = segmenter.segment(sliceName, image.plane(z), w, h, image.channels(), image.bitDepth(), request.prediction().postprocessing());
			byte[] mask = r.mask();
			if (truth != null) {
				if (truth.get(z).length != mask.length)
					throw new UnetException("mask " + truthMask + " is not the size of its image " + image.name() + " (" + w + "x" + h + ")");
				metrics.add(new ImageMetrics(sliceName, ConfusionCounts.of(mask, truth.get(z))));
				if (classes) {
					ClassOutputs.checkTruth(truth.get(z), segmenter.info(), truthMask.getFileName().toString());
					classMetrics.add(ClassMetrics.of(sliceName, r.classLabels, truth.get(z), segmenter.info().foregroundClasses()));
				}
			}
			long lesion = 0;
			for (byte b : mask)
				if (b != 0)
					lesion++;
			foreground += lesion;
			if (r.uncertainty != null)
				uncertainty.add(image.name(), z + 1, r.objects().size(), lesion, r.uncertaintyScore());
			if (keep) {
				probabilities.add(r.probability);
				if (r.uncertainty != null)
					uncertainties.add(r.uncertainty);
				masks.add(mask);
				if (classes) {
					classLabels.add(r.classLabels);
					classMaps.add(r.classMaps);
				}
			} else {
				if (classes)
					ClassOutputs.write(outputDir, written, sliceName, r, segmenter.info(), request.writeMask(), request.writeProbability());
				// the spread of a diffusion model's samples or of test-time augmentation: where the predictions disagree
				if (r.uncertainty != null)
					ImageFiles.writeTiffFloat(outputDir.resolve(wrote(written, sliceName + "_uncertainty.tif")), r.uncertainty, w, h);
				if (request.writeProbability())
					ImageFiles.writeTiffFloat(outputDir.resolve(wrote(written, sliceName + "_prob.tif")), r.probability, w, h);
				if (request.writeMask())
					ImageFiles.writePng8(outputDir.resolve(wrote(written, sliceName + "_mask.png")), mask255(mask), w, h);
			}
			if (classes) {
				List<Roi> classRois = ClassOutputs.objectsAndRois(r, segmenter.info(), image.name(), z + 1, image.slices(), objects, source.calibration());
				rois.addAll(classRois);
				found += classRois.size();
				continue;
			}
			rois.addAll(RoiConversion.toRois(r.processed.labels(), r.objects(), image.slices() > 1 ? z + 1 : 0, image.name()));
			for (SegmentedObject o : r.objects())
				objects.add(image.name(), z + 1, o, source.calibration());
			found += r.objects().size();
		}
		if (!keep && request.writeRois())
			RoiSets.write(outputDir.resolve(wrote(written, image.name() + "_rois.zip")), rois);
		ImageResult result = new ImageResult(image.name(), image.slices(), found, foreground, image.channels(), probabilities, uncertainties, uncertainty, masks,
			keep ? rois : Collections.<Roi>emptyList());
		result.classLabels.addAll(classLabels);
		result.classMaps.addAll(classMaps);
		return result;
	}

	private static String wrote(List<String> written, String fileName) {
		written.add(fileName);
		return fileName;
	}

	private static byte[] mask255(byte[] mask01) {
		byte[] mask255 = new byte[mask01.length];
		for (int p = 0; p < mask255.length; p++)
			if (mask01[p] != 0)
				mask255[p] = (byte) 255;
		return mask255;
	}
}
