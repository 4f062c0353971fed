package org.lesionseg.unet.plugins;

import java.io.File;
import java.util.Locale;

import org.lesionseg.unet.ij.Progress;
import org.lesionseg.unet.workflow.ExportJob;
import org.lesionseg.unet.workflow.ExportRequest;
import org.lesionseg.unet.workflow.Spelling;
import org.lesionseg.unet.workflow.options.ExportOptions;
import org.lesionseg.unet.workflow.options.Option;
import org.scijava.command.Command;
import org.scijava.plugin.Menu;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import ij.IJ;

/**
 * Plugins › Segmentation › Export UNet to bioimage.io: writes a model file as a bioimage.io model package (.zip with
 * ONNX weights, rdf.yaml, test tensors, cover and documentation) that deepImageJ and the bioimage.io model zoo read.
 * The same request and job as {@code unet export}.
 */
@Plugin(type = Command.class, headless = true, description = "Write a trained U-Net as a bioimage.io model package (ONNX)", menu = {
	@Menu(label = "Plugins"), @Menu(label = "Segmentation"), @Menu(label = "Export UNet to bioimage.io", weight = 5) })
public class ExportUNet extends UNetCommand {

	@Parameter(label = "Model file", style = FileWidget.OPEN_STYLE, persist = false, description = "Model file (.zip) written by Train UNet")
	private File model_file;

	@Parameter(label = "Package file (.zip)", style = FileWidget.SAVE_STYLE, persist = false, description = "The bioimage.io package (.zip) to write; not the model file")
	private File package_file;

	@Parameter(label = "Test image", style = FileWidget.OPEN_STYLE, required = false, persist = false, description = "An image for the test tensors and the cover; empty for the first test image the model was evaluated on")
	private File test_image;

	@Parameter(label = "Name", required = false, persist = false, description = "The model's name in the package; empty for the model file's name")
	private String name = "";

	@Parameter(label = "Description", required = false, persist = false, description = "One or two sentences on what the model segments; empty for a generated one")
	private String description = "";

	@Parameter(label = "Authors (separated by ;)", required = false, persist = false, description = "Authors' names, separated by ';'; empty for your user name")
	private String authors = "";

	@Parameter(label = "Licence (SPDX)", persist = false, description = "SPDX licence identifier of the model, e.g. CC-BY-4.0 or MIT")
	private String license = "CC-BY-4.0";

	@Parameter(label = "Citation", required = false, persist = false, description = "What to cite for this model (your paper or data set); the U-Net paper is always cited")
	private String citation = "";

	@Parameter(label = "Citation DOI or URL", required = false, persist = false, description = "DOI (10.xxx/...) or URL of the citation")
	private String citation_link = "";

	@Parameter(label = "Tags (separated by ,)", required = false, persist = false, description = "Tags, separated by ','")
	private String tags = "unet,segmentation,2d,binary-segmentation,fiji";

	@Parameter(label = "Threshold", min = "0", max = "1", stepSize = "0.05", persist = false, description = "Probability above which a pixel is lesion")
	private double threshold = 0.5;

	private ExportJob.Outcome outcome;

	@Override
	protected void execute() {
		ExportRequest request = request();
		Progress progress = Progress.imageJ();
		String command = commandName();
		progress.step(0, 1, command + ": writing " + request.packageFile().getFileName());
		outcome = ExportJob.run(request);
		String line = String.format(Locale.ROOT, "%s: %s (%.1f MB); input sides multiples of %d; ONNX vs engine max difference %.2g on the %dx%d test image",
			command, outcome.packageFile, outcome.bytes / 1e6, outcome.step, outcome.maxDifference, outcome.testWidth, outcome.testHeight);
		progress.done(command + ": " + outcome.packageFile.getFileName() + " written");
		IJ.log(line);
	}

	/** The fields as the registry reads them: the same request as {@code unet export}. */
	ExportRequest request() {
		return ExportRequest.of(ExportOptions.SET.parse(MacroKeys.values(this, ExportOptions.SET), Option.Where.FIJI), Spelling.MACRO);
	}

	/** What the last run wrote. */
	public ExportJob.Outcome outcome() {
		return outcome;
	}
}
