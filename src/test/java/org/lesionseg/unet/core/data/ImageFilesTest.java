package org.lesionseg.unet.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.core.UnetException;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import ij.process.ShortProcessor;

class ImageFilesTest {

	static final Path SAMPLES = Paths.get("sample-data");

	@TempDir
	Path dir;

	/** Every pixel of an ImageJ processor, row-major, as ImageJ reports it. */
	static float[] ijPixels(ImageProcessor ip) {
		float[] values = new float[ip.getWidth() * ip.getHeight()];
		for (int y = 0; y < ip.getHeight(); y++)
			for (int x = 0; x < ip.getWidth(); x++)
				values[y * ip.getWidth() + x] = ip.getPixelValue(x, y);
		return values;
	}

	@Test
	void realGreyPngsMatchImageJ() {
		for (Path file : new Path[] { SAMPLES.resolve("isles22-case0009/images/sub-strokecase0009_z030.png"),
				SAMPLES.resolve("ich-ct-bhsd/images/120018.png") }) {
			LoadedImage image = ImageFiles.read(file);
			ImagePlus imp = IJ.openImage(file.toString());
			assertEquals(imp.getWidth(), image.width());
			assertEquals(imp.getHeight(), image.height());
			assertEquals(1, image.channels());
			assertEquals(8, image.bitDepth());
			assertEquals(1, image.slices());
			assertArrayEquals(ijPixels(imp.getProcessor()), image.plane(0), 0f, file.toString());
		}
		LoadedImage isles = ImageFiles.read(SAMPLES.resolve("isles22-case0009/images/sub-strokecase0009_z030.png"));
		assertEquals("sub-strokecase0009_z030", isles.name());
		assertEquals(112, isles.width());
		// a known pixel, independently read by ImageJ: the brightest pixel's value is found at its position
		ImagePlus imp = IJ.openImage(SAMPLES.resolve("isles22-case0009/images/sub-strokecase0009_z030.png").toString());
		int x = 56, y = 56;
		assertEquals(imp.getProcessor().get(x, y), (int) isles.plane(0)[y * 112 + x]);
	}

	@Test
	void getRgbWouldHaveChangedGreyValues() throws IOException {
		// Documents why raster samples are read: getRGB colour-converts many grey values of the real data.
		Path file = SAMPLES.resolve("ich-ct-bhsd/images/120018.png");
		BufferedImage bi = ImageIO.read(file.toFile());
		float[] raw = ImageFiles.read(file).plane(0);
		int differing = 0;
		for (int i = 0; i < raw.length; i++)
			if ((bi.getRGB(i % 512, i / 512) & 0xff) != (int) raw[i])
				differing++;
		assertTrue(differing > 0, "getRGB should differ somewhere on a grey PNG");
	}

	@Test
	void png8RoundTrip() {
		byte[] pixels = { 0, 1, 51, (byte) 128, (byte) 254, (byte) 255 };
		Path file = dir.resolve("m.png");
		ImageFiles.writePng8(file, pixels, 3, 2);
		LoadedImage image = ImageFiles.read(file);
		assertEquals(3, image.width());
		assertEquals(2, image.height());
		assertEquals(8, image.bitDepth());
		assertArrayEquals(new float[] { 0, 1, 51, 128, 254, 255 }, image.plane(0));
		assertArrayEquals(new float[] { 0, 1, 51, 128, 254, 255 }, ijPixels(IJ.openImage(file.toString()).getProcessor()));
	}

	@Test
	void pngRgbRoundTrip() {
		int[] argb = { 0xff102030, 0x00405060, 0xffffffff, 0xff000000 };
		Path file = dir.resolve("c.png");
		ImageFiles.writePngRgb(file, argb, 2, 2);
		LoadedImage image = ImageFiles.read(file);
		assertEquals(3, image.channels());
		assertEquals(8, image.bitDepth());
		assertArrayEquals(new float[] { 0x10, 0x40, 255, 0, 0x20, 0x50, 255, 0, 0x30, 0x60, 255, 0 }, image.plane(0));
		ImagePlus imp = IJ.openImage(file.toString());
		assertEquals(0x405060, imp.getProcessor().get(1, 0) & 0xffffff);
	}

