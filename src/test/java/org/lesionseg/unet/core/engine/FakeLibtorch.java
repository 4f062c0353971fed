package org.lesionseg.unet.core.engine;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Folders and zips laid out like libtorch (empty library files, a version file): what GPU set-up checks, without a
 * real 3 GB libtorch, a GPU or the network. Loading them fails at once ("file too short"), and no CUDA library loads.
 */
public final class FakeLibtorch {

	private FakeLibtorch() {
	}

	/** PyTorch's libtorch zip unpacked: {@code root/libtorch/build-version} and {@code root/libtorch/lib/*.so}. */
	public static Path zipLayout(Path root, String version, boolean cuda) throws IOException {
		Path libtorch = root.resolve("libtorch");
		libraries(libtorch.resolve("lib"), cuda);
		Files.write(libtorch.resolve("build-version"), (version + "\n").getBytes(StandardCharsets.UTF_8));
		return root;
	}

	public static void libraries(Path lib, boolean cuda) throws IOException {
		Files.createDirectories(lib);
		for (String name : cuda ? new String[] { "libtorch.so", "libc10.so", "libtorch_cpu.so", "libtorch_cuda.so", "libc10_cuda.so" }
			: new String[] { "libtorch.so", "libc10.so", "libtorch_cpu.so" })
			Files.write(lib.resolve(name), new byte[0]);
	}

	/** A zip like PyTorch's libtorch-...-VERSION.zip, with an extra entry when given (e.g. one that escapes). */
	public static Path zip(Path file, String version, boolean cuda, String extraEntry) throws IOException {
		try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
			zip.putNextEntry(new ZipEntry("libtorch/build-version"));
			zip.write((version + "\n").getBytes(StandardCharsets.UTF_8));
			for (String name : cuda ? new String[] { "libtorch.so", "libc10.so", "libtorch_cuda.so", "libc10_cuda.so" } : new String[] { "libtorch.so", "libc10.so" }) {
				// stored, not deflated: the content is there as it is, for a test to damage it
				byte[] content = name.getBytes(StandardCharsets.UTF_8);
				ZipEntry e = new ZipEntry("libtorch/lib/" + name);
				e.setMethod(ZipEntry.STORED);
				e.setSize(content.length);
				CRC32 crc = new CRC32();
				crc.update(content);
				e.setCrc(crc.getValue());
				zip.putNextEntry(e);
				zip.write(content);
			}
			if (extraEntry != null) {
				zip.putNextEntry(new ZipEntry(extraEntry));
				zip.write(1);
			}
		}
		return file;
	}
}
