package org.lesionseg.unet.core.io;

import org.lesionseg.unet.core.UnetException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;


/**
 * Writes a file completely or not at all: the content goes to a hidden temporary file beside the target,
 * which is then moved over the target. A crash or an error halfway never leaves a truncated figure, table
 * or ROI set that a user (or the next run) would take for a finished one.
 */
public final class AtomicFiles {

	/** Writes the file's content to a stream; may throw, in which case the target is left untouched. */
	@FunctionalInterface
	public interface ContentWriter {
		void writeTo(OutputStream out) throws IOException;
	}

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
		Path absolute = target.toAbsolutePath();
		Path folder = absolute.getParent();
		// A random name of our own (not createTempFile) so the file gets the usual permissions, not 0600.
		Path temporary = folder.resolve("." + absolute.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
		try {
			Files.createDirectories(folder);
			try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))) {
				content.writeTo(out);
			}
			try {
				Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			} catch (AtomicMoveNotSupportedException e) {
				Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING);
			}
		} catch (IOException | RuntimeException e) {
			try {
				Files.deleteIfExists(temporary);
			} catch (IOException ignored) {
				// the original error matters more than a left-over temporary file
			}
			if (e instanceof UnetException)
				throw (UnetException) e;
			throw new UnetException("Could not write " + absolute + " (" + e + "): check that the folder is writable and the disk is not full.", e);
		}
	}
}
