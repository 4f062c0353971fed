package org.lesionseg.unet.ij;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.data.ImageFiles;
import org.lesionseg.unet.core.data.MaskPolicy;
import org.lesionseg.unet.core.data.Sample;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.Calibration;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import ij.process.ShortProcessor;

class ImagePlusConversionTest {

	/** A 3×2 8-bit image with values 0, 1, 2, 127, 128, 255: the unsigned ones above 127 catch sign errors. */
	@Test
	void eightBitValuesAreCopiedUnsigned() {
		byte[] pixels = { 0, 1, 2, 127, (byte) 128, (byte) 255 };
		ImagePlus imp = new ImagePlus("brain.png", new ByteProcessor(3, 2, pixels));
		List<Sample> samples = ImagePlusConversion.toSamples(imp);
		assertEquals(1, samples.size());
		Sample s = samples.get(0);
		assertEquals("brain", s.name());
		assertEquals(3, s.width());
		assertEquals(2, s.height());
		assertEquals(1, s.channels());
		assertArrayEquals(new float[] { 0, 1, 2, 127, 128, 255 }, s.imageData());
		assertNull(s.mask());
		assertEquals(8, ImagePlusConversion.bitDepth(imp));
	}

	@Test
	void sixteenBitValuesAreUnsigned() {
		short[] pixels = { 0, 1000, (short) 40000, (short) 65535 };
		ImagePlus imp = new ImagePlus("ct.tif", new ShortProcessor(2, 2, pixels, null));
		Sample s = ImagePlusConversion.toSamples(imp).get(0);
		assertArrayEquals(new float[] { 0, 1000, 40000, 65535 }, s.imageData());
		assertEquals(16, ImagePlusConversion.bitDepth(imp));
	}

	@Test
	void thirtyTwoBitValuesAreCopiedNotShared() {
		float[] pixels = { -1.5f, 0f, 3.25f, 1e6f };
		ImagePlus imp = new ImagePlus("adc", new FloatProcessor(2, 2, pixels));
		Sample s = ImagePlusConversion.toSamples(imp).get(0);
		assertEquals("adc", s.name());
		assertArrayEquals(new float[] { -1.5f, 0f, 3.25f, 1e6f }, s.imageData());
		s.imageData()[0] = 99;
		assertEquals(-1.5f, pixels[0], "the sample must hold a copy");
		assertEquals(32, ImagePlusConversion.bitDepth(imp));
	}

	@Test
	void rgbBecomesThreeChannelsRedGreenBlue() {
		int[] pixels = { 0x102030, 0xff0001, 0x00ff00, 0x0000ff };
		ImagePlus imp = new ImagePlus("photo.jpg", new ColorProcessor(2, 2, pixels));
		Sample s = ImagePlusConversion.toSamples(imp).get(0);
		assertEquals(3, s.channels());
		assertArrayEquals(new float[] { 0x10, 0xff, 0, 0, // red plane
			0x20, 0, 0xff, 0, // green plane
			0x30, 1, 0, 0xff }, // blue plane
			s.imageData());
		assertEquals(8, ImagePlusConversion.bitDepth(imp));
	}

	@Test
	void stackGivesOneSamplePerSliceWithNumberedNames() {
		ImageStack stack = new ImageStack(2, 1);
		for (int z = 0; z < 3; z++)
			stack.addSlice(null, new ByteProcessor(2, 1, new byte[] { (byte) (10 * z), (byte) (10 * z + 1) }));
		ImagePlus imp = new ImagePlus("case0009_dwi.tif", stack);
		List<Sample> samples = ImagePlusConversion.toSamples(imp);
		assertEquals(3, samples.size());
		for (int z = 0; z < 3; z++) {
			assertEquals(String.format("case0009_dwi_s%03d", z + 1), samples.get(z).name());
			assertArrayEquals(new float[] { 10 * z, 10 * z + 1 }, samples.get(z).imageData());
		}
	}

