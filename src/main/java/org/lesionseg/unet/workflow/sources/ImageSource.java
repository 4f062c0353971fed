package org.lesionseg.unet.workflow.sources;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.lesionseg.unet.core.data.DatasetFolders;
import org.lesionseg.unet.core.data.ImageFiles;
import org.lesionseg.unet.core.data.Listing;

/**
 * The images a job works on, whatever they come from: the image files of a folder (or one file), read one at a time
 * when needed, or images already in memory such as the planes of an open ImageJ image (converted by the ImageJ layer).
 * Segmenting a folder and segmenting an open image therefore run the same job.
 */
public abstract class ImageSource {

	/** The number of images. */
	public abstract int size();

	/**
	 * Reads image {@code index} (0-based).
	 *
	 * @throws org.lesionseg.unet.core.UnetException naming the file when it cannot be read
	 */
	public abstract SourceImage read(int index);

	/** What the images are, for messages: a folder, a file or an image title. */
	public abstract String description();

	/** The folder the images are read from (the folder results must not be written into), or null. */
	public Path folder() {
		return null;
	}

	/**
	 * The file name of image {@code index} (without reading it), or null for images that are not files. A sharded run
	 * keys its per-image records on it.
	 */
	public String fileName(int index) {
		return null;
	}

	/** One line per file that was skipped while listing (not an image file, hidden, ...). */
	public List<String> warnings() {
		return Collections.emptyList();
	}

	/**
	 * The images of a folder, by file name, or the one image file given. The folder is listed when first asked for its
	 * size or an image, so that a request can check where results go before.
	 */
	public static ImageSource files(Path folderOrFile) {
		return new FileList(null, folderOrFile, Files.isDirectory(folderOrFile) ? folderOrFile : null, folderOrFile.toString());
	}

	/** These image files, in this order. */
	public static ImageSource files(List<Path> files) {
		return new FileList(new Listing<>(files, Collections.emptyList()), null, null, files.size() + " files");
	}

	/** Images already in memory, for example converted from open ImageJ images. */
	public static ImageSource of(String description, List<SourceImage> images) {
		List<SourceImage> copy = Collections.unmodifiableList(new ArrayList<>(images));
		return new ImageSource() {
			@Override
			public int size() {
				return copy.size();
			}

			@Override
			public SourceImage read(int index) {
				return copy.get(index);
			}

			@Override
			public String description() {
				return description;
			}
		};
	}

	/** Image files read when asked for; they carry no calibration (the core reads pixel values only). */
	private static final class FileList extends ImageSource {
		private Listing<Path> files;
		private final Path toList;
		private final Path folder;
		private final String description;

		FileList(Listing<Path> files, Path toList, Path folder, String description) {
			this.files = files;
			this.toList = toList;
			this.folder = folder;
			this.description = description;
		}

		/** @throws org.lesionseg.unet.core.UnetException when the path is missing, holds no image or is not an image file */
		private Listing<Path> files() {
			if (files == null)
				files = DatasetFolders.listImages(toList);
			return files;
		}

		@Override
		public int size() {
			return files().size();
		}

		@Override
		public SourceImage read(int index) {
			return new SourceImage(ImageFiles.read(files().get(index)), null);
		}

		@Override
		public String description() {
			return description;
		}

		@Override
		public String fileName(int index) {
			return files().get(index).getFileName().toString();
		}

		@Override
		public Path folder() {
			return folder;
		}

		@Override
		public List<String> warnings() {
			return files().warnings();
		}
	}
}
