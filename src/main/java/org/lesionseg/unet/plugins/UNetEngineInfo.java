package org.lesionseg.unet.plugins;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.lesionseg.unet.core.engine.EngineReport;
import org.scijava.command.Command;
import org.scijava.plugin.Menu;
import org.scijava.plugin.Plugin;

import ij.IJ;

/**
 * Plugins › Segmentation › UNet Engine Info: the engine and its version, the devices PyTorch sees, whether the GPU is
 * used, where libtorch came from, and what to do if the GPU is not used. Writes to the Log window (the console when
 * headless); it has no keys.
 */
@Plugin(type = Command.class, headless = true, description = "Engine, devices and libtorch of the UNet plugin", menu = {
	@Menu(label = "Plugins"), @Menu(label = "Segmentation"), @Menu(label = "UNet Engine Info", weight = 21) })
public class UNetEngineInfo extends UNetCommand {

	private List<String> report = new ArrayList<>();

	@Override
	protected void execute() {
		report = EngineReport.lines(null);
		for (String line : report)
			IJ.log(line);
	}

	/** The lines of the last report. */
	public List<String> report() {
		return Collections.unmodifiableList(report);
	}
}