	/** Hyperstack with 2 channels, 2 slices and 2 frames: channels go into one sample; planes are z-major then t. */
	@Test
	void hyperstackChannelsBecomeSampleChannels() {
		ImageStack stack = new ImageStack(1, 1);
		// stack order is c fastest, then z, then t; the value encodes c, z, t as "czt" digits
		for (int t = 1; t <= 2; t++)
			for (int z = 1; z <= 2; z++)
				for (int c = 1; c <= 2; c++)
					stack.addSlice(null, new FloatProcessor(1, 1, new float[] { 100 * c + 10 * z + t }));
		ImagePlus imp = new ImagePlus("mri", stack);
		imp.setDimensions(2, 2, 2);
		List<Sample> samples = ImagePlusConversion.toSamples(imp);
		assertEquals(4, samples.size());
		assertEquals(2, samples.get(0).channels());
		assertArrayEquals(new float[] { 111, 211 }, samples.get(0).imageData()); // z1 t1
		assertArrayEquals(new float[] { 121, 221 }, samples.get(1).imageData()); // z2 t1
		assertArrayEquals(new float[] { 112, 212 }, samples.get(2).imageData()); // z1 t2
		assertArrayEquals(new float[] { 122, 222 }, samples.get(3).imageData()); // z2 t2
		assertEquals("mri_s004", samples.get(3).name());
	}

	@Test
	void baseNameStripsOnlyRealExtensions() {
		assertEquals("brain", ImagePlusConversion.baseName("brain.png"));
		assertEquals("case 12", ImagePlusConversion.baseName("case 12.tif"));
		assertEquals("vol", ImagePlusConversion.baseName("vol.nii.gz"));
		assertEquals("cells", ImagePlusConversion.baseName("cells.ome.tif"));
		assertEquals("scan 1.5", ImagePlusConversion.baseName("scan 1.5"));
		assertEquals("DUP_brain", ImagePlusConversion.baseName("DUP_brain"));
		assertEquals(".hidden", ImagePlusConversion.baseName(".hidden"));
		assertEquals("image", ImagePlusConversion.baseName(""));
	}

	@Test
	void masksAreBinarisedWhateverTheForegroundValue() {
		ImageStack stack = new ImageStack(2, 2);
		stack.addSlice(null, new ByteProcessor(2, 2, new byte[] { 0, (byte) 255, (byte) 255, 0 }));
		stack.addSlice(null, new ByteProcessor(2, 2, new byte[] { 1, 0, 0, 0 }));
		stack.addSlice(null, new ByteProcessor(2, 2, new byte[] { 0, 3, 7, 2 })); // a label image: every label counts
		List<byte[]> masks = ImagePlusConversion.toMasks(new ImagePlus("mask.png", stack));
		assertEquals(3, masks.size());
		assertArrayEquals(new byte[] { 0, 1, 1, 0 }, masks.get(0));
		assertArrayEquals(new byte[] { 1, 0, 0, 0 }, masks.get(1));
		assertArrayEquals(new byte[] { 0, 1, 1, 1 }, masks.get(2));
	}

	@Test
	void sixteenBitFloatAndRgbMasks() {
		assertArrayEquals(new byte[] { 0, 1, 1, 0 },
			ImagePlusConversion.toMasks(new ImagePlus("m16", new ShortProcessor(2, 2, new short[] { 0, (short) 65535, (short) 65535, 0 }, null))).get(0));
		assertArrayEquals(new byte[] { 0, 1, 0, 1 },
			ImagePlusConversion.toMasks(new ImagePlus("m32", new FloatProcessor(2, 2, new float[] { 0, 1, Float.NaN, -1 }))).get(0));
		// a colour mask: red or white lesions on black
		assertArrayEquals(new byte[] { 0, 1, 1, 0 },
			ImagePlusConversion.toMasks(new ImagePlus("mrgb", new ColorProcessor(2, 2, new int[] { 0, 0xff0000, 0xffffff, 0 }))).get(0));
	}

