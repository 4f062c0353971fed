package org.lesionseg.unet.core.data;

import java.nio.file.Path;
import java.util.Objects;

/** An image file and its mask file, under the image's base name. */
public final class ImageMaskPair {

	private final String name;
	private final Path imagePath;
	private final Path maskPath;

	public ImageMaskPair(String name, Path imagePath, Path maskPath) {
		this.name = Objects.requireNonNull(name);
		this.imagePath = Objects.requireNonNull(imagePath);
		this.maskPath = Objects.requireNonNull(maskPath);
	}

	/** The image's base name (file name without extension): the sample's name in splits and reports. */
	public String name() {
		return name;
	}

	public Path imagePath() {
		return imagePath;
	}

	public Path maskPath() {
		return maskPath;
	}

	@Override
	public boolean equals(Object o) {
		if (!(o instanceof ImageMaskPair))
			return false;
		ImageMaskPair other = (ImageMaskPair) o;
		return name.equals(other.name) && imagePath.equals(other.imagePath) && maskPath.equals(other.maskPath);
	}

	@Override
	public int hashCode() {
		return Objects.hash(name, imagePath, maskPath);
	}

	@Override
	public String toString() {
		return name + " (" + imagePath.getFileName() + " + " + maskPath.getFileName() + ")";
	}
}
