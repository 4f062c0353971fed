package org.lesionseg.unet.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

import org.lesionseg.unet.core.data.ImageFiles;

/**
 * Writes small image and mask files of every kind a user may have (8/16/32-bit grey, RGB, JPEG, stacks) for the
 * command-line tests: a bright square (the lesion) on a noisy background, and its mask.
 */
final class TestImages {

	/** The pixel type of the image files written. */
	enum Kind {
		GREY8, GREY16, FLOAT32, RGB
	}

	private TestImages() {
	}

	/** A square's mask (0/1, row-major) at a place derived from {@code seed}; the square covers about a tenth of the image. */
	static byte[] squareMask(int w, int h, long seed) {
		Random random = new Random(seed);
		int side = Math.max(1, Math.min(w, h) / 3);
		int x0 = random.nextInt(Math.max(1, w - side)), y0 = random.nextInt(Math.max(1, h - side));
		byte[] mask = new byte[w * h];
		for (int y = y0; y < Math.min(h, y0 + side); y++)
			for (int x = x0; x < Math.min(w, x0 + side); x++)
				mask[y * w + x] = 1;
		return mask;
	}

	/** Grey values 0..255 of an image showing the mask as a bright square with noise. */
	static int[] greyOf(byte[] mask, long seed) {
		Random random = new Random(seed * 7 + 1);
		int[] grey = new int[mask.length];
		for (int i = 0; i < mask.length; i++)
			grey[i] = Math.max(0, Math.min(255, (mask[i] != 0 ? 180 : 60) + (int) (random.nextGaussian() * 12)));
		return grey;
	}

	/** Writes {@code count} image/mask pairs named {@code img000.png} ... (images in {@code kind}, masks 8-bit 0/255 PNG). */
	static void pairs(Path images, Path masks, int count, int size, Kind kind) throws IOException {
		Files.createDirectories(images);
		Files.createDirectories(masks);
		for (int i = 0; i < count; i++) {
			String name = String.format("img%03d", i);
			byte[] mask = squareMask(size, size, i);
			image(images.resolve(name + extension(kind)), greyOf(mask, i), size, size, kind);
			mask255(masks.resolve(name + ".png"), mask, size, size);
		}
	}

	static String extension(Kind kind) {
		return kind == Kind.GREY16 || kind == Kind.FLOAT32 ? ".tif" : ".png";
	}

	/** Writes grey values 0..255 as the given kind (16-bit scaled by 257, float as value / 255, RGB tinted). */
	static void image(Path file, int[] grey, int w, int h, Kind kind) {
		switch (kind) {
			case GREY8: {
				byte[] b = new byte[grey.length];
				for (int i = 0; i < b.length; i++)
					b[i] = (byte) grey[i];
				ImageFiles.writePng8(file, b, w, h);
				break;
			}
			case GREY16: {
				short[] s = new short[grey.length];
				for (int i = 0; i < s.length; i++)
					s[i] = (short) (grey[i] * 257);
				ImageFiles.writeTiff16(file, s, w, h);
				break;
			}
			case FLOAT32: {
				float[] f = new float[grey.length];
				for (int i = 0; i < f.length; i++)
					f[i] = grey[i] / 255f * 1000f - 200f; // a range of its own, as in CT or MR exports
				ImageFiles.writeTiffFloat(file, f, w, h);
				break;
			}
			case RGB: {
				int[] argb = new int[grey.length];
				for (int i = 0; i < argb.length; i++)
					argb[i] = (grey[i] << 16) | ((grey[i] * 3 / 4) << 8) | (grey[i] / 2);
				ImageFiles.writePngRgb(file, argb, w, h);
				break;
			}
			default:
				throw new AssertionError(kind);
		}
	}

	/** Writes a 0/1 mask as an 8-bit PNG with 0 and 255. */
	static void mask255(Path file, byte[] mask, int w, int h) {
		byte[] b = new byte[mask.length];
		for (int i = 0; i < b.length; i++)
			b[i] = (byte) (mask[i] != 0 ? 255 : 0);
		ImageFiles.writePng8(file, b, w, h);
	}

	/** Writes a 0/1 mask as an 8-bit PNG with the given value for the lesion (1 for 0/1 masks). */
	static void maskValue(Path file, byte[] mask, int w, int h, int value) {
		byte[] b = new byte[mask.length];
		for (int i = 0; i < b.length; i++)
			b[i] = (byte) (mask[i] != 0 ? value : 0);
		ImageFiles.writePng8(file, b, w, h);
	}

	/** Writes a 0/255 mask as a real JPEG (lossy: its edges get many grey values). */
	static void jpegMask(Path file, byte[] mask, int w, int h) throws IOException {
		BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
		byte[] b = new byte[mask.length];
		for (int i = 0; i < b.length; i++)
			b[i] = (byte) (mask[i] != 0 ? 255 : 0);
		image.getRaster().setDataElements(0, 0, w, h, b);
		if (!ImageIO.write(image, "jpg", file.toFile()))
			throw new IOException("no JPEG writer");
	}

	/** Writes 8-bit grey pages (values 0..255, row-major) as one multi-page TIFF. */
	static void stack(Path file, List<int[]> pages, int w, int h) throws IOException {
		ImageWriter writer = ImageIO.getImageWritersByFormatName("tiff").next();
		Files.deleteIfExists(file);
		try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
			writer.setOutput(out);
			writer.prepareWriteSequence(null);
			for (int[] page : pages) {
				BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
				byte[] b = new byte[page.length];
				for (int i = 0; i < b.length; i++)
					b[i] = (byte) page[i];
				image.getRaster().setDataElements(0, 0, w, h, b);
				writer.writeToSequence(new IIOImage(image, null, null), null);
			}
			writer.endWriteSequence();
		} finally {
			writer.dispose();
		}
	}
}
