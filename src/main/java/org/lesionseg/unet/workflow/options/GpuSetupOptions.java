package org.lesionseg.unet.workflow.options;

import java.nio.file.Path;

import org.lesionseg.unet.core.engine.LibtorchInstall;

/**
 * The options of UNet GPU Setup ({@code unet gpu-setup}): which CUDA build of libtorch every later session uses, from a
 * folder, a zip archive or (only when asked) a download; or back to the built-in CPU engine. Without any of them the
 * command shows the current choice.
 */
public final class GpuSetupOptions {

	private GpuSetupOptions() {
	}

	public static final Option<Path> FOLDER = Option
		.folder("libtorch_folder", "A folder holding a CUDA build of libtorch 2.7.1 (the unpacked libtorch folder, its lib folder, or torch/lib of PyTorch 2.7.1)")
		.flag("--folder");
	public static final Option<Path> ARCHIVE = Option
		.file("libtorch_archive", "A libtorch 2.7.1 CUDA zip you downloaded (libtorch-...-2.7.1+cu128.zip): it is checked and unpacked beside the settings file")
		.flag("--archive");
	public static final Option<Boolean> DOWNLOAD = Option.flag("download", false,
		"Download the CUDA 12.8 build of libtorch 2.7.1 (about 3 GB) and unpack it beside the settings file; nothing is downloaded otherwise");
	public static final Option<String> DOWNLOAD_URL = Option.text("download_url", LibtorchInstall.DEFAULT_URL, "Where download fetches the libtorch zip from")
		.flag("--url").advanced();
	public static final Option<String> SHA256 = Option.text("sha256", "", "The SHA-256 the downloaded zip must have (hex); empty to only print it")
		.advanced();
	public static final Option<Boolean> RESET = Option.flag("reset", false, "Go back to the built-in CPU engine (the libtorch choice leaves the settings file)");

	public static final OptionSet SET = OptionSet.builder("gpu-setup")
		.section("libtorch (give one; none shows the current choice)").add(FOLDER, ARCHIVE, DOWNLOAD, RESET)
		.section("download").add(DOWNLOAD_URL, SHA256)
		.build();
}
