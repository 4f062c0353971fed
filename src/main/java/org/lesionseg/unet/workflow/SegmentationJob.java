package org.lesionseg.unet.workflow;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.data.DatasetFolders;
import org.lesionseg.unet.core.data.DatasetLoader;
import org.lesionseg.unet.core.data.ImageFiles;
import org.lesionseg.unet.core.data.LoadedImage;
import org.lesionseg.unet.core.predict.MaskPostprocessing;
import org.lesionseg.unet.core.predict.SegmentedObject;
import org.lesionseg.unet.core.predict.Segmenter;
import org.lesionseg.unet.core.io.AtomicFiles;
import org.lesionseg.unet.core.io.CsvWriter;
import org.lesionseg.unet.ij.RoiConversion;
import org.lesionseg.unet.ij.RoiSets;

import ij.gui.Roi;

/**
 * Segments image files with a model and writes, per image, the probability map (32-bit TIFF), the mask
 * (8-bit PNG, 0/255) and the objects as an ImageJ ROI set, plus one {@code objects.csv} for all images. This is
 * the batch job of macros, scripts, servers and the command line: it opens no window.
 */
public final class SegmentationJob {

	/** Which files to write. */
	public static final class Outputs {
		public boolean probability = true;
		public boolean mask = true;
		public boolean rois = true;
	}

	/** One image's result summary. */
	public static final class ImageResult {
		public final String name;
		public final int slices;
		public final int objects;
		public final long foregroundPixels;
		/** The image's channels (1 grey, 3 RGB), which the segmenter converts to the model's when they differ. */
		public final int channels;

		ImageResult(String name, int slices, int objects, long foregroundPixels, int channels) {
			this.name = name;
			this.slices = slices;
			this.objects = objects;
			this.foregroundPixels = foregroundPixels;
			this.channels = channels;
		}
	}

	/** Called after each image. */
	public interface Progress {
		void imageDone(int done, int total, ImageResult result);
	}

	public static final List<String> OBJECTS_HEADER = java.util.Arrays.asList("image", "slice", "object", "area_px", "centroid_x", "centroid_y",
		"mean_probability", "max_probability", "bx", "by", "bwidth", "bheight");

	private SegmentationJob() {
	}

	public static List<ImageResult> run(Segmenter segmenter, Path input, Path outputDir, MaskPostprocessing.Options options, Outputs outputs,
		Progress progress) {
		return run(segmenter, DatasetFolders.listImages(input), outputDir, options, outputs, progress);
	}

	/** Segments the given files; the first file that cannot be read ends the job (see the overload that skips them). */
	public static List<ImageResult> run(Segmenter segmenter, List<Path> files, Path outputDir, MaskPostprocessing.Options options, Outputs outputs,
		Progress progress) {
		return run(segmenter, files, outputDir, options, outputs, progress, null);
	}

	/**
	 * Segments the given files. With {@code unreadable} given, a file that cannot be read (corrupt, truncated, not
	 * an image) is skipped and its one-line reason added there, so that one bad file among many does not cost the
	 * results of the others; without it, such a file ends the job. {@code objects.csv} is written for the images
	 * done even when the job stops on an error.
	 *
	 * @param unreadable receives "file: reason" for each skipped file, or null to stop at the first one
	 */
	public static List<ImageResult> run(Segmenter segmenter, List<Path> files, Path outputDir, MaskPostprocessing.Options options, Outputs outputs,
		Progress progress, List<String> unreadable) {
		AtomicFiles.prepareFolder(outputDir, "output");
		List<ImageResult> results = new ArrayList<>();
		List<List<Object>> objectRows = new ArrayList<>();
		boolean finished = false;
		try {
			for (int i = 0; i < files.size(); i++) {
				Path file = files.get(i);
				LoadedImage image;
				try {
					image = ImageFiles.read(file);
				} catch (UnetException e) {
					if (unreadable == null)
						throw e;
					unreadable.add(e.getMessage());
					continue;
				}
				ImageResult result = segmentOne(segmenter, image, outputDir, options, outputs, objectRows);
				results.add(result);
				if (progress != null)
					progress.imageDone(i + 1, files.size(), result);
			}
			finished = true;
		} finally {
			if (!finished && !objectRows.isEmpty())
				writeObjectsAfterFailure(outputDir, objectRows);
		}
		CsvWriter.write(outputDir.resolve("objects.csv"), OBJECTS_HEADER, objectRows);
		return results;
	}

	/** Keeps the objects of the images done when a later image fails; the original error is what the user must see. */
	private static void writeObjectsAfterFailure(Path outputDir, List<List<Object>> objectRows) {
		try {
			CsvWriter.write(outputDir.resolve("objects.csv"), OBJECTS_HEADER, objectRows);
		} catch (RuntimeException ignored) {
			// the error that stopped the job is reported; this one would hide it
		}
	}

	private static ImageResult segmentOne(Segmenter segmenter, LoadedImage image, Path outputDir, MaskPostprocessing.Options options, Outputs outputs,
		List<List<Object>> objectRows) {
		int w = image.width(), h = image.height();
		List<Roi> rois = new ArrayList<>();
		int objects = 0;
		long foreground = 0;
		for (int z = 0; z < image.slices(); z++) {
			String sliceName = DatasetLoader.sliceName(image.name(), z, image.slices());
			Segmenter.Result r = segmenter.segment(sliceName, image.plane(z), w, h, image.channels(), image.bitDepth(), options);
			if (outputs.probability)
				ImageFiles.writeTiffFloat(outputDir.resolve(sliceName + "_prob.tif"), r.probability, w, h);
			byte[] mask255 = new byte[w * h];
			for (int p = 0; p < mask255.length; p++)
				if (r.mask()[p] != 0) {
					mask255[p] = (byte) 255;
					foreground++;
				}
			if (outputs.mask)
				ImageFiles.writePng8(outputDir.resolve(sliceName + "_mask.png"), mask255, w, h);
			rois.addAll(RoiConversion.toRois(r.processed.labels(), r.objects(), image.slices() > 1 ? z + 1 : 0, image.name()));
			for (SegmentedObject o : r.objects())
				objectRows.add(java.util.Arrays.asList(image.name(), z + 1, o.label(), o.area(), o.centroidX(), o.centroidY(), o.meanProbability(),
					o.maxProbability(), o.boundsX(), o.boundsY(), o.boundsWidth(), o.boundsHeight()));
			objects += r.objects().size();
		}
		if (outputs.rois)
			RoiSets.write(outputDir.resolve(image.name() + "_rois.zip"), rois);
		return new ImageResult(image.name(), image.slices(), objects, foreground, image.channels());
	}

}
