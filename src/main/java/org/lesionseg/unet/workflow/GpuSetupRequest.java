package org.lesionseg.unet.workflow;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.workflow.options.GpuSetupOptions;
import org.lesionseg.unet.workflow.options.OptionValues;

/**
 * UNet GPU Setup, typed and checked once: at most one of a libtorch folder, a libtorch archive, a download or a reset;
 * none shows the current choice.
 */
public final class GpuSetupRequest {

	/** What the set-up does. */
	public enum Action {
		SHOW, FOLDER, ARCHIVE, DOWNLOAD, RESET
	}

	public final Action action;
	/** The folder or archive given, else null. */
	public final Path path;
	public final URI url;
	/** The SHA-256 a download must have, or null. */
	public final String sha256;

	private GpuSetupRequest(Action action, Path path, URI url, String sha256) {
		this.action = action;
		this.path = path;
		this.url = url;
		this.sha256 = sha256;
	}

	/** @throws UnetException when more than one action is given, or the URL or checksum is malformed */
	public static GpuSetupRequest of(OptionValues v, Spelling spelling) {
		List<Action> asked = new ArrayList<>();
		Path folder = v.get(GpuSetupOptions.FOLDER), archive = v.get(GpuSetupOptions.ARCHIVE);
		if (folder != null)
			asked.add(Action.FOLDER);
		if (archive != null)
			asked.add(Action.ARCHIVE);
		if (v.get(GpuSetupOptions.DOWNLOAD))
			asked.add(Action.DOWNLOAD);
		if (v.get(GpuSetupOptions.RESET))
			asked.add(Action.RESET);
		if (asked.size() > 1)
			throw new UnetException("give only one of " + spelling.of(GpuSetupOptions.FOLDER) + ", " + spelling.of(GpuSetupOptions.ARCHIVE) + ", "
				+ spelling.of(GpuSetupOptions.DOWNLOAD) + " and " + spelling.of(GpuSetupOptions.RESET));
		Action action = asked.isEmpty() ? Action.SHOW : asked.get(0);
		String sha = v.get(GpuSetupOptions.SHA256).trim();
		if (!sha.isEmpty() && !sha.matches("[0-9a-fA-F]{64}"))
			throw new UnetException(spelling.of(GpuSetupOptions.SHA256) + " must be 64 hexadecimal digits, got '" + sha + "'");
		URI url;
		try {
			url = new URI(v.get(GpuSetupOptions.DOWNLOAD_URL).trim());
			if (url.getScheme() == null)
				throw new URISyntaxException(url.toString(), "no scheme (https:, file:)");
		} catch (URISyntaxException e) {
			throw new UnetException(spelling.of(GpuSetupOptions.DOWNLOAD_URL) + " is not a URL: " + e.getMessage());
		}
		return new GpuSetupRequest(action, action == Action.FOLDER ? folder : action == Action.ARCHIVE ? archive : null, url, sha.isEmpty() ? null : sha);
	}
}
