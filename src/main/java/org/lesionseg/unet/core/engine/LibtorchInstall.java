package org.lesionseg.unet.core.engine;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Enumeration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.io.Checksums;

/**
 * Puts a CUDA libtorch {@value EngineReport#LIBTORCH_VERSION} where the settings file can name it: unpacks a libtorch
 * zip the user downloaded ({@link #unpack}), or downloads one when the user asks for it ({@link #download}). Both
 * report progress, check the version before the long part, and leave nothing half-written: the download goes to a
 * {@code .part} file, the archive to a hidden folder that is renamed when complete.
 */
public final class LibtorchInstall {

	/** Where GPU set-up downloads from when asked: PyTorch's CUDA 12.8 build of libtorch 2.7.1 for Linux (about 3 GB). */
	public static final String DEFAULT_URL = "https://download.pytorch.org/libtorch/" + LibtorchFolder.JNI_CUDA
		+ "/libtorch-cxx11-abi-shared-with-deps-" + EngineReport.LIBTORCH_VERSION + "%2B" + LibtorchFolder.JNI_CUDA + ".zip";

	/** Progress of a long step: bytes (or entries) done of a total (0 when unknown). */
	@FunctionalInterface
	public interface Progress {
		void update(String what, long done, long total);
	}

	private LibtorchInstall() {
	}

