package org.lesionseg.unet.workflow;

import java.nio.file.Path;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.io.AtomicFiles;
import org.lesionseg.unet.core.predict.TestTimeAugmentation;
import org.lesionseg.unet.workflow.options.OptionValues;
import org.lesionseg.unet.workflow.options.SegmentOptions;
import org.lesionseg.unet.workflow.sources.ImageSource;

/**
 * Everything a segmentation needs, typed and checked once, whichever entry point asked for it (Segment with UNet,
 * Segment Folder with UNet, {@code unet predict}, the demo): the model file, the images, where the results go (a
 * folder, or nowhere when the caller takes them in memory), threshold / minimum size / hole filling, tiling, which
 * files to write and the device. {@link Builder#build()} owns every guard: the model is a file, the output folder is
 * not the input folder nor inside it, the numbers are in range.
 */
public final class SegmentRequest {

	private final PredictionSettings prediction;
	private final ImageSource source;
	private final Path output;
	private final boolean writeProbability;
	private final boolean writeMask;
	private final boolean writeRois;
	private final Shard shard;
	private final Path masks;

	private SegmentRequest(Builder b, PredictionSettings prediction) {
		this.prediction = prediction;
		this.source = b.source;
		this.output = b.output;
		this.writeProbability = b.writeProbability;
		this.writeMask = b.writeMask;
		this.writeRois = b.writeRois;
		this.shard = b.shard;
		this.masks = b.masks;
	}

	/** Starts a request for these images with this model; messages will name keys as {@code spelling} spells them. */
	public static Builder builder(Path model, ImageSource source, Spelling spelling) {
		return new Builder(model, source, spelling);
	}

	/**
	 * The segmentation of the files the values give ({@link SegmentOptions#FILES}: Segment Folder with UNet,
	 * {@code unet predict}).
	 */
	public static SegmentRequest of(OptionValues values, Spelling spelling) {
		return of(values, ImageSource.files(values.get(SegmentOptions.INPUT_FOLDER)), spelling);
	}

	/**
	 * The segmentation of these images with the values' model, post-processing, tiling and device; with the output
	 * folder and the files to write when the values' set has them ({@link SegmentOptions#FILES}).
	 */
	public static SegmentRequest of(OptionValues values, ImageSource source, Spelling spelling) {
		Builder b = builder(PredictionSettings.modelOf(values), source, spelling).prediction(values);
		if (values.set().options().contains(SegmentOptions.OUTPUT_FOLDER))
			b.output(values.get(SegmentOptions.OUTPUT_FOLDER)).files(!values.get(SegmentOptions.NO_PROBABILITY), !values.get(SegmentOptions.NO_MASK),
				!values.get(SegmentOptions.NO_ROIS));
		if (values.set().options().contains(SegmentOptions.MASKS_FOLDER))
			b.masks(values.get(SegmentOptions.MASKS_FOLDER));
		if (values.set().options().contains(SegmentOptions.SHARD))
			b.shard(Shard.parse(values.get(SegmentOptions.SHARD)));
		return b.build();
	}

	/** The model file, post-processing, tiling and device. */
	public PredictionSettings prediction() {
		return prediction;
	}

	public ImageSource source() {
		return source;
	}

	/** The folder for the result files, or null: the results are then kept in memory for the caller. */
	public Path output() {
		return output;
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

	/** The folder of the true masks, for metrics.csv, or null. */
	public Path masks() {
		return masks;
	}

	/** The part of the sorted images to segment, resumably, or null for all of them in one run. */
	public Shard shard() {
		return shard;
	}

	/**
	 * What decides the result files, one line (the model files with their size and time, post-processing, tiling, the
	 * files written): shards of one run must agree on it, and a resumed run must not mix results of other settings.
	 */
	String resultSettings() {
		StringBuilder sb = new StringBuilder();
		for (Path m : prediction.models())
			sb.append("model=").append(m.toAbsolutePath().normalize()).append(':').append(sizeAndTime(m)).append(' ');
		sb.append("threshold=").append(prediction.postprocessing().threshold()).append(" min_size=").append(prediction.postprocessing().minSize())
			.append(" fill_holes=").append(prediction.postprocessing().fillHoles()).append(" tile=").append(prediction.tiling().tile).append(" overlap=")
			.append(prediction.tiling().overlap).append(" files=").append(writeProbability ? "prob," : "").append(writeMask ? "mask," : "")
			.append(writeRois ? "rois" : "").append(masks == null ? "" : " masks=" + masks.toAbsolutePath().normalize());
		// only when used, so that the records of earlier runs without it stay valid
		if (prediction.tiling().augmentation != TestTimeAugmentation.Transforms.NONE)
			sb.append(" test_time_augmentation=").append(prediction.tiling().augmentation.key());
		return sb.toString();
	}

	private static String sizeAndTime(Path file) {
		try {
			return java.nio.file.Files.size(file) + ":" + java.nio.file.Files.getLastModifiedTime(file).toMillis();
		} catch (java.io.IOException e) {
			return "?";
		}
	}

	/** Creates the output folder, or says why it cannot be used; called before the model is loaded. */
	void prepareOutput() {
		if (output != null)
			AtomicFiles.prepareFolder(output, "output");
	}

	/** Collects the values; {@link #build()} checks them all. */
	public static final class Builder extends PredictionSettings.Builder<Builder> {
		private final ImageSource source;
		private Path output;
		private boolean writeProbability = true;
		private boolean writeMask = true;
		private boolean writeRois = true;
		private Shard shard;
		private Path masks;

		private Builder(Path model, ImageSource source, Spelling spelling) {
			super(model, spelling);
			this.source = source;
		}

		@Override
		Builder self() {
			return this;
		}

		/** The folder for the result files; null keeps the results in memory. */
		public Builder output(Path folder) {
			this.output = folder;
			return this;
		}

		/** Which files to write into the output folder. */
		public Builder files(boolean probability, boolean mask, boolean rois) {
			this.writeProbability = probability;
			this.writeMask = mask;
			this.writeRois = rois;
			return this;
		}

		/** Compare with the true masks in this folder and write metrics.csv; null for none. */
		public Builder masks(Path folder) {
			this.masks = folder;
			return this;
		}

		/** Segment only this part of the sorted images, skipping those already done; null for all. */
		public Builder shard(Shard part) {
			this.shard = part;
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
			if (masks != null && (output == null || source.folder() == null))
				throw new UnetException(spelling.of(SegmentOptions.MASKS_FOLDER) + " compares a folder of images with their masks and writes metrics.csv into the output folder: "
					+ "give " + spelling.of(SegmentOptions.INPUT_FOLDER) + " as a folder and " + spelling.of(SegmentOptions.OUTPUT_FOLDER));
			if (shard != null && output == null)
				throw new UnetException("a shard (" + shard + ") writes its results into an output folder: give " + spelling.of(SegmentOptions.OUTPUT_FOLDER));
			PredictionSettings prediction = settings();
			source.size(); // a folder without images, or a path that does not exist, is told now
			return new SegmentRequest(this, prediction);
		}
	}
}
