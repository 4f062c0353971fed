package org.lesionseg.unet.core.engine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.io.AtomicFiles;

/**
 * The plugin's engine settings file: which libtorch to use instead of the built-in CPU one. Fiji users cannot easily
 * set environment variables, so UNet GPU Setup ({@code ./unet gpu-setup}) stores the choice here and every later
 * session applies it ({@link #apply()}) before the engine starts, as the system properties DJL reads
 * ({@code PYTORCH_LIBRARY_PATH}, {@code PYTORCH_VERSION}, {@code PYTORCH_FLAVOR}: DJL 0.36.0's LibUtils reads each with
 * {@code Utils.getEnvOrSystemProperty}, the environment first).
 * <p>
 * One file for Fiji, headless Fiji and {@code ./unet}: {@code ~/.config/unet-segmentation/engine.properties}
 * ({@code $XDG_CONFIG_HOME} is honoured); {@code -Dunet.settings=FILE} or {@code UNET_SETTINGS=FILE} points elsewhere
 * (e.g. a shared file on a cluster). Environment variables set by the user win over the file.
 */
public final class EngineSettings {

	/** System property, and environment variable, naming another settings file. */
	public static final String FILE_PROPERTY = "unet.settings";
	public static final String FILE_VARIABLE = "UNET_SETTINGS";

	static final String FOLDER_KEY = "libtorch.folder";
	static final String VERSION_KEY = "libtorch.version";
	static final String SOURCE_KEY = "libtorch.source";
	static final String CHOSEN_KEY = "libtorch.chosen";

	/** The DJL settings applied from the file. */
	public static final String LIBRARY_PATH = "PYTORCH_LIBRARY_PATH";
	public static final String VERSION = "PYTORCH_VERSION";
	public static final String FLAVOR = "PYTORCH_FLAVOR";

	private static Applied applied;
	/** The PYTORCH_LIBRARY_PATH this class set (not the user's own). */
	private static String setHere;

	private EngineSettings() {
	}

	/** The settings file in use (it need not exist). */
	public static Path file() {
		String given = System.getProperty(FILE_PROPERTY);
		if (given == null || given.trim().isEmpty())
			given = System.getenv(FILE_VARIABLE);
		if (given != null && !given.trim().isEmpty())
			return Paths.get(given.trim()).toAbsolutePath();
		String xdg = System.getenv("XDG_CONFIG_HOME");
		Path config = xdg != null && !xdg.trim().isEmpty() ? Paths.get(xdg.trim()) : Paths.get(System.getProperty("user.home"), ".config");
		return config.resolve("unet-segmentation").resolve("engine.properties").toAbsolutePath();
	}

	/** Where archives given to GPU set-up are unpacked: beside the settings file. */
	public static Path installFolder() {
		return file().getParent().resolve("libtorch");
	}

	/** The stored choice: a libtorch folder, or null for the built-in CPU engine. */
	public static final class Choice {
		public final Path folder;
		public final String version;
		/** How it was chosen: folder, archive FILE, download URL. */
		public final String source;
		public final String chosen;

		Choice(Path folder, String version, String source, String chosen) {
			this.folder = folder;
			this.version = version;
			this.source = source;
			this.chosen = chosen;
		}
	}

	/** The choice stored in the settings file, or null (no file, or no libtorch in it). */
	public static Choice read() {
		return read(file());
	}

	static Choice read(Path file) {
		Properties p = load(file);
		String folder = p.getProperty(FOLDER_KEY, "").trim();
		if (folder.isEmpty())
			return null;
		return new Choice(Paths.get(folder), p.getProperty(VERSION_KEY, ""), p.getProperty(SOURCE_KEY, ""), p.getProperty(CHOSEN_KEY, ""));
	}

	/** Stores a checked libtorch folder as the choice of every later session (atomically). */
	public static Path store(LibtorchFolder libtorch, String source) {
		return store(file(), libtorch, source);
	}

	static Path store(Path file, LibtorchFolder libtorch, String source) {
		Properties p = load(file);
		p.setProperty(FOLDER_KEY, libtorch.libDir.toString());
		p.setProperty(VERSION_KEY, libtorch.version);
		p.setProperty(SOURCE_KEY, source);
		p.setProperty(CHOSEN_KEY, Instant.now().toString());
		save(file, p);
		return file;
	}

	/** Back to the built-in CPU engine: the libtorch choice leaves the file. @return whether there was one */
	public static boolean reset() {
		return reset(file());
	}