	@Test
	void tiff16RoundTrip() {
		short[] pixels = { 0, 1, 1000, (short) 40000, (short) 65535, 255 };
		Path file = dir.resolve("s.tif");
		ImageFiles.writeTiff16(file, pixels, 2, 3);
		LoadedImage image = ImageFiles.read(file);
		assertEquals(16, image.bitDepth());
		assertEquals(2, image.width());
		assertEquals(3, image.height());
		float[] expected = { 0, 1, 1000, 40000, 65535, 255 };
		assertArrayEquals(expected, image.plane(0));
		ImagePlus imp = IJ.openImage(file.toString());
		assertEquals(16, imp.getBitDepth());
		assertArrayEquals(expected, ijPixels(imp.getProcessor()));
	}

	@Test
	void sixteenBitPngAndMaskOf65535() throws IOException {
		BufferedImage png16 = new BufferedImage(2, 2, BufferedImage.TYPE_USHORT_GRAY);
		png16.getRaster().setDataElements(0, 0, 2, 2, new short[] { 0, (short) 65535, (short) 65535, 0 });
		Path file = dir.resolve("m16.png");
		ImageIO.write(png16, "png", file.toFile());
		LoadedImage image = ImageFiles.read(file);
		assertEquals(16, image.bitDepth());
		assertArrayEquals(new float[] { 0, 65535, 65535, 0 }, image.plane(0));
		assertArrayEquals(image.plane(0), ijPixels(IJ.openImage(file.toString()).getProcessor()));
		assertArrayEquals(new byte[] { 0, 1, 1, 0 }, ImageFiles.readMask(file, MaskPolicy.STRICT));
		Path tif = dir.resolve("m16.tif");
		ImageFiles.writeTiff16(tif, new short[] { (short) 65535, 0, 0, 0 }, 2, 2);
		assertArrayEquals(new byte[] { 1, 0, 0, 0 }, ImageFiles.readMask(tif, MaskPolicy.STRICT));
	}

	@Test
	void floatTiffRoundTripAndImageJReadsSameValues() {
		float[] pixels = { 0f, 1.5f, -2f, 3e5f, 0.123456f, Float.NaN, 1e-7f, -0f };
		Path file = dir.resolve("p.tif");
		ImageFiles.writeTiffFloat(file, pixels, 4, 2);
		LoadedImage image = ImageFiles.read(file);
		assertEquals(32, image.bitDepth());
		assertArrayEquals(pixels, image.plane(0));
		ImagePlus imp = IJ.openImage(file.toString());
		assertEquals(32, imp.getBitDepth());
		assertEquals(4, imp.getWidth());
		assertArrayEquals(pixels, (float[]) imp.getProcessor().getPixels());
	}

	@Test
	void writersLeaveNoTempFilesAndReplaceExisting() throws IOException {
		Path file = dir.resolve("sub/out.png");
		ImageFiles.writePng8(file, new byte[] { 1, 2, 3, 4 }, 2, 2);
		ImageFiles.writePng8(file, new byte[] { 9, 8, 7, 6 }, 2, 2);
		assertArrayEquals(new float[] { 9, 8, 7, 6 }, ImageFiles.read(file).plane(0));
		try (Stream<Path> files = Files.list(file.getParent())) {
			assertEquals(Arrays.asList("out.png"), files.map(p -> p.getFileName().toString()).collect(Collectors.toList()));
		}
		assertThrows(IllegalArgumentException.class, () -> ImageFiles.writePng8(file, new byte[3], 2, 2));
	}