	@Test
	void greyImageAsMaskIsRefused() {
		byte[] ramp = new byte[64];
		for (int i = 0; i < ramp.length; i++)
			ramp[i] = (byte) i;
		UnetException e = assertThrows(UnetException.class, () -> ImagePlusConversion.toMasks(new ImagePlus("grey.jpg", new ByteProcessor(8, 8, ramp))));
		assertTrue(e.getMessage().startsWith("mask grey.jpg is not binary"), e.getMessage());
		assertTrue(e.getMessage().contains("Image > Adjust > Threshold") && e.getMessage().contains("threshold_half"), e.getMessage());
	}

	/** Open masks follow the mask policy as mask files do: one rule, ImageFiles.toBinaryMask. */
	@Test
	void greyMaskIsThresholdedAtHalfItsMaximumUnderThresholdHalf() {
		float[] ramp = new float[64];
		for (int i = 0; i < ramp.length; i++)
			ramp[i] = i;
		byte[] mask = ImagePlusConversion.toMasks(new ImagePlus("grey", new FloatProcessor(8, 8, ramp.clone())), MaskPolicy.THRESHOLD_HALF).get(0);
		assertArrayEquals(ImageFiles.toBinaryMask(ramp, "grey", MaskPolicy.THRESHOLD_HALF), mask);
		assertEquals(0, mask[31]);
		assertEquals(1, mask[32]);
	}

	@Test
	void seventeenDistinctValuesAreTooManyButSixteenAreALabelImage() {
		byte[] sixteen = new byte[64];
		for (int i = 0; i < sixteen.length; i++)
			sixteen[i] = (byte) (i % 16);
		byte[] mask = ImagePlusConversion.toMasks(new ImagePlus("labels", new ByteProcessor(8, 8, sixteen))).get(0);
		for (int i = 0; i < mask.length; i++)
			assertEquals(i % 16 == 0 ? 0 : 1, mask[i]);
		byte[] seventeen = new byte[64];
		for (int i = 0; i < seventeen.length; i++)
			seventeen[i] = (byte) (i % 17);
		assertThrows(UnetException.class, () -> ImagePlusConversion.toMasks(new ImagePlus("labels17", new ByteProcessor(8, 8, seventeen))));
	}

	/** The same rules as the file readers: compared on masks with 2, 16 and 17 distinct values. */
	@Test
	void maskRulesAgreeWithTheFileReaders() {
		assertEquals(ImageFiles.MAX_LABELS, ImagePlusConversion.MAX_MASK_LABELS);
		for (int distinct : new int[] { 2, 16, 17 }) {
			float[] values = new float[64];
			for (int i = 0; i < values.length; i++)
				values[i] = 3 * (i % distinct);
			ImagePlus imp = new ImagePlus("m", new FloatProcessor(8, 8, values.clone()));
			if (distinct <= ImageFiles.MAX_LABELS) {
				assertArrayEquals(ImageFiles.toBinaryMask(values, "m"), ImagePlusConversion.toMasks(imp).get(0));
			} else {
				assertThrows(UnetException.class, () -> ImageFiles.toBinaryMask(values, "m"));
				assertThrows(UnetException.class, () -> ImagePlusConversion.toMasks(imp));
			}
		}
	}

	@Test
	void mismatchedSizesAreExplained() {
		ImagePlus image = new ImagePlus("A", new ByteProcessor(512, 512));
		ImagePlus mask = new ImagePlus("B", new ByteProcessor(256, 256));
		UnetException e = assertThrows(UnetException.class, () -> ImagePlusConversion.checkPair(image, mask));
		assertTrue(e.getMessage().startsWith("image A is 512×512 but mask B is 256×256"), e.getMessage());
		assertThrows(UnetException.class, () -> ImagePlusConversion.toLabelledSamples(image, mask));
	}

