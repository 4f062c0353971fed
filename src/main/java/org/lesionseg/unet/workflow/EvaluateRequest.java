package org.lesionseg.unet.workflow;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.data.MaskPolicy;
import org.lesionseg.unet.core.data.Normalization;
import org.lesionseg.unet.core.data.Pairing;
import org.lesionseg.unet.core.data.Sample;
import org.lesionseg.unet.core.io.AtomicFiles;
import org.lesionseg.unet.core.predict.MaskPostprocessing;
import org.lesionseg.unet.core.predict.TiledPredictor;
import org.lesionseg.unet.workflow.options.CommonOptions;
import org.lesionseg.unet.workflow.options.EvaluateOptions;

/**
 * Everything an evaluation needs, typed and checked once, whichever entry point asked for it (Evaluate UNet,
 * {@code unet evaluate}): the model file, the labelled images (two folders, or open images with their masks), the
 * report folder and metrics file (or none), how many panels to make, threshold / minimum size / hole filling, tiling
 * and device.
 */
public final class EvaluateRequest {

	/** Labelled images, read once the model says how to normalise them. */
	public interface Data {
		LabelledImages load(Normalization normalization);
	}

	private final Path model;
	private final Data data;
	private final Path report;
	private final Path metricsCsv;
	private final int panels;
	private final MaskPostprocessing.Options postprocessing;
	private final TiledPredictor.Options tiling;
	private final String device;

	private EvaluateRequest(Builder b, MaskPostprocessing.Options postprocessing, TiledPredictor.Options tiling) {
		this.model = b.model;
		this.data = b.data;
		this.report = b.report;
		this.metricsCsv = b.metricsCsv;
		this.panels = b.panels;
		this.postprocessing = postprocessing;
		this.tiling = tiling;
		this.device = b.device;
	}

	/** The image and mask files of two folders. */
	public static Data folders(Path images, Path masks, Pairing pairing, MaskPolicy policy) {
		return normalization -> LabelledImages.fromFolders(images, masks, pairing, policy, normalization);
	}

	/** Images in memory with their masks (e.g. open ImageJ images), raw values as stored. */
	public static Data samples(List<Sample> raw, int bitDepth) {
		List<Sample> copy = new ArrayList<>(raw);
		return normalization -> LabelledImages.fromSamples(copy, bitDepth, normalization);
	}

	public static Builder builder(Path model, Data data, Spelling spelling) {
		return new Builder(model, data, spelling);
	}

	public Path model() {
		return model;
	}

	public Data data() {
		return data;
	}

	/** The folder for {@code metrics.csv} and {@code panels/}, or null. */
	public Path report() {
		return report;
	}

	/** A metrics CSV file of its own (the command line's {@code --output}), or null. */
	public Path metricsCsv() {
		return metricsCsv;
	}

	/** How many image | truth | prediction panels to make. */
	public int panels() {
		return panels;
	}

	public MaskPostprocessing.Options postprocessing() {
		return postprocessing;
	}

	public TiledPredictor.Options tiling() {
		return tiling;
	}

	public String device() {
		return device;
	}

	/** Creates the report folder and the metrics file's folder, or says why they cannot be used; before the model loads. */
	void prepareOutput() {
		if (report != null)
			AtomicFiles.prepareFolder(report, "report");
		if (metricsCsv != null && metricsCsv.toAbsolutePath().getParent() != null)
			AtomicFiles.prepareFolder(metricsCsv.toAbsolutePath().getParent(), "metrics file");
	}

	/** Collects the values; {@link #build()} checks them all. */
	public static final class Builder {
		private final Path model;
		private final Data data;
		private final Spelling spelling;
		private Path report;
		private Path metricsCsv;
		private int panels = EvaluateOptions.PANEL_COUNT.defaultValue();
		// the registry's defaults, not copies of them
		private double threshold = CommonOptions.THRESHOLD.defaultValue();
		private int minSize = CommonOptions.MIN_SIZE.defaultValue();
		private boolean fillHoles = CommonOptions.FILL_HOLES.defaultValue();
		private int tile = CommonOptions.TILE.defaultValue();
		private int overlap = CommonOptions.OVERLAP.defaultValue();
		private int tileBatch = CommonOptions.TILE_BATCH.defaultValue();
		private String device = CommonOptions.DEVICE.defaultValue();

		private Builder(Path model, Data data, Spelling spelling) {
			this.model = model;
			this.data = data;
			this.spelling = spelling;
		}

		public Builder report(Path folder) {
			this.report = folder;
			return this;
		}

		public Builder metricsCsv(Path file) {
			this.metricsCsv = file;
			return this;
		}

		public Builder panels(int count) {
			this.panels = count;
			return this;
		}

		public Builder postprocessing(double threshold, int minSize, boolean fillHoles) {
			this.threshold = threshold;
			this.minSize = minSize;
			this.fillHoles = fillHoles;
			return this;
		}

		public Builder tiling(int tile, int overlap, int tileBatch) {
			this.tile = tile;
			this.overlap = overlap;
			this.tileBatch = tileBatch;
			return this;
		}

		public Builder device(String device) {
			this.device = device;
			return this;
		}

		/**
		 * Checks everything that can be checked without loading the model.
		 *
		 * @throws UnetException naming the key and the fault
		 */
		public EvaluateRequest build() {
			RequestChecks.folderPossible(report, "report");
			RequestChecks.modelFile(model, spelling);
			if (data == null)
				throw new UnetException("nothing to evaluate on was given");
			if (panels < 0)
				throw new UnetException(spelling.of(EvaluateOptions.PANEL_COUNT) + " must not be negative, got " + panels);
			if (metricsCsv != null && Files.isDirectory(metricsCsv))
				throw new UnetException(spelling.of(EvaluateOptions.METRICS_FILE) + " " + metricsCsv + " is a folder: give a file name such as metrics.csv");
			MaskPostprocessing.Options post = RequestChecks.postprocessing(threshold, minSize, fillHoles);
			TiledPredictor.Options tiles = RequestChecks.tiling(tile, overlap, tileBatch);
			device = RequestChecks.device(device);
			return new EvaluateRequest(this, post, tiles);
		}
	}
}
