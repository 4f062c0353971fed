package org.lesionseg.unet.plugins;

import java.io.File;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.lesionseg.unet.workflow.InfoReport;
import org.lesionseg.unet.workflow.Spelling;
import org.scijava.command.Command;
import org.scijava.plugin.Menu;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import ij.IJ;

/**
 * Plugins › Segmentation › UNet Engine Info: the engine and its version, the devices PyTorch sees, whether the GPU is
 * used, where libtorch came from, and what to do if the GPU is not used; with a model file, what it holds. The same
 * lines as {@code unet info} ({@link InfoReport}). Writes to the Log window (the console when headless).
 */
@Plugin(type = Command.class, headless = true, description = "Engine, devices and libtorch of the UNet plugin", menu = {
	@Menu(label = "Plugins"), @Menu(label = "Segmentation"), @Menu(label = "UNet Engine Info", weight = 21) })
public class UNetEngineInfo extends UNetCommand {

	@Parameter(label = "Model file", style = FileWidget.OPEN_STYLE, required = false, persist = false, description = "A model file (.zip) to describe too; empty for the engine only")
	private File model_file;

	private List<String> report = new ArrayList<>();

	@Override
	protected void execute() {
		report = InfoReport.lines(Inputs.optional(model_file), Spelling.MACRO);
		for (String line : report)
			IJ.log(line);
	}

	/** The lines of the last report. */
	public List<String> report() {
		return Collections.unmodifiableList(report);
	}
}