	@Test
	void mismatchedSliceCountsAreExplained() {
		ImagePlus image = stackOf("A", 3);
		ImagePlus mask = stackOf("B", 2);
		UnetException e = assertThrows(UnetException.class, () -> ImagePlusConversion.checkPair(image, mask));
		assertTrue(e.getMessage().startsWith("image A has 3 slices but mask B has 2 slices"), e.getMessage());
		UnetException missing = assertThrows(UnetException.class, () -> ImagePlusConversion.checkPair(image, null));
		assertEquals("no mask given: open one first", missing.getMessage());
	}

	@Test
	void labelledSamplesPairPlanes() {
		ImageStack images = new ImageStack(2, 1);
		ImageStack masks = new ImageStack(2, 1);
		images.addSlice(null, new ByteProcessor(2, 1, new byte[] { 5, 6 }));
		images.addSlice(null, new ByteProcessor(2, 1, new byte[] { 7, 8 }));
		masks.addSlice(null, new ByteProcessor(2, 1, new byte[] { 0, (byte) 255 }));
		masks.addSlice(null, new ByteProcessor(2, 1, new byte[] { (byte) 255, 0 }));
		List<Sample> samples = ImagePlusConversion.toLabelledSamples(new ImagePlus("img.tif", images), new ImagePlus("lbl.tif", masks));
		assertEquals(2, samples.size());
		assertEquals("img_s001", samples.get(0).name());
		assertArrayEquals(new float[] { 5, 6 }, samples.get(0).imageData());
		assertArrayEquals(new byte[] { 0, 1 }, samples.get(0).maskData());
		assertArrayEquals(new float[] { 7, 8 }, samples.get(1).imageData());
		assertArrayEquals(new byte[] { 1, 0 }, samples.get(1).maskData());
	}

	@Test
	void probabilityImageIs32BitWithCalibration() {
		Calibration cal = new Calibration();
		cal.pixelWidth = 0.5;
		cal.pixelHeight = 0.75;
		cal.pixelDepth = 3;
		cal.setUnit("mm");
		float[] p1 = { 0f, 0.25f, 0.5f, 1f };
		float[] p2 = { 1f, 0.75f, 0.5f, 0f };
		ImagePlus imp = ImagePlusConversion.probabilityImage("probability", Arrays.asList(p1, p2), 2, 2, cal);
		assertEquals(32, imp.getBitDepth());
		assertEquals(2, imp.getStackSize());
		assertEquals("probability", imp.getTitle());
		assertArrayEquals(p2, (float[]) imp.getStack().getPixels(2));
		assertEquals(0.25f, imp.getStack().getProcessor(1).getf(1, 0));
		assertEquals(0.0, imp.getDisplayRangeMin());
		assertEquals(1.0, imp.getDisplayRangeMax());
		Calibration kept = imp.getCalibration();
		assertEquals(0.5, kept.pixelWidth);
		assertEquals(0.75, kept.pixelHeight);
		assertEquals(3, kept.pixelDepth);
		assertEquals("mm", kept.getUnit());
		assertNotSame(cal, kept);
	}

	@Test
	void maskImageIsEightBitZeroAnd255WhiteOnBlack() {
		Calibration cal = new Calibration();
		cal.pixelWidth = 0.9;
		cal.pixelHeight = 0.9;
		cal.setUnit("mm");
		ImagePlus imp = ImagePlusConversion.maskImage("mask", Arrays.asList(new byte[] { 0, 1, 1, 0 }, new byte[] { 1, 0, 0, 0 }), 2, 2, cal);
		assertEquals(8, imp.getBitDepth());
		assertEquals(2, imp.getStackSize());
		assertArrayEquals(new byte[] { 0, (byte) 255, (byte) 255, 0 }, (byte[]) imp.getStack().getPixels(1));
		assertArrayEquals(new byte[] { (byte) 255, 0, 0, 0 }, (byte[]) imp.getStack().getPixels(2));
		assertFalse(imp.isInvertedLut());
		assertFalse(imp.getProcessor().isInvertedLut());
		assertEquals(255, imp.getStack().getProcessor(1).get(1, 0), "lesion reads 255");
		assertEquals(0.9, imp.getCalibration().pixelWidth);
		assertEquals("mm", imp.getCalibration().getUnit());
	}

