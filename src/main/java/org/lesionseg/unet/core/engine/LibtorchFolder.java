package org.lesionseg.unet.core.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.lesionseg.unet.core.UnetException;

/**
 * A folder checked to hold a CUDA build of libtorch that the plugin's JNI library can use: {@code libtorch.so},
 * {@code libtorch_cuda.so} and {@code libc10_cuda.so}, of version {@value EngineReport#LIBTORCH_VERSION} exactly. The
 * version is read, without loading anything, from the {@code build-version} file of a libtorch zip
 * ({@code libtorch/build-version}), from {@code version.py} of a PyTorch wheel ({@code torch/lib} beside
 * {@code torch/version.py}), or from the name DJL gives its cache folders ({@code 2.7.1-cu128-linux-x86_64}).
 */
public final class LibtorchFolder {

	/** The folder with libtorch.so (what DJL's PYTORCH_LIBRARY_PATH must name). */
	public final Path libDir;
	/** The version as the folder states it, e.g. 2.7.1+cu128. */
	public final String version;
	/** The CUDA build, e.g. cu128. */
	public final String cuda;

	/** The CUDA build of the plugin's JNI library (pytorch-jni 2.7.1-0.36.0 holds cpu and cu128 for Linux). */
	public static final String JNI_CUDA = "cu128";

	private static final Pattern VERSION = Pattern.compile("(\\d+\\.\\d+\\.\\d+)(?:[+-](cu\\d+|cpu|rocm[\\d.]+))?.*");

	private LibtorchFolder(Path libDir, String version, String cuda) {
		this.libDir = libDir;
		this.version = version;
		this.cuda = cuda;
	}

	/**
	 * Checks a folder the user named: the libtorch folder, its {@code lib} folder, or a folder holding {@code libtorch/}.
	 *
	 * @throws UnetException in one line naming what is wrong: missing, no libtorch, a CPU build, another version
	 */
	public static LibtorchFolder check(Path given) {
		Path folder = given.toAbsolutePath().normalize();
		if (!Files.isDirectory(folder))
			throw new UnetException("libtorch folder " + folder + (Files.exists(folder) ? " is a file, not a folder" : " does not exist"));
		Path lib = libDirIn(folder);
		if (lib == null)
			throw new UnetException(folder + " holds no libtorch.so (nor lib/libtorch.so): choose the unpacked libtorch folder or its lib folder");
		String version = versionOf(lib);
		if (version == null)
			throw new UnetException("cannot tell the libtorch version in " + lib + ": no build-version file (libtorch zip) or torch/version.py (PyTorch wheel) beside it");
		Matcher m = VERSION.matcher(version);
		if (!m.matches() || !m.group(1).equals(EngineReport.LIBTORCH_VERSION))
			throw new UnetException(lib + " holds libtorch " + version + ", but the plugin's JNI library needs libtorch " + EngineReport.LIBTORCH_VERSION
				+ " exactly (another version starts and then fails): use a libtorch " + EngineReport.LIBTORCH_VERSION + " CUDA build");
		if (!Files.isRegularFile(lib.resolve("libtorch_cuda.so")) || !Files.isRegularFile(lib.resolve("libc10_cuda.so")) || "cpu".equals(m.group(2)))
			throw new UnetException(lib + " holds a CPU build of libtorch " + version + " (no libtorch_cuda.so / libc10_cuda.so): a GPU needs a CUDA build such as libtorch "
				+ EngineReport.LIBTORCH_VERSION + "+" + JNI_CUDA);
		String cuda = m.group(2) != null ? m.group(2) : JNI_CUDA;
		return new LibtorchFolder(lib, version, cuda);
	}

	/** A warning when the CUDA build differs from the JNI library's, or null. */
	public String cudaWarning() {
		if (cuda.equals(JNI_CUDA))
			return null;
		return "libtorch " + version + " is a " + cuda + " build; the plugin's CUDA JNI library is built against " + EngineReport.LIBTORCH_VERSION + "+" + JNI_CUDA
			+ " (same libtorch version, so it should load, but only " + JNI_CUDA + " is tested)";
	}

	/** The folder with libtorch.so: the folder itself, its lib folder, or libtorch/lib inside it; null if none. */
	static Path libDirIn(Path folder) {
		for (Path candidate : new Path[] { folder, folder.resolve("lib"), folder.resolve("libtorch").resolve("lib") })
			if (Files.isRegularFile(candidate.resolve("libtorch.so")))
				return candidate;
		return null;
	}

	/** The version a libtorch lib folder states, or null when nothing states it. */
	static String versionOf(Path lib) {
		Path parent = lib.getParent();
		for (Path file : new Path[] { lib.resolve("build-version"), parent == null ? null : parent.resolve("build-version") }) {
			String text = firstLine(file);
			if (text != null)
				return text;
		}
		if (parent != null) {
			String py = read(parent.resolve("version.py"));
			if (py != null) {
				Matcher m = Pattern.compile("__version__\\s*=\\s*['\"]([^'\"]+)['\"]").matcher(py);
				if (m.find())
					return m.group(1);
			}
		}
		// DJL's cache: <cache>/pytorch/2.7.1-cu128-linux-x86_64/libtorch.so
		Matcher djl = Pattern.compile("(\\d+\\.\\d+\\.\\d+)(?:-\\d+)?-(cu\\d+|cpu)(?:-precxx11)?-[a-z]+-[a-z0-9_]+").matcher(String.valueOf(lib.getFileName()));
		if (djl.matches())
			return djl.group(1) + "+" + djl.group(2);
		return null;
	}

	private static String firstLine(Path file) {
		String text = file == null ? null : read(file);
		if (text == null)
			return null;
		String line = text.trim().split("\\R", 2)[0].trim();
		return line.isEmpty() ? null : line;
	}

	private static String read(Path file) {
		if (!Files.isRegularFile(file))
			return null;
		try {
			return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
		} catch (IOException e) {
			return null;
		}
	}
}
