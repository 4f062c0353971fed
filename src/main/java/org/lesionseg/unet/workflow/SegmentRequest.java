package org.lesionseg.unet.workflow;

import java.nio.file.Path;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.io.AtomicFiles;
import org.lesionseg.unet.core.predict.MaskPostprocessing;
import org.lesionseg.unet.core.predict.TiledPredictor;
import org.lesionseg.unet.workflow.options.CommonOptions;
import org.lesionseg.unet.workflow.sources.ImageSource;

/**
 * Everything a segmentation needs, typed and checked once, whichever entry point asked for it (Segment with UNet,
 * Segment Folder with UNet, {@code unet predict}, the demo): the model file, the images, where the results go (a
 * folder, or nowhere when the caller takes them in memory), threshold / minimum size / hole filling, tiling, which
 * files to write and the device. {@link Builder#build()} owns every guard: the model is a file, the output folder is
 * not the input folder nor inside it, the numbers are in range.
 */
public final class SegmentRequest {

	private final Path model;
	private final ImageSource source;
	private final Path output;
	private final MaskPostprocessing.Options postprocessing;
	private final TiledPredictor.Options tiling;
	private final boolean writeProbability;
	private final boolean writeMask;
	private final boolean writeRois;
	private final String device;

	private SegmentRequest(Builder b, MaskPostprocessing.Options postprocessing, TiledPredictor.Options tiling) {
		this.model = b.model;
		this.source = b.source;
		this.output = b.output;
		this.postprocessing = postprocessing;
		this.tiling = tiling;
		this.writeProbability = b.writeProbability;
		this.writeMask = b.writeMask;
		this.writeRois = b.writeRois;
		this.device = b.device;
	}

	/** Starts a request for these images with this model; messages will name keys as {@code spelling} spells them. */
	public static Builder builder(Path model, ImageSource source, Spelling spelling) {
		return new Builder(model, source, spelling);
	}

	public Path model() {
		return model;
	}

	public ImageSource source() {
		return source;
	}

	/** The folder for the result files, or null: the results are then kept in memory for the caller. */
	public Path output() {
		return output;
	}

	public MaskPostprocessing.Options postprocessing() {
		return postprocessing;
	}

	public TiledPredictor.Options tiling() {
		return tiling;
	}

	public boolean writeProbability() {
		return writeProbability;
	}

	public boolean writeMask() {
		return writeMask;
	}

	public boolean writeRois() {
		return writeRois;
	}

	public String device() {
		return device;
	}

	/** Creates the output folder, or says why it cannot be used; called before the model is loaded. */
	void prepareOutput() {
		if (output != null)
			AtomicFiles.prepareFolder(output, "output");
	}

	/** Collects the values; {@link #build()} checks them all. */
	public static final class Builder {
		private final Path model;
		private final ImageSource source;
		private final Spelling spelling;
		private Path output;
		// the registry's defaults, not copies of them
		private double threshold = CommonOptions.THRESHOLD.defaultValue();
		private int minSize = CommonOptions.MIN_SIZE.defaultValue();
		private boolean fillHoles = CommonOptions.FILL_HOLES.defaultValue();
		private int tile = CommonOptions.TILE.defaultValue();
		private int overlap = CommonOptions.OVERLAP.defaultValue();
		private int tileBatch = CommonOptions.TILE_BATCH.defaultValue();
		private boolean writeProbability = true;
		private boolean writeMask = true;
		private boolean writeRois = true;
		private String device = CommonOptions.DEVICE.defaultValue();

		private Builder(Path model, ImageSource source, Spelling spelling) {
			this.model = model;
			this.source = source;
			this.spelling = spelling;
		}

		/** The folder for the result files; null keeps the results in memory. */
		public Builder output(Path folder) {
			this.output = folder;
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

		/** Which files to write into the output folder. */
		public Builder files(boolean probability, boolean mask, boolean rois) {
			this.writeProbability = probability;
			this.writeMask = mask;
			this.writeRois = rois;
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
		public SegmentRequest build() {
			if (source == null)
				throw new UnetException("no images to segment were given");
			// where results go first: a wrong output folder is told before anything is read
			RequestChecks.outputOutsideInput(output, source.folder(), spelling);
			RequestChecks.folderPossible(output, "output");
			RequestChecks.modelFile(model, spelling);
			MaskPostprocessing.Options post = RequestChecks.postprocessing(threshold, minSize, fillHoles);
			TiledPredictor.Options tiles = RequestChecks.tiling(tile, overlap, tileBatch);
			device = RequestChecks.device(device);
			source.size(); // a folder without images, or a path that does not exist, is told now
			return new SegmentRequest(this, post, tiles);
		}
	}
}
