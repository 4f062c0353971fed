package org.lesionseg.unet.plugins;

import java.io.File;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import org.lesionseg.unet.ij.Progress;
import org.lesionseg.unet.workflow.GpuSetupJob;
import org.lesionseg.unet.workflow.GpuSetupRequest;
import org.lesionseg.unet.workflow.Spelling;
import org.lesionseg.unet.workflow.options.GpuSetupOptions;
import org.lesionseg.unet.workflow.options.Option;
import org.scijava.command.Command;
import org.scijava.plugin.Menu;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import ij.IJ;

/**
 * Plugins › Segmentation › UNet GPU Setup: chooses the CUDA build of libtorch 2.7.1 that every later session of Fiji,
 * ImageJ and {@code ./unet} uses (a folder, a zip to unpack, or a download when asked), or goes back to the built-in
 * CPU engine ({@code reset}); with nothing given it shows the current choice. Fiji users need no environment
 * variables: the choice is stored in the plugin's settings file and applied before the engine starts. It never starts
 * the engine itself (a loaded libtorch cannot be swapped), so the new choice takes effect after a restart.
 */
@Plugin(type = Command.class, headless = true, description = "Use a CUDA build of libtorch for the UNet plugin", menu = {
	@Menu(label = "Plugins"), @Menu(label = "Segmentation"), @Menu(label = "UNet GPU Setup", weight = 22) })
public class UNetGpuSetup extends UNetCommand {

	@Parameter(label = "libtorch folder", style = FileWidget.DIRECTORY_STYLE, required = false, persist = false, description = "A folder holding a CUDA build of libtorch 2.7.1 (the unpacked libtorch folder, its lib folder, or torch/lib of PyTorch 2.7.1)")
	private File libtorch_folder;

	@Parameter(label = "or libtorch zip", style = FileWidget.OPEN_STYLE, required = false, persist = false, description = "A libtorch 2.7.1 CUDA zip you downloaded (libtorch-...-2.7.1+cu128.zip): it is checked and unpacked beside the settings file")
	private File libtorch_archive;

	@Parameter(label = "or download it (about 3 GB)", persist = false, description = "Download the CUDA 12.8 build of libtorch 2.7.1 (about 3 GB) and unpack it beside the settings file; nothing is downloaded otherwise")
	private boolean download = false;

	@Parameter(label = "or use the built-in CPU engine (reset)", persist = false, description = "Go back to the built-in CPU engine (the libtorch choice leaves the settings file)")
	private boolean reset = false;

	@Parameter(label = "Download from", required = false, persist = false, description = "Where download fetches the libtorch zip from")
	private String download_url = org.lesionseg.unet.core.engine.LibtorchInstall.DEFAULT_URL;

	@Parameter(label = "Expected SHA-256 (optional)", required = false, persist = false, description = "The SHA-256 the downloaded zip must have (hex); empty to only print it")
	private String sha256 = "";

	private List<String> report = new ArrayList<>();

	/** Never starts the engine: the choice is for the next session. */
	@Override
	protected boolean usesEngine() {
		return false;
	}

	GpuSetupRequest request() {
		return GpuSetupRequest.of(GpuSetupOptions.SET.parse(MacroKeys.values(this, GpuSetupOptions.SET), Option.Where.FIJI), Spelling.MACRO);
	}

	@Override
	protected void execute() {
		Progress progress = Progress.imageJ();
		report = GpuSetupJob.run(request(), (what, done, total) -> {
			progress.status(what + (total > 0 ? String.format(Locale.ROOT, " %d%%", 100 * done / total) : String.format(Locale.ROOT, " %.0f MB", done / 1e6)));
			if (total > 0)
				progress.fraction((double) done / total);
		});
		progress.done(commandName() + ": done");
		for (String line : report)
			IJ.log(line);
	}

	/** The lines of the last run. */
	public List<String> report() {
		return Collections.unmodifiableList(report);
	}
}
