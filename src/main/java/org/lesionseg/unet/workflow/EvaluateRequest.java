package org.lesionseg.unet.workflow;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.data.MaskPolicy;
import org.lesionseg.unet.core.data.Normalization;
import org.lesionseg.unet.core.data.Pairing;
import org.lesionseg.unet.core.io.AtomicFiles;
import org.lesionseg.unet.workflow.options.CommonOptions;
import org.lesionseg.unet.workflow.options.EvaluateOptions;
import org.lesionseg.unet.workflow.options.OptionValues;

/**
 * Everything an evaluation needs, typed and checked once, whichever entry point asked for it (Evaluate UNet,
 * {@code unet evaluate}): the model file, the labelled images (two folders, or open images with their masks), the
 * report folder and metrics file (or none), how many panels to make, threshold / minimum size / hole filling, tiling
 * and device.
 */
public final class EvaluateRequest {

	/**
	 * Labelled images, read once the model says how to normalise them and how to read the masks (label images for a
	 * multi-class model, {@link #maskPolicy()} otherwise: {@link MultiClassData#evaluationPolicy}).
	 */
	public interface Data {
		LabelledImages load(Normalization normalization, MaskPolicy policy);
	}

	private final PredictionSettings prediction;
	private final Data data;
	private final Path report;
	private final Path metricsCsv;
	private final int panels;
	private final MaskPolicy maskPolicy;

	private EvaluateRequest(Builder b, PredictionSettings prediction) {
		this.prediction = prediction;
		this.data = b.data;
		this.report = b.report;
		this.metricsCsv = b.metricsCsv;
		this.panels = b.panels;
		this.maskPolicy = b.maskPolicy;
	}

	/** The image and mask files of two folders, paired when the images are read. */
	public static Data folders(Path images, Path masks, Pairing pairing) {
		return (normalization, policy) -> LabelledSource.folders(images, masks, pairing).read(normalization, policy);
	}

	/**
	 * Labelled images from any source, such as open ImageJ images with the raw values of their mask image or ROIs
	 * ({@code MaskSources.labelledSource}): their masks are read by the same rule and policy as mask files.
	 */
	public static Data of(LabelledSource source) {
		return source::read;
	}

	public static Builder builder(Path model, Data data, Spelling spelling) {
		return new Builder(model, data, spelling);
	}

	/**
	 * The evaluation the values give: on the two folders they name or, without folders, on the open images.
	 *
	 * @param openImages the open images with the raw values of their masks (made by the Fiji command from the ImageJ
	 *            layer), or null for none; asked only when no folder is given
	 */
	public static EvaluateRequest of(OptionValues values, Supplier<LabelledSource> openImages, Spelling spelling) {
		Path images = values.get(EvaluateOptions.IMAGES_FOLDER), masks = values.get(EvaluateOptions.MASKS_FOLDER);
		Data data;
		if (images != null || masks != null) {
			if (images == null || masks == null)
				throw new UnetException("evaluate needs " + spelling.of(images == null ? EvaluateOptions.IMAGES_FOLDER : EvaluateOptions.MASKS_FOLDER)
					+ ": the folder of the " + (images == null ? "images whose true masks are in " + masks : "true masks of the images in " + images));
			data = folders(images, masks, values.get(CommonOptions.PAIRING));
		} else {
			LabelledSource open = openImages.get();
			if (open == null)
				throw new UnetException("nothing to evaluate on: " + (spelling == Spelling.COMMAND_LINE ? "give --images and --masks"
					: "choose an open image and its mask (image=[title] mask=[title], or use_roi_manager=true), or give images_folder and masks_folder"));
			data = of(open);
		}
		Path report = values.get(EvaluateOptions.REPORT_FOLDER);
		// the command line shows no panels: they are made only for a report there; Fiji also opens them as a stack
		int panels = report == null && spelling == Spelling.COMMAND_LINE ? 0 : values.get(EvaluateOptions.PANEL_COUNT);
		Path metricsCsv = values.set().options().contains(EvaluateOptions.METRICS_FILE) ? values.get(EvaluateOptions.METRICS_FILE) : null;
		return builder(PredictionSettings.modelOf(values), data, spelling).prediction(values).report(report).metricsCsv(metricsCsv).panels(panels)
			.maskPolicy(values.get(CommonOptions.MASK_POLICY)).build();
	}

	/** The model file, post-processing, tiling and device. */
	public PredictionSettings prediction() {
		return prediction;
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

	/**
	 * How masks are read for a binary model (strict, threshold_half or labels), as for mask files; a multi-class model
	 * reads them as label images whatever is asked.
	 */
	public MaskPolicy maskPolicy() {
		return maskPolicy;
	}

	/** Creates the report folder and the metrics file's folder, or says why they cannot be used; before the model loads. */
	void prepareOutput() {
		if (report != null)
			AtomicFiles.prepareFolder(report, "report");
		if (metricsCsv != null && metricsCsv.toAbsolutePath().getParent() != null)
			AtomicFiles.prepareFolder(metricsCsv.toAbsolutePath().getParent(), "metrics file");
	}

	/** Collects the values; {@link #build()} checks them all. */
	public static final class Builder extends PredictionSettings.Builder<Builder> {
		private final Data data;
		private Path report;
		private Path metricsCsv;
		private int panels = EvaluateOptions.PANEL_COUNT.defaultValue();
		private MaskPolicy maskPolicy = CommonOptions.MASK_POLICY.defaultValue();

		private Builder(Path model, Data data, Spelling spelling) {
			super(model, spelling);
			this.data = data;
		}

		@Override
		Builder self() {
			return this;
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

		/** How a binary model's masks are read (label images for a multi-class model whatever is asked). */
		public Builder maskPolicy(MaskPolicy policy) {
			this.maskPolicy = policy;
			return this;
		}

		/**
		 * Checks everything that can be checked without loading the model.
		 *
		 * @throws UnetException naming the key and the fault
		 */
		public EvaluateRequest build() {
			RequestChecks.folderPossible(report, "report");
			PredictionSettings prediction = settings();
			if (data == null)
				throw new UnetException("nothing to evaluate on was given");
			if (panels < 0)
				throw new UnetException(spelling.of(EvaluateOptions.PANEL_COUNT) + " must not be negative, got " + panels);
			if (metricsCsv != null && Files.isDirectory(metricsCsv))
				throw new UnetException(spelling.of(EvaluateOptions.METRICS_FILE) + " " + metricsCsv + " is a folder: give a file name such as metrics.csv");
			return new EvaluateRequest(this, prediction);
		}
	}
}