	static boolean reset(Path file) {
		Properties p = load(file);
		boolean had = p.getProperty(FOLDER_KEY) != null;
		for (String key : new String[] { FOLDER_KEY, VERSION_KEY, SOURCE_KEY, CHOSEN_KEY })
			p.remove(key);
		if (had)
			save(file, p);
		return had;
	}

	/** What this session uses, and why; made once by {@link #apply()}. */
	public static final class Applied {
		/** One line: which libtorch and where the choice came from. */
		public final String source;
		/** A problem with the stored choice, or null. */
		public final String warning;
		/** Whether the file's choice was set as system properties. */
		public final boolean fromFile;

		Applied(String source, String warning, boolean fromFile) {
			this.source = source;
			this.warning = warning;
			this.fromFile = fromFile;
		}
	}

	/**
	 * Applies the stored choice, once per session, before the engine starts: checks the folder again and sets DJL's
	 * system properties. Nothing is set when the user set {@code PYTORCH_LIBRARY_PATH} themselves (environment or
	 * {@code -D}), or when the stored folder is gone or changed (then the built-in CPU engine is used, with a warning).
	 */
	public static synchronized Applied apply() {
		if (applied == null)
			applied = decide(file(), true);
		return applied;
	}

	/** What a new session would use now (after GPU set-up changed the file), without setting anything. */
	public static synchronized Applied preview() {
		return decide(file(), false);
	}

	/** @param set whether to set DJL's system properties (only before the engine starts) */
	static Applied decide(Path file, boolean set) {
		String env = System.getenv(LIBRARY_PATH);
		if (env != null && !env.isEmpty())
			return new Applied(env + " (environment variable " + LIBRARY_PATH + "; it wins over the settings file " + file + ")", null, false);
		String property = System.getProperty(LIBRARY_PATH);
		if (property != null && !property.isEmpty() && !property.equals(setHere))
			return new Applied(property + " (system property -D" + LIBRARY_PATH + "; it wins over the settings file " + file + ")", null, false);
		Choice choice;
		try {
			choice = read(file);
		} catch (UnetException e) {
			return new Applied(builtIn(), e.getMessage(), false);
		}
		if (choice == null)
			return new Applied(builtIn() + "; no GPU set-up in " + file, null, false);
		LibtorchFolder libtorch;
		try {
			libtorch = LibtorchFolder.check(choice.folder);
		} catch (UnetException e) {
			return new Applied(builtIn(), "the settings file " + file + " names a libtorch that cannot be used: " + e.getMessage()
				+ ". Run UNet GPU Setup (./unet gpu-setup) again, or reset it", false);
		}
		if (set) {
			System.setProperty(LIBRARY_PATH, libtorch.libDir.toString());
			setHere = libtorch.libDir.toString();
			System.setProperty(VERSION, EngineReport.LIBTORCH_VERSION);
			// DJL picks the JNI library by this flavour; the jar holds a CUDA one for cu128 only
			if (System.getenv(FLAVOR) == null && System.getProperty(FLAVOR) == null)
				System.setProperty(FLAVOR, LibtorchFolder.JNI_CUDA);
		}
		return new Applied(libtorch.libDir + " (libtorch " + libtorch.version + ", from the settings file " + file + ")", libtorch.cudaWarning(), true);
	}

	private static String builtIn() {
		return "the built-in CPU libtorch " + EngineReport.LIBTORCH_VERSION;
	}

	private static Properties load(Path file) {
		Properties p = new Properties();
		if (!Files.exists(file))
			return p;
		try (InputStream in = Files.newInputStream(file)) {
			p.load(in);
		} catch (IOException | IllegalArgumentException e) {
			throw new UnetException("cannot read the settings file " + file + " (" + e.getMessage() + "): fix or delete it");
		}
		return p;
	}

	private static void save(Path file, Properties p) {
		List<String> keys = new ArrayList<>(p.stringPropertyNames());
		java.util.Collections.sort(keys);
		AtomicFiles.write(file, out -> {
			StringBuilder text = new StringBuilder("# UNet Segmentation engine settings (written by UNet GPU Setup / ./unet gpu-setup; reset with ./unet gpu-setup --reset)\n");
			for (String key : keys) {
				Properties one = new Properties();
				one.setProperty(key, p.getProperty(key));
				java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
				one.store(bytes, null); // escapes non-ASCII characters of a path, as load expects
				// drop its date comment
				for (String line : new String(bytes.toByteArray(), StandardCharsets.ISO_8859_1).split("\\R"))
					if (!line.startsWith("#") && !line.isEmpty())
						text.append(line).append('\n');
			}
			out.write(text.toString().getBytes(StandardCharsets.ISO_8859_1));
		});
	}
}
