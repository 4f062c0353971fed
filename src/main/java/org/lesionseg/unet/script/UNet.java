package org.lesionseg.unet.script;

import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.ij.StatusProgress;
import org.lesionseg.unet.plugins.MaskSources;
import org.lesionseg.unet.workflow.EvaluateRequest;
import org.lesionseg.unet.workflow.Evaluation;
import org.lesionseg.unet.workflow.ExportJob;
import org.lesionseg.unet.workflow.ExportRequest;
import org.lesionseg.unet.workflow.Spelling;
import org.lesionseg.unet.workflow.TrainRequest;
import org.lesionseg.unet.workflow.TrainingJob;
import org.lesionseg.unet.workflow.options.EvaluateOptions;
import org.lesionseg.unet.workflow.options.ExportOptions;
import org.lesionseg.unet.workflow.options.Option;
import org.lesionseg.unet.workflow.options.OptionValues;
import org.lesionseg.unet.workflow.options.TrainOptions;

import ij.ImagePlus;

/**
 * The scripting API (Groovy, Jython, JavaScript in Fiji's Script Editor; see docs/scripting.md). Settings are the
 * macro keys of the matching Fiji command (docs/macros.md), given as a map or an options string; every call goes
 * through the same registries, requests and jobs as the commands, so a script checks, trains and segments exactly as
 * a macro does.
 *
 * <pre>
 * import org.lesionseg.unet.script.UNet
 * def model = UNet.model("/models/ct.zip", [threshold: 0.4, min_size: 20])
 * def seg = model.segment(imp)
 * seg.rois().each { roiManager.addRoi(it) }
 * model.close()
 * </pre>
 */
public final class UNet {

	private UNet() {
	}

	/**
	 * Settings from a map and an options string together ({@code "base_features=8 depth=3"}), the string's keys
	 * winning: how a script template passes its own parameters plus any other keys the user typed.
	 */
	public static Map<String, String> settings(Object map, String more) {
		Map<String, String> values = Settings.of(map);
		values.putAll(Settings.of(more == null ? "" : more));
		return values;
	}

	/**
	 * Loads a model once for many images: a model file written by Train UNet, a TorchScript file (.pt; say its
	 * input_channels, size_multiple, normalization and output_kind in the settings) or a bioimage.io package.
	 *
	 * @param settings Segment with UNet's keys (threshold, min_size, fill_holes, tile, overlap, tile_batch, device,
	 *                 model_format, ...), or null
	 */
	public static Model model(Object path, Object settings) {
		return new Model(Model.text(path), Settings.of(settings));
	}

	public static Model model(Object path) {
		return model(path, null);
	}

	/**
	 * Trains a model as Train UNet does, from folders ({@code images_folder}, {@code masks_folder}) and the other keys
	 * of Train UNet (model_file is required; epochs, batch_size, image_size, ...). Progress goes to the status bar.
	 */
	public static TrainingJob.Outcome train(Object settings) {
		return train(null, null, settings);
	}

	/**
	 * Trains on an open image or stack and its mask (a binary image or stack of the same size), or on the image's
	 * ROIs in the ROI Manager when {@code mask} is null and {@code use_roi_manager} is true.
	 */
	public static TrainingJob.Outcome train(ImagePlus image, ImagePlus mask, Object settings) {
		Map<String, String> values = Settings.of(settings);
		OptionValues parsed = TrainOptions.SET.parse(values, Option.Where.FIJI);
		TrainRequest request = TrainRequest.of(parsed,
			() -> image == null ? null : MaskSources.labelledSource(image, mask, parsed.get(TrainOptions.USE_ROI_MANAGER)));
		return TrainingJob.run(request, new StatusProgress(), new AtomicBoolean());
	}

	/**
	 * Evaluates a model on folders of images and true masks, as Evaluate UNet does (keys: images_folder, masks_folder,
	 * report_folder, metrics_file, threshold, ...); the outcome's summary has the Dice, its classes a multi-class model's
	 * metrics per class.
	 */
	public static Evaluation.Outcome evaluate(Object model, Object settings) {
		Map<String, String> values = Settings.with(settings, "model_file", Model.text(model));
		OptionValues parsed = EvaluateOptions.SET.parse(values, Option.Where.FIJI);
		return Evaluation.run(EvaluateRequest.of(parsed, () -> null, Spelling.MACRO), new Evaluation.Listener() {
		});
	}

	/**
	 * Evaluates a model on an open image or stack against its mask image (or, with {@code mask} null and
	 * {@code use_roi_manager} true, the image's ROIs in the ROI Manager), as Evaluate UNet does. A multi-class model reads
	 * the mask as a label image (0 = background, 1..K) and the outcome's {@code classes} has the per-class metrics
	 * ({@code classes.pooledDice("subdural")}, {@code classes.summaryLine()}); null for a binary model.
	 */
	public static Evaluation.Outcome evaluate(Object model, ImagePlus image, ImagePlus mask, Object settings) {
		Map<String, String> values = Settings.with(settings, "model_file", Model.text(model));
		OptionValues parsed = EvaluateOptions.SET.parse(values, Option.Where.FIJI);
		return Evaluation.run(EvaluateRequest.of(parsed,
			() -> image == null ? null : MaskSources.labelledSource(image, mask, parsed.get(EvaluateOptions.USE_ROI_MANAGER)),
			Spelling.MACRO), new Evaluation.Listener() {
			});
	}

	/**
	 * Exports a model file to a bioimage.io package (.zip with ONNX weights), as "Export UNet to bioimage.io" does
	 * (other keys: name, description, authors, license, citation, citation_link, tags, test_image, threshold).
	 *
	 * @return what was written: the package, its size, the input size rule and the ONNX check
	 */
	public static ExportJob.Outcome exportToBioImageIo(Object model, Object packageZip, Object settings) {
		Map<String, String> values = Settings.with(settings, "model_file", Model.text(model));
		values.put("package_file", Model.text(packageZip));
		return ExportJob.run(ExportRequest.of(ExportOptions.SET.parse(values, Option.Where.FIJI), Spelling.MACRO));
	}
}