	@Test
	void readsTiffsWrittenByImageJ() {
		ByteProcessor b = new ByteProcessor(3, 2, new byte[] { 0, 7, (byte) 200, (byte) 255, 1, 2 });
		check(b, "b.tif", 8, 1, new float[] { 0, 7, 200, 255, 1, 2 });
		ShortProcessor s = new ShortProcessor(3, 2, new short[] { 0, 7, (short) 60000, 300, 1, 2 }, null);
		check(s, "s.tif", 16, 1, new float[] { 0, 7, 60000, 300, 1, 2 });
		FloatProcessor f = new FloatProcessor(3, 2, new float[] { -1.25f, 0, 3.5f, 1e6f, 0.1f, 2 });
		check(f, "f.tif", 32, 1, new float[] { -1.25f, 0, 3.5f, 1e6f, 0.1f, 2 });
		ColorProcessor c = new ColorProcessor(2, 1, new int[] { 0x0a141e, 0xff8001 });
		check(c, "c.tif", 8, 3, new float[] { 10, 255, 20, 128, 30, 1 });
	}

	private void check(ImageProcessor ip, String fileName, int bitDepth, int channels, float[] expected) {
		Path file = dir.resolve(fileName);
		assertTrue(new FileSaver(new ImagePlus("x", ip)).saveAsTiff(file.toString()));
		LoadedImage image = ImageFiles.read(file);
		assertEquals(bitDepth, image.bitDepth(), fileName);
		assertEquals(channels, image.channels(), fileName);
		assertArrayEquals(expected, image.plane(0), fileName);
	}

	@Test
	void readsImageJStackAsSlices() {
		ImageStack stack = new ImageStack(2, 2);
		for (int i = 0; i < 3; i++)
			stack.addSlice(new ShortProcessor(2, 2, new short[] { (short) (1000 * i), 1, 2, (short) (50000 + i) }, null));
		Path file = dir.resolve("stack.tif");
		assertTrue(new FileSaver(new ImagePlus("st", stack)).saveAsTiffStack(file.toString()));
		LoadedImage image = ImageFiles.read(file);
		assertEquals(3, image.slices());
		assertEquals(16, image.bitDepth());
		for (int i = 0; i < 3; i++)
			assertArrayEquals(new float[] { 1000 * i, 1, 2, 50000 + i }, image.plane(i));
		assertEquals("stack", image.name());
	}

