package org.lesionseg.unet.workflow;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

import org.lesionseg.unet.core.engine.EngineSettings;
import org.lesionseg.unet.core.engine.LibtorchFolder;
import org.lesionseg.unet.core.engine.LibtorchInstall;

/**
 * Runs a {@link GpuSetupRequest}: checks the libtorch it is given (a folder; a zip, unpacked beside the settings file;
 * or a download the user asked for), stores it in the settings file for every later session, or resets to the
 * built-in CPU engine; and says what the next session will use. The engine of the running session is never touched:
 * a libtorch cannot be swapped once loaded.
 */
public final class GpuSetupJob {

	/** What the user sees while it runs. */
	public interface Listener {
		void progress(String what, long done, long total);
	}

	private GpuSetupJob() {
	}

	/** @return the lines to show: what was done and what the next session uses */
	public static List<String> run(GpuSetupRequest request, Listener listener) {
		List<String> lines = new ArrayList<>();
		LibtorchFolder chosen = null;
		String source = null;
		switch (request.action) {
			case SHOW:
				break;
			case RESET:
				boolean had = EngineSettings.reset();
				lines.add(had ? "reset: the next session uses the built-in CPU engine" : "nothing to reset: no libtorch was chosen in " + EngineSettings.file());
				if (had && java.nio.file.Files.isDirectory(EngineSettings.installFolder()))
					lines.add("libtorch unpacked by GPU set-up stays in " + EngineSettings.installFolder() + " (delete it to free the disk space)");
				break;
			case FOLDER:
				chosen = LibtorchFolder.check(request.path);
				source = "folder " + request.path.toAbsolutePath();
				break;
			case ARCHIVE:
				chosen = LibtorchInstall.unpack(request.path, EngineSettings.installFolder(), listener::progress);
				source = "archive " + request.path.toAbsolutePath();
				break;
			case DOWNLOAD:
				String name = Paths.get(request.url.getPath()).getFileName().toString().replace("%2B", "+");
				Path zip = EngineSettings.installFolder().resolve("downloads").resolve(name.isEmpty() ? "libtorch.zip" : name);
				LibtorchInstall.Downloaded d = LibtorchInstall.download(request.url, zip, request.sha256, listener::progress);
				lines.add("downloaded " + request.url + " (SHA-256 " + d.sha256 + (request.sha256 != null ? ", as expected" : "") + ")");
				chosen = LibtorchInstall.unpack(d.file, EngineSettings.installFolder(), listener::progress);
				try {
					java.nio.file.Files.deleteIfExists(d.file); // unpacked: the 3 GB zip is not needed again
				} catch (java.io.IOException e) {
					lines.add("could not delete " + d.file + " (" + e + "): delete it yourself");
				}
				source = "download " + request.url + " sha256=" + d.sha256;
				break;
			default:
				throw new IllegalStateException(String.valueOf(request.action));
		}
		if (chosen != null) {
			Path file = EngineSettings.store(chosen, source);
			lines.add("stored in " + file + ": libtorch " + chosen.version + " in " + chosen.libDir);
			if (chosen.cudaWarning() != null)
				lines.add("warning: " + chosen.cudaWarning());
			lines.add("it is used from the next start of Fiji, ImageJ or ./unet (restart now); UNet Engine Info then shows the GPU");
		}
		lines.addAll(status());
		return lines;
	}

	/** What the next session will use and why, without starting the engine. */
	public static List<String> status() {
		List<String> lines = new ArrayList<>();
		lines.add("settings file: " + EngineSettings.file());
		EngineSettings.Choice choice = EngineSettings.read();
		lines.add("stored choice: " + (choice == null ? "none (the built-in CPU engine)" : choice.folder + " (libtorch " + choice.version + ", " + choice.source + ", " + choice.chosen + ")"));
		EngineSettings.Applied next = EngineSettings.preview();
		lines.add("next session uses: " + next.source);
		if (next.warning != null)
			lines.add("WARNING: " + next.warning);
		return lines;
	}
}