	@Test
	void samplesRoundTripThroughImagePlus() {
		float[] chw = { 1, 2, 3, 4, 5, 6, 10, 20, 30, 40, 50, 60 };
		Sample s = Sample.of("two channels", chw, 3, 2, 2, null);
		ImagePlus imp = ImagePlusConversion.toImagePlus(s);
		assertEquals("two channels", imp.getTitle());
		assertEquals(2, imp.getNChannels());
		assertEquals(1, imp.getNSlices());
		assertEquals(6f, imp.getStack().getProcessor(1).getf(2, 1));
		assertEquals(40f, imp.getStack().getProcessor(2).getf(0, 1));
		List<Sample> back = ImagePlusConversion.toSamples(imp);
		assertEquals(1, back.size());
		assertEquals("two channels", back.get(0).name());
		assertEquals(2, back.get(0).channels());
		assertArrayEquals(chw, back.get(0).imageData());
	}

	@Test
	void planeLayoutAndLabelsAreCopied() {
		ImageStack stack = new ImageStack(1, 1);
		for (int i = 1; i <= 6; i++)
			stack.addSlice("label" + i, new ByteProcessor(1, 1));
		ImagePlus source = new ImagePlus("src", stack);
		source.setDimensions(1, 3, 2);
		List<float[]> planes = Arrays.asList(new float[1], new float[1], new float[1], new float[1], new float[1], new float[1]);
		ImagePlus result = ImagePlusConversion.probabilityImage("p", planes, 1, 1, null);
		ImagePlusConversion.copyPlaneLayout(source, result);
		assertEquals(3, result.getNSlices());
		assertEquals(2, result.getNFrames());
		assertEquals("label5", result.getStack().getSliceLabel(5));
	}

	/** The real 8-bit PNGs of ISLES case 0009 opened by ImageJ: the first slice with a lesion and its mask. */
	@Test
	void realSampleDataPairs() throws IOException {
		Path images = Paths.get("sample-data/isles22-case0009/images");
		Path masks = Paths.get("sample-data/isles22-case0009/masks");
		assumeTrue(Files.isDirectory(masks), "sample data not present");
		List<Path> maskFiles;
		try (Stream<Path> files = Files.list(masks)) {
			maskFiles = files.filter(p -> p.toString().endsWith(".png")).sorted().collect(Collectors.toList());
		}
		for (Path mask : maskFiles) {
			ImagePlus mimp = IJ.openImage(mask.toString());
			long white = 0;
			for (byte b : (byte[]) mimp.getProcessor().getPixels())
				if (b != 0)
					white++;
			if (white == 0)
				continue;
			ImagePlus imp = IJ.openImage(images.resolve(mask.getFileName()).toString());
			List<Sample> samples = ImagePlusConversion.toLabelledSamples(imp, mimp);
			assertEquals(1, samples.size());
			Sample s = samples.get(0);
			assertEquals(mask.getFileName().toString().replace(".png", ""), s.name());
			ImageProcessor ip = imp.getProcessor();
			for (int i = 0; i < ip.getPixelCount(); i += 97)
				assertEquals(ip.getf(i), s.imageData()[i]);
			long foreground = 0;
			for (byte b : s.maskData())
				foreground += b;
			assertEquals(white, foreground);
			return;
		}
		throw new AssertionError("no mask of case 0009 has a lesion");
	}

	private static ImagePlus stackOf(String title, int slices) {
		ImageStack stack = new ImageStack(4, 4);
		for (int i = 0; i < slices; i++)
			stack.addSlice(null, new ByteProcessor(4, 4));
		return new ImagePlus(title, stack);
	}

}