	@Test
	void dropsAlphaFromRgbaAndGreyAlpha() throws IOException {
		BufferedImage rgba = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
		rgba.setRGB(0, 0, 0x80102030);
		rgba.setRGB(1, 0, 0x00ffffff);
		Path file = dir.resolve("rgba.png");
		ImageIO.write(rgba, "png", file.toFile());
		LoadedImage image = ImageFiles.read(file);
		assertEquals(3, image.channels());
		assertArrayEquals(new float[] { 0x10, 255, 0x20, 255, 0x30, 255 }, image.plane(0));

		// grey + alpha PNG, written by ImageIO from a 2-band grey raster
		java.awt.image.ColorModel cm = new java.awt.image.ComponentColorModel(java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_GRAY), true, false,
				java.awt.Transparency.TRANSLUCENT, java.awt.image.DataBuffer.TYPE_BYTE);
		java.awt.image.WritableRaster raster = cm.createCompatibleWritableRaster(2, 1);
		raster.setPixel(0, 0, new int[] { 77, 10 });
		raster.setPixel(1, 0, new int[] { 200, 255 });
		Path greyAlpha = dir.resolve("ga.png");
		ImageIO.write(new BufferedImage(cm, raster, false, null), "png", greyAlpha.toFile());
		LoadedImage ga = ImageFiles.read(greyAlpha);
		assertEquals(1, ga.channels());
		assertArrayEquals(new float[] { 77, 200 }, ga.plane(0));
	}

	@Test
	void paletteImages() throws IOException {
		// grey palette that is inverted: the index values are kept, as ImageJ shows them
		byte[] inverted = new byte[256];
		for (int i = 0; i < 256; i++)
			inverted[i] = (byte) (255 - i);
		BufferedImage greyPal = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(8, 256, inverted, inverted, inverted));
		greyPal.getRaster().setSample(0, 0, 0, 3);
		greyPal.getRaster().setSample(1, 0, 0, 250);
		Path g = dir.resolve("gp.png");
		ImageIO.write(greyPal, "png", g.toFile());
		LoadedImage gp = ImageFiles.read(g);
		assertEquals(1, gp.channels());
		assertArrayEquals(new float[] { 3, 250 }, gp.plane(0));
		assertArrayEquals(new float[] { 3, 250 }, ijPixels(IJ.openImage(g.toString()).getProcessor()));

		// colour palette: expanded to RGB
		byte[] r = { 0, (byte) 255, 0 }, gr = { 0, 0, (byte) 200 }, bl = { 0, 10, 0 };
		BufferedImage colourPal = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(8, 3, r, gr, bl));
		colourPal.getRaster().setSample(0, 0, 0, 1);
		colourPal.getRaster().setSample(1, 0, 0, 2);
		colourPal.getRaster().setSample(2, 0, 0, 0);
		Path c = dir.resolve("cp.png");
		ImageIO.write(colourPal, "png", c.toFile());
		LoadedImage cp = ImageFiles.read(c);
		assertEquals(3, cp.channels());
		assertArrayEquals(new float[] { 255, 0, 0, 0, 200, 0, 10, 0, 0 }, cp.plane(0));

		// 1-bit: 0/1 like ImageJ
		BufferedImage bin = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_BINARY);
		bin.getRaster().setSample(1, 1, 0, 1);
		Path b = dir.resolve("bin.png");
		ImageIO.write(bin, "png", b.toFile());
		LoadedImage bi = ImageFiles.read(b);
		assertEquals(1, bi.channels());
		assertArrayEquals(new float[] { 0, 0, 0, 0, 1, 0 }, bi.plane(0));
		assertArrayEquals(ijPixels(IJ.openImage(b.toString()).getProcessor()), bi.plane(0));
		assertArrayEquals(new byte[] { 0, 0, 0, 0, 1, 0 }, ImageFiles.readMask(b, MaskPolicy.STRICT));
	}

	@Test
	void jpegAndBmp() throws IOException {
		BufferedImage grey = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
		for (int i = 0; i < 256; i++)
			grey.getRaster().setSample(i % 16, i / 16, 0, 128);
		Path jpg = dir.resolve("g.jpg");
		ImageIO.write(grey, "jpeg", jpg.toFile());
		LoadedImage j = ImageFiles.read(jpg);
		assertEquals(1, j.channels());
		assertEquals(128, j.plane(0)[17], 1.0); // a flat image survives JPEG almost exactly

		BufferedImage rgb = new BufferedImage(2, 2, BufferedImage.TYPE_3BYTE_BGR);
		rgb.setRGB(1, 0, 0x112233);
		Path bmp = dir.resolve("c.bmp");
		ImageIO.write(rgb, "bmp", bmp.toFile());
		LoadedImage b = ImageFiles.read(bmp);
		assertEquals(3, b.channels());
		assertArrayEquals(new float[] { 0, 0x11, 0, 0, 0, 0x22, 0, 0, 0, 0x33, 0, 0 }, b.plane(0));
	}

	@Test
	void errorsNameTheFile() throws IOException {
		Path missing = dir.resolve("missing.png");
		assertMessage(() -> ImageFiles.read(missing), "missing.png", "does not exist");

		Path empty = Files.createFile(dir.resolve("empty.png"));
		assertMessage(() -> ImageFiles.read(empty), "empty.png", "empty");

		Path text = dir.resolve("notes.png");
		Files.write(text, "this is not an image".getBytes("UTF-8"));
		assertMessage(() -> ImageFiles.read(text), "notes.png", "not an image");

		assertMessage(() -> ImageFiles.read(dir), dir.toString(), "folder");

		Path real = SAMPLES.resolve("ich-ct-bhsd/images/120018.png");
		byte[] bytes = Files.readAllBytes(real);
		Path truncated = dir.resolve("cut.png");
		Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
		assertMessage(() -> ImageFiles.read(truncated), "cut.png", "corrupt");

		BufferedImage grey = new BufferedImage(64, 64, BufferedImage.TYPE_BYTE_GRAY);
		for (int i = 0; i < 64 * 64; i++)
			grey.getRaster().setSample(i % 64, i / 64, 0, (i * 37) % 256);
		Path jpg = dir.resolve("full.jpg");
		ImageIO.write(grey, "jpeg", jpg.toFile());
		byte[] jpegBytes = Files.readAllBytes(jpg);
		Path cutJpeg = dir.resolve("cut.jpg");
		Files.write(cutJpeg, Arrays.copyOf(jpegBytes, jpegBytes.length / 2));
		assertMessage(() -> ImageFiles.read(cutJpeg), "cut.jpg", "corrupt");

		Path tif = dir.resolve("full.tif");
		ImageFiles.writeTiffFloat(tif, new float[100 * 100], 100, 100);
		byte[] tifBytes = Files.readAllBytes(tif);
		Path cutTif = dir.resolve("cut.tif");
		Files.write(cutTif, Arrays.copyOf(tifBytes, tifBytes.length / 2));
		assertMessage(() -> ImageFiles.read(cutTif), "cut.tif", "corrupt");
	}

	static void assertMessage(Runnable action, String... parts) {
		UnetException e = assertThrows(UnetException.class, action::run);
		for (String part : parts)
			assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' should contain '" + part + "'");
		assertFalse(e.getMessage().contains("\n"), "one line");
	}

	// ---------------------------------------------------------------- masks

	@Test
	void binaryMasksOfAnyForegroundValue() {
		assertArrayEquals(new byte[] { 0, 1, 1, 0 }, ImageFiles.toBinaryMask(new float[] { 0, 1, 1, 0 }, "m"));
		assertArrayEquals(new byte[] { 0, 1, 1, 0 }, ImageFiles.toBinaryMask(new float[] { 0, 255, 255, 0 }, "m"));
		assertArrayEquals(new byte[] { 0, 1, 1, 0 }, ImageFiles.toBinaryMask(new float[] { 0, 65535, 65535, 0 }, "m"));
		assertArrayEquals(new byte[] { 0, 0 }, ImageFiles.toBinaryMask(new float[] { 0, 0 }, "m"));
		assertArrayEquals(new byte[] { 1, 1 }, ImageFiles.toBinaryMask(new float[] { 7, 7 }, "m"));
		// label image: every non-zero class is foreground
		assertArrayEquals(new byte[] { 0, 1, 1, 1, 1, 1, 0 }, ImageFiles.toBinaryMask(new float[] { 0, 1, 2, 3, 4, 5, 0 }, "m"));
	}

	@Test
	void greyOrJpegMaskRejectedUnlessThresholded() {
		float[] values = new float[40];
		for (int i = 0; i < values.length; i++)
			values[i] = i * 5; // 0..195, 40 distinct values, max 195
		UnetException e = assertThrows(UnetException.class, () -> ImageFiles.toBinaryMask(values, "lesion07"));
		assertTrue(e.getMessage().startsWith("mask lesion07 is not binary (40 distinct values; it looks like a JPEG or a grey image): "
				+ "save masks as PNG or TIFF with 0 for background and 255 for lesion"), e.getMessage());
		byte[] thresholded = ImageFiles.toBinaryMask(values, "lesion07", MaskPolicy.THRESHOLD_HALF);
		for (int i = 0; i < values.length; i++)
			assertEquals(values[i] >= 97.5f ? 1 : 0, thresholded[i], "value " + values[i]);
		assertEquals(20, sum(thresholded)); // 100..195
	}

	@Test
	void jpegMaskFileRejected() throws IOException {
		BufferedImage mask = new BufferedImage(32, 32, BufferedImage.TYPE_BYTE_GRAY);
		for (int y = 8; y < 21; y++)
			for (int x = 5; x < 19; x++)
				mask.getRaster().setSample(x, y, 0, 255);
		Path jpg = dir.resolve("mask.jpg");
		ImageIO.write(mask, "jpeg", jpg.toFile());
		assertMessage(() -> ImageFiles.readMask(jpg, MaskPolicy.STRICT), "mask " + jpg + " is not binary", "JPEG");
		byte[] fixed = ImageFiles.readMask(jpg, MaskPolicy.THRESHOLD_HALF);
		assertEquals(1, fixed[12 * 32 + 10]);
		assertEquals(0, fixed[2 * 32 + 2]);
		assertEquals(13 * 14, sum(fixed), 15); // edges may shift a little with JPEG ringing
	}

	@Test
	void rgbMaskIsForegroundWhereAnyChannelIsSet() {
		int[] argb = { 0xff000000, 0xffff0000, 0xff00ff00, 0xff0000ff };
		Path file = dir.resolve("rgbmask.png");
		ImageFiles.writePngRgb(file, argb, 2, 2);
		assertArrayEquals(new byte[] { 0, 1, 1, 1 }, ImageFiles.readMask(file, MaskPolicy.STRICT));
	}

	@Test
	void realLabelMapGivesTheSameMaskAsTheUnionMask() {
		for (String name : new String[] { "120018", "121025" }) {
			byte[] fromLabels = ImageFiles.readMask(SAMPLES.resolve("ich-ct-bhsd/labels/" + name + ".png"), MaskPolicy.STRICT);
			byte[] fromMask = ImageFiles.readMask(SAMPLES.resolve("ich-ct-bhsd/masks/" + name + ".png"), MaskPolicy.STRICT);
			assertArrayEquals(fromMask, fromLabels);
			assertTrue(sum(fromMask) > 0);
		}
		// index.csv: 120018 has 5350 lesion pixels
		assertEquals(5350, sum(ImageFiles.readMask(SAMPLES.resolve("ich-ct-bhsd/masks/120018.png"), MaskPolicy.STRICT)));
	}

	@Test
	void maskStacks() {
		ImageStack stack = new ImageStack(2, 1);
		stack.addSlice(new ByteProcessor(2, 1, new byte[] { 0, (byte) 255 }));
		stack.addSlice(new ByteProcessor(2, 1, new byte[] { (byte) 255, 0 }));
		Path file = dir.resolve("maskstack.tif");
		assertTrue(new FileSaver(new ImagePlus("m", stack)).saveAsTiffStack(file.toString()));
		List<byte[]> masks = ImageFiles.readMaskStack(file, MaskPolicy.STRICT);
		assertEquals(2, masks.size());
		assertArrayEquals(new byte[] { 0, 1 }, masks.get(0));
		assertArrayEquals(new byte[] { 1, 0 }, masks.get(1));
		assertMessage(() -> ImageFiles.readMask(file, MaskPolicy.STRICT), "maskstack.tif", "2 slices");
	}

	@Test
	void namesAndExtensions() {
		assertEquals("a.b", ImageFiles.baseName(Paths.get("x/a.b.png")));
		assertEquals("noext", ImageFiles.baseName(Paths.get("noext")));
		assertTrue(ImageFiles.isSupported(Paths.get("A.TIF")));
		assertFalse(ImageFiles.isSupported(Paths.get("notes.txt")));
		assertFalse(ImageFiles.isSupported(Paths.get(".png")));
		assertTrue(ImageFiles.supportedExtensions().containsAll(Arrays.asList("png", "tif", "tiff", "jpg", "jpeg", "bmp")));
		assertNotEquals(0, ImageFiles.supportedExtensions().size());
	}

	static int sum(byte[] mask) {
		int s = 0;
		for (byte b : mask)
			s += b;
		return s;
	}
}
