package org.lesionseg.unet.plugins;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.lesionseg.unet.core.data.ImageFiles;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ByteProcessor;

/**
 * Synthetic lesions that a tiny U-Net learns in seconds: bright disks on a noisy dark background. The disk positions
 * are known, so tests can check that segmented objects lie inside the true lesions.
 */
final class Blobs {

	/** One disk: centre and radius in pixels. */
	static final class Disk {
		final int cx, cy, r;

		Disk(int cx, int cy, int r) {
			this.cx = cx;
			this.cy = cy;
			this.r = r;
		}

		boolean contains(double x, double y) {
			// pixel (x, y) covers [x, x+1): its centre is x + 0.5
			double dx = x - (cx + 0.5), dy = y - (cy + 0.5);
			return dx * dx + dy * dy <= (r + 0.5) * (r + 0.5);
		}
	}

	/** An image with its mask and the disks drawn. */
	static final class Picture {
		final byte[] image;
		final byte[] mask;
		final List<Disk> disks;
		final int width, height;

		Picture(byte[] image, byte[] mask, List<Disk> disks, int width, int height) {
			this.image = image;
			this.mask = mask;
			this.disks = disks;
			this.width = width;
			this.height = height;
		}
	}

	private Blobs() {
	}

	/** A picture with the given disks (value 190-229 inside, 40-89 outside). */
	static Picture draw(int width, int height, List<Disk> disks, Random random) {
		byte[] image = new byte[width * height];
		byte[] mask = new byte[width * height];
		for (int y = 0; y < height; y++)
			for (int x = 0; x < width; x++) {
				boolean inside = false;
				for (Disk d : disks)
					inside |= (x - d.cx) * (x - d.cx) + (y - d.cy) * (y - d.cy) <= d.r * d.r;
				image[y * width + x] = (byte) (inside ? 190 + random.nextInt(40) : 40 + random.nextInt(50));
				mask[y * width + x] = (byte) (inside ? 255 : 0);
			}
		return new Picture(image, mask, disks, width, height);
	}

	/** A square picture with one disk of radius 3 to 6 at a random place. */
	static Picture random(int size, Random random) {
		List<Disk> disks = new ArrayList<>();
		disks.add(new Disk(7 + random.nextInt(size - 14), 7 + random.nextInt(size - 14), 3 + random.nextInt(4)));
		return draw(size, size, disks, random);
	}

	/** Writes {@code count} pictures as blobNN.png into dir/images and dir/masks. */
	static void writeFolders(Path dir, int count, int size, long seed) throws IOException {
		Files.createDirectories(dir.resolve("images"));
		Files.createDirectories(dir.resolve("masks"));
		Random random = new Random(seed);
		for (int i = 0; i < count; i++) {
			Picture p = random(size, random);
			String name = String.format(Locale.ROOT, "blob%02d.png", i);
			ImageFiles.writePng8(dir.resolve("images").resolve(name), p.image, size, size);
			ImageFiles.writePng8(dir.resolve("masks").resolve(name), p.mask, size, size);
		}
	}

	/** The pictures as an image stack and a mask stack (0/255). */
	static ImagePlus[] stacks(String title, List<Picture> pictures) {
		int w = pictures.get(0).width, h = pictures.get(0).height;
		ImageStack images = new ImageStack(w, h), masks = new ImageStack(w, h);
		for (Picture p : pictures) {
			images.addSlice(null, new ByteProcessor(w, h, p.image.clone()));
			masks.addSlice(null, new ByteProcessor(w, h, p.mask.clone()));
		}
		return new ImagePlus[] { new ImagePlus(title + ".tif", images), new ImagePlus(title + "-mask.tif", masks) };
	}

	static List<Picture> randomPictures(int count, int size, long seed) {
		Random random = new Random(seed);
		List<Picture> pictures = new ArrayList<>();
		for (int i = 0; i < count; i++)
			pictures.add(random(size, random));
		return pictures;
	}
}