	/**
	 * Checks a libtorch zip (its {@code build-version} and CUDA libraries) before unpacking it into
	 * {@code installRoot/libtorch-<version>}; the CRC of every entry is verified while unpacking. A folder unpacked
	 * before from the same version is reused.
	 *
	 * @throws UnetException for a file that is not a zip, not libtorch, another version or a CPU build, or a damaged zip
	 */
	public static LibtorchFolder unpack(Path zip, Path installRoot, Progress progress) {
		Path archive = zip.toAbsolutePath().normalize();
		if (!Files.isRegularFile(archive))
			throw new UnetException("libtorch archive " + archive + (Files.isDirectory(archive) ? " is a folder: give it as the libtorch folder instead" : " does not exist"));
		String version = checkArchive(archive);
		Path target = installRoot.toAbsolutePath().normalize().resolve("libtorch-" + version.replaceAll("[^A-Za-z0-9.+_-]", "_"));
		if (Files.isDirectory(target)) {
			try {
				return LibtorchFolder.check(target);
			} catch (UnetException e) {
				deleteTree(target); // an earlier folder that no longer passes: unpack again
			}
		}
		Path temporary = installRoot.toAbsolutePath().normalize().resolve(".unpacking-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1));
		boolean done = false;
		try {
			Files.createDirectories(temporary);
			long size = Files.size(archive);
			try (InputStream raw = Files.newInputStream(archive); Counting counted = new Counting(raw); ZipInputStream in = new ZipInputStream(counted)) {
				byte[] buffer = new byte[1 << 16];
				long reported = -1;
				for (ZipEntry e; (e = in.getNextEntry()) != null;) {
					Path out = temporary.resolve(e.getName()).normalize();
					if (!out.startsWith(temporary))
						throw new UnetException(archive + " has an entry outside its folder (" + e.getName() + "): not unpacked");
					if (e.isDirectory()) {
						Files.createDirectories(out);
						continue;
					}
					Files.createDirectories(out.getParent());
					try (OutputStream o = Files.newOutputStream(out)) {
						for (int n; (n = in.read(buffer)) > 0;) {
							o.write(buffer, 0, n);
							if (counted.count - reported >= (8 << 20)) {
								reported = counted.count;
								progress.update("unpacking " + archive.getFileName(), counted.count, size);
							}
						}
					}
				}
				progress.update("unpacking " + archive.getFileName(), size, size);
			} catch (ZipException e) {
				throw new UnetException(archive + " is damaged (" + e.getMessage() + "): download it again");
			}
			LibtorchFolder.check(temporary);
			Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
			done = true;
			return LibtorchFolder.check(target);
		} catch (IOException e) {
			throw new UnetException("could not unpack " + archive + " into " + installRoot + " (" + e + "): check the free disk space (about 5 GB) and your write permission");
		} finally {
			if (!done)
				deleteTree(temporary);
		}
	}

	/** The archive's libtorch version, once it has the CUDA libraries of version 2.7.1. */
	static String checkArchive(Path archive) {
		String version = null;
		boolean torch = false, cuda = false;
		try (ZipFile zip = new ZipFile(archive.toFile())) {
			int versionDepth = Integer.MAX_VALUE;
			for (Enumeration<? extends ZipEntry> entries = zip.entries(); entries.hasMoreElements();) {
				ZipEntry e = entries.nextElement();
				String name = e.getName();
				int depth = name.split("/").length;
				if (name.endsWith("build-version") && depth < versionDepth) {
					versionDepth = depth;
					try (InputStream in = zip.getInputStream(e)) {
						version = new String(in.readNBytes(200), StandardCharsets.UTF_8).trim().split("\\R", 2)[0].trim();
					}
				}
				torch |= name.endsWith("lib/libtorch.so");
				cuda |= name.endsWith("lib/libtorch_cuda.so");
			}
		} catch (ZipException e) {
			throw new UnetException(archive + " is not a zip archive (" + e.getMessage() + "): give the libtorch .zip from pytorch.org, or unpack it and give the folder");
		} catch (IOException e) {
			throw new UnetException("cannot read " + archive + " (" + e + ")");
		}
		if (!torch)
			throw new UnetException(archive + " holds no lib/libtorch.so: it is not a libtorch archive");
		if (version == null || version.isEmpty())
			throw new UnetException("cannot tell the libtorch version of " + archive + ": it has no build-version file");
		if (!version.startsWith(EngineReport.LIBTORCH_VERSION + "+") && !version.equals(EngineReport.LIBTORCH_VERSION))
			throw new UnetException(archive + " holds libtorch " + version + ", but the plugin's JNI library needs libtorch " + EngineReport.LIBTORCH_VERSION
				+ " exactly (another version starts and then fails): use a libtorch " + EngineReport.LIBTORCH_VERSION + " CUDA build");
		if (!cuda)
			throw new UnetException(archive + " holds a CPU build of libtorch " + version + " (no libtorch_cuda.so): a GPU needs a CUDA build such as libtorch "
				+ EngineReport.LIBTORCH_VERSION + "+" + LibtorchFolder.JNI_CUDA);
		return version;
	}

	/** A finished download: the file and its SHA-256. */
	public static final class Downloaded {
		public final Path file;
		public final String sha256;

		Downloaded(Path file, String sha256) {
			this.file = file;
			this.sha256 = sha256;
		}
	}

	/**
	 * Downloads {@code url} to {@code target} (through {@code target.part}, renamed when complete) with progress, and
	 * computes its SHA-256 on the way. Only ever called when the user asked for a download.
	 *
	 * @param expectedSha256 the checksum the file must have (hex), or null to only report it
	 * @throws UnetException when the download fails, is cut short, or has another checksum (the file is then deleted)
	 */
	public static Downloaded download(URI url, Path target, String expectedSha256, Progress progress) {
		Path part = target.resolveSibling(target.getFileName() + ".part");
		MessageDigest sha = Checksums.newSha256();
		boolean done = false;
		try {
			Files.createDirectories(target.toAbsolutePath().getParent());
			URLConnection connection = url.toURL().openConnection();
			connection.setConnectTimeout(30_000);
			connection.setReadTimeout(120_000);
			long total = Math.max(0, connection.getContentLengthLong());
			long count = 0, reported = -1;
			try (InputStream in = new DigestInputStream(connection.getInputStream(), sha); OutputStream out = Files.newOutputStream(part)) {
				byte[] buffer = new byte[1 << 16];
				for (int n; (n = in.read(buffer)) > 0;) {
					out.write(buffer, 0, n);
					count += n;
					if (count - reported >= (8 << 20)) {
						reported = count;
						progress.update("downloading " + url, count, total);
					}
				}
			}
			progress.update("downloading " + url, count, total);
			if (total > 0 && count != total)
				throw new UnetException("the download of " + url + " stopped after " + count + " of " + total + " bytes: try again");
			String actual = Checksums.hex(sha.digest());
			if (expectedSha256 != null && !expectedSha256.trim().isEmpty() && !actual.equalsIgnoreCase(expectedSha256.trim()))
				throw new UnetException("the download of " + url + " has SHA-256 " + actual + ", not the expected " + expectedSha256.trim() + ": it was deleted");
			Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
			done = true;
			return new Downloaded(target, actual);
		} catch (IOException e) {
			throw new UnetException("could not download " + url + " (" + e + "): check the network, or download the zip yourself and give it as the archive");
		} finally {
			if (!done)
				try {
					Files.deleteIfExists(part);
				} catch (IOException e) {
					// the part file stays; the next attempt overwrites it
				}
		}
	}

	static void deleteTree(Path folder) {
		if (!Files.exists(folder))
			return;
		try {
			if (Files.isDirectory(folder) && !Files.isSymbolicLink(folder))
				try (DirectoryStream<Path> children = Files.newDirectoryStream(folder)) {
					for (Path child : children)
						deleteTree(child);
				}
			Files.deleteIfExists(folder);
		} catch (IOException e) {
			// left behind: a hidden folder beside the settings file, harmless
		}
	}

	/** Counts the bytes read (the compressed archive), for progress. */
	private static final class Counting extends FilterInputStream {
		long count;

		Counting(InputStream in) {
			super(in);
		}

		@Override
		public int read() throws IOException {
			int b = super.read();
			if (b >= 0)
				count++;
			return b;
		}

		@Override
		public int read(byte[] b, int off, int len) throws IOException {
			int n = super.read(b, off, len);
			if (n > 0)
				count += n;
			return n;
		}
	}
}
