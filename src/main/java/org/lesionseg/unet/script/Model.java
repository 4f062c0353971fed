package org.lesionseg.unet.script;

import java.io.File;
import java.util.Collections;
import java.util.Map;

import org.lesionseg.unet.core.predict.Segmenter;
import org.lesionseg.unet.ij.ImagePlanes;
import org.lesionseg.unet.workflow.SegmentRequest;
import org.lesionseg.unet.workflow.SegmentationJob;
import org.lesionseg.unet.workflow.Spelling;
import org.lesionseg.unet.workflow.options.Option;
import org.lesionseg.unet.workflow.options.OptionValues;
import org.lesionseg.unet.workflow.options.SegmentOptions;
import org.lesionseg.unet.workflow.sources.ImageSource;
import org.lesionseg.unet.workflow.sources.SourceImage;

import ij.ImagePlus;

/**
 * A model loaded once for many segmentations: one of ours, a TorchScript file or a bioimage.io package
 * ({@link UNet#model}). Every call makes a request from the settings through the same registries as Segment with UNet
 * and Segment Folder with UNet, and runs the same job on the loaded network. Close it to free the network's memory.
 */
public final class Model implements AutoCloseable {

	private final String path;
	private final Map<String, String> settings;
	private final Segmenter segmenter;

	Model(String path, Map<String, String> settings) {
		this.path = path;
		this.settings = settings;
		// checked and loaded as a request for an open image would be
		this.segmenter = request(Collections.emptyMap(), ImageSource.of("no image", Collections.emptyList())).prediction().segmenter();
	}

	private SegmentRequest request(Map<String, String> extra, ImageSource source) {
		Map<String, String> values = Settings.with(settings, "model_file", path);
		values.putAll(extra);
		OptionValues parsed = SegmentOptions.OPEN_IMAGE.parse(values, Option.Where.FIJI);
		return SegmentRequest.of(parsed, source, Spelling.MACRO);
	}

	/** What the network is: "UNet model file", "TorchScript file ...", "bioimage.io package ...". */
	public String description() {
		return segmenter.source();
	}

	/** The device line (CPU or GPU, engine versions). */
	public String device() {
		return segmenter.deviceDescription();
	}

	/** Segments an image or stack with this model's settings. */
	public Segmentation segment(ImagePlus image) {
		return segment(image, null);
	}

	/** Segments an image or stack; {@code settings} override the model's (threshold, min_size, fill_holes, tile, ...). */
	public Segmentation segment(ImagePlus image, Object settings) {
		ImageSource source = ImageSource.of(image.getTitle(), Collections.singletonList(new SourceImage(ImagePlanes.of(image), ImagePlanes.calibration(image))));
		SegmentationJob.Outcome outcome = SegmentationJob.run(segmenter, request(Settings.of(settings), source), new SegmentationJob.Listener() {
		});
		return new Segmentation(image, outcome.images.get(0));
	}

	/**
	 * Segments every image of a folder (or one file) into an output folder, as Segment Folder with UNet does:
	 * NAME_prob.tif, NAME_mask.png, NAME_rois.zip and objects.csv.
	 */
	public SegmentationJob.Outcome segmentFolder(Object input, Object output) {
		return segmentFolder(input, output, null);
	}

	public SegmentationJob.Outcome segmentFolder(Object input, Object output, Object settings) {
		Map<String, String> values = Settings.with(settings, "model_file", path, "input_folder", text(input), "output_folder", text(output));
		for (Map.Entry<String, String> e : this.settings.entrySet())
			values.putIfAbsent(e.getKey(), e.getValue());
		OptionValues parsed = SegmentOptions.FILES.parse(values, Option.Where.FIJI);
		return SegmentationJob.run(segmenter, SegmentRequest.of(parsed, Spelling.MACRO), new SegmentationJob.Listener() {
		});
	}

	static String text(Object fileOrPath) {
		return fileOrPath instanceof File ? ((File) fileOrPath).getPath() : String.valueOf(fileOrPath);
	}

	@Override
	public void close() {
		segmenter.close();
	}
}
