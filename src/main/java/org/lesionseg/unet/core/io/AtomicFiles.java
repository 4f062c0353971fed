package org.lesionseg.unet.core.io;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

import org.lesionseg.unet.core.UnetException;

/**
 * Writes a file completely or not at all: the content goes to a hidden temporary file beside the target
 * ({@code .<name>.tmp-<hex>}), is forced to the disk, then renamed over the target in one step, and the
 * folder is forced so the rename survives a power cut. A crash, a kill or an error halfway never leaves a
 * truncated model, figure, table or ROI set that a user (or the next run) would take for a finished one;
 * at worst a hidden temporary file stays behind ({@link #removeLeftoverTemporaryFiles(Path)}).
 */
public final class AtomicFiles {

	/** Writes the file's content to a stream; may throw, in which case the target is left untouched. */
	@FunctionalInterface
	public interface ContentWriter {
		void writeTo(OutputStream out) throws IOException;
	}

	private static final String TEMPORARY_MARK = ".tmp-";

	/** Temporary names keep at most this much of the target name, so they stay within file name limits. */
	private static final int MAX_NAME_IN_TEMPORARY = 100;

	private AtomicFiles() {
	}

	/**
	 * Creates a folder for results (with its parents) and checks that files can be written in it, so that a long
	 * training or evaluation fails at once rather than when it has finished and wants to save.
	 *
	 * @param what what goes into the folder, for the message ("report", "output", "model file")
	 * @throws UnetException saying whether the path is a file, cannot be created or is read-only
	 */
	public static void prepareFolder(Path folder, String what) {
		Path absolute = folder.toAbsolutePath();
		for (Path p = absolute; p != null; p = p.getParent())
			if (Files.exists(p) && !Files.isDirectory(p))
				throw new UnetException("cannot use " + absolute + " as the " + what + " folder: " + p + " is a file, not a folder; choose another path");
		try {
			Files.createDirectories(absolute);
		} catch (IOException e) {
			throw new UnetException("cannot create the " + what + " folder " + absolute + " (" + e.getClass().getSimpleName() + "): check the path and your write permission", e);
		}
		if (!Files.isWritable(absolute))
			throw new UnetException("cannot write in the " + what + " folder " + absolute + ": check your write permission or choose another folder");
	}

	/**
	 * Writes {@code target} atomically, creating missing parent folders.
	 *
	 * @throws UnetException if the file cannot be written, naming the file and the reason
	 */
	public static void write(Path target, ContentWriter content) {
		try {
			writeOrThrow(target, content);
		} catch (IOException | RuntimeException e) {
			if (e instanceof UnetException)
				throw (UnetException) e;
			throw new UnetException("could not write " + target.toAbsolutePath() + " (" + e + "): check that the folder is writable and the disk is not full", e);
		}
	}

	/**
	 * As {@link #write(Path, ContentWriter)}, for callers that explain failures themselves (the model file): the
	 * writer's own exceptions and I/O errors come out unchanged, after the temporary file has been deleted.
	 */
	public static void writeOrThrow(Path target, ContentWriter content) throws IOException {
		Path absolute = target.toAbsolutePath();
		Path folder = absolute.getParent();
		if (folder == null || absolute.getFileName() == null)
			throw new IllegalArgumentException("not a file path: " + target);
		Files.createDirectories(folder);
		Path temporary = null;
		boolean moved = false;
		try {
			FileChannel channel = null;
			for (int attempt = 0; channel == null; attempt++) {
				Path candidate = folder.resolve(temporaryName(absolute.getFileName().toString()));
				try {
					// CREATE_NEW under a random name of our own (not createTempFile): the usual permissions, not 0600
					channel = FileChannel.open(candidate, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
					temporary = candidate;
				} catch (FileAlreadyExistsException e) {
					if (attempt >= 20)
						throw e;
				}
			}
			try (FileChannel ch = channel) {
				BufferedOutputStream buffered = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
				content.writeTo(new KeptOpen(buffered));
				buffered.flush();
				ch.force(true);
			}
			try {
				Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			} catch (AtomicMoveNotSupportedException e) {
				Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING);
			}
			moved = true;
		} finally {
			if (!moved && temporary != null)
				deleteQuietly(temporary);
		}
		forceFolder(folder);
	}

	/** ".model.zip.tmp-1a2b3c4d": hidden, in the same folder (so the rename is atomic), clearly ours. */
	static String temporaryName(String targetName) {
		String base = targetName.length() > MAX_NAME_IN_TEMPORARY ? targetName.substring(0, MAX_NAME_IN_TEMPORARY) : targetName;
		return "." + base + TEMPORARY_MARK + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
	}

	/** Whether a file name is one of the writer's temporary files (left behind only by a crash or a kill). */
	public static boolean isTemporaryFile(Path file) {
		String name = file.getFileName() == null ? "" : file.getFileName().toString();
		return name.startsWith(".") && name.matches(".*\\.tmp-[0-9a-f]+");
	}

	/**
	 * Deletes the temporary files that writes of {@code target} left behind when the process was killed in the
	 * middle of writing (hidden {@code .<name>.tmp-<hex>} files beside it; the target itself is never touched).
	 * Call it before a new series of writes, not while another process may be writing the same file.
	 *
	 * @return how many files were deleted
	 */
	public static int removeLeftoverTemporaryFiles(Path target) {
		Path absolute = target.toAbsolutePath();
		Path folder = absolute.getParent();
		if (folder == null || !Files.isDirectory(folder))
			return 0;
		String prefix = temporaryName(absolute.getFileName().toString());
		prefix = prefix.substring(0, prefix.lastIndexOf(TEMPORARY_MARK) + TEMPORARY_MARK.length());
		int removed = 0;
		try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
			for (Path f : files)
				if (f.getFileName().toString().startsWith(prefix) && isTemporaryFile(f) && Files.deleteIfExists(f))
					removed++;
		} catch (IOException | RuntimeException e) {
			// leftovers are harmless (hidden and never read); failing to tidy them must not stop a training
		}
		return removed;
	}

	/** Makes the rename itself durable where the system allows it (Linux, macOS; not Windows). */
	private static void forceFolder(Path folder) {
		try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
			channel.force(true);
		} catch (IOException | RuntimeException e) {
			// not supported here: the file itself was already forced, which is what matters most
		}
	}

	private static void deleteQuietly(Path temporary) {
		try {
			Files.deleteIfExists(temporary);
		} catch (IOException e) {
			// the original error matters more; the name starts with '.' and says it is temporary
		}
	}

	/**
	 * The stream handed to a {@link ContentWriter}: close() only flushes, so a writer that closes its zip or image
	 * stream cannot close the file before it is forced to the disk.
	 */
	private static final class KeptOpen extends FilterOutputStream {
		KeptOpen(OutputStream out) {
			super(out);
		}

		@Override
		public void write(byte[] b, int off, int len) throws IOException {
			out.write(b, off, len); // FilterOutputStream would write byte by byte
		}

		@Override
		public void close() throws IOException {
			out.flush();
		}
	}
}
