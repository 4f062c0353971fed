package org.lesionseg.unet.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.lesionseg.unet.core.data.ImageFilesTest.assertMessage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.process.ByteProcessor;

class DatasetLoaderTest {

	@TempDir
	Path dir;

	@Test
	void loadsRealPairNormalisedWithBinaryMask() {
		Path images = ImageFilesTest.SAMPLES.resolve("ich-ct-bhsd/images/120018.png");
		Path masks = ImageFilesTest.SAMPLES.resolve("ich-ct-bhsd/masks/120018.png");
		Sample sample = DatasetLoader.load(new ImageMaskPair("120018", images, masks), Normalization.SCALE_01);
		assertEquals("120018", sample.name());
		assertEquals(512, sample.width());
		assertEquals(1, sample.channels());
		ImagePlus imp = IJ.openImage(images.toString());
		assertEquals(imp.getProcessor().get(300, 200) / 255f, sample.imageData()[200 * 512 + 300], 1e-7f);
		int lesion = 0;
		for (byte b : sample.maskData()) {
			assertEquals(true, b == 0 || b == 1);
			lesion += b;
		}
		assertEquals(5350, lesion); // index.csv
	}

	@Test
	void sizeMismatchNamesPairAndSizes() {
		Path image = dir.resolve("a.png"), mask = dir.resolve("a_mask.png");
		ImageFiles.writePng8(image, new byte[6], 3, 2);
		ImageFiles.writePng8(mask, new byte[4], 2, 2);
		assertMessage(() -> DatasetLoader.load(new ImageMaskPair("a", image, mask), Normalization.NONE), "a.png is 3x2", "a_mask.png is 2x2");
	}

	@Test
	void stacksGiveOneSamplePerSlice() {
		Path image = dir.resolve("vol.tif"), mask = dir.resolve("vol_mask.tif"), flatMask = dir.resolve("flat.png");
		ImageStack images = new ImageStack(2, 1), masks = new ImageStack(2, 1);
		for (int z = 0; z < 3; z++) {
			images.addSlice(new ByteProcessor(2, 1, new byte[] { (byte) (10 * z), (byte) 255 }));
			masks.addSlice(new ByteProcessor(2, 1, new byte[] { (byte) (z == 1 ? 255 : 0), 0 }));
		}
		new FileSaver(new ImagePlus("v", images)).saveAsTiffStack(image.toString());
		new FileSaver(new ImagePlus("m", masks)).saveAsTiffStack(mask.toString());
		List<Sample> slices = DatasetLoader.loadSlices(new ImageMaskPair("vol", image, mask), Normalization.NONE, MaskPolicy.STRICT);
		assertEquals(3, slices.size());
		assertEquals(Arrays.asList("vol_s001", "vol_s002", "vol_s003"), Arrays.asList(slices.get(0).name(), slices.get(1).name(), slices.get(2).name()));
		assertArrayEquals(new float[] { 20, 255 }, slices.get(2).imageData());
		assertArrayEquals(new byte[] { 1, 0 }, slices.get(1).maskData());
		assertArrayEquals(new byte[] { 0, 0 }, slices.get(2).maskData());

		ImageFiles.writePng8(flatMask, new byte[2], 2, 1);
		assertMessage(() -> DatasetLoader.loadSlices(new ImageMaskPair("vol", image, flatMask), Normalization.NONE, MaskPolicy.STRICT), "has 3 slice(s)",
				"flat.png has 1");
		assertMessage(() -> DatasetLoader.load(new ImageMaskPair("vol", image, mask), Normalization.NONE), "stack of 3 slices");
		assertEquals(3, DatasetLoader.loadImageSlices(image, Normalization.NONE).size());
		assertFalse(DatasetLoader.loadImageSlices(image, Normalization.NONE).get(0).hasMask());
	}

	@Test
	void loadAllChecksChannels() throws IOException {
		Path grey = dir.resolve("g.png"), rgb = dir.resolve("c.png"), mask = dir.resolve("m.png");
		ImageFiles.writePng8(grey, new byte[] { 1, 2 }, 2, 1);
		ImageFiles.writePngRgb(rgb, new int[] { 0x010203, 0x040506 }, 2, 1);
		ImageFiles.writePng8(mask, new byte[] { 0, (byte) 255 }, 2, 1);
		List<Sample> ok = DatasetLoader.loadAll(Arrays.asList(new ImageMaskPair("g", grey, mask), new ImageMaskPair("g2", grey, mask)), Normalization.NONE,
				MaskPolicy.STRICT);
		assertEquals(2, ok.size());
		assertMessage(() -> DatasetLoader.loadAll(Arrays.asList(new ImageMaskPair("g", grey, mask), new ImageMaskPair("c", rgb, mask)), Normalization.NONE,
				MaskPolicy.STRICT), "c.png has 3 channel(s) but g has 1");
		Files.delete(mask);
		assertMessage(() -> DatasetLoader.load(new ImageMaskPair("g", grey, mask), Normalization.NONE), "m.png", "does not exist");
	}

	@Test
	void channelConversion() {
		Sample grey = Sample.of("g", new float[] { 1, 2 }, 2, 1, 1, new byte[] { 0, 1 });
		Sample three = DatasetLoader.withChannels(grey, 3);
		assertArrayEquals(new float[] { 1, 2, 1, 2, 1, 2 }, three.imageData());
		assertArrayEquals(new byte[] { 0, 1 }, three.maskData());
		assertArrayEquals(new float[] { 1, 2 }, DatasetLoader.withChannels(three, 1).imageData(), 1e-6f);
		assertSame(grey, DatasetLoader.withChannels(grey, 1));
		Sample two = Sample.of("t", new float[4], 2, 1, 2, null);
		assertMessage(() -> DatasetLoader.withChannels(two, 3), "has 2 channels but 3 are needed");
	}

	/** Slices of a stack stay in one part of the split whatever their number: the 1000th is {@code _s1000}. */
	@Test
	void sliceGroupingHoldsPastSlice999() {
		List<String> names = new java.util.ArrayList<>();
		for (String volume : new String[] { "ct_a", "ct_b", "ct_c", "ct_d", "ct_e" })
			for (int z = 0; z < 1003; z += volume.equals("ct_a") ? 1 : 97)
				names.add(DatasetLoader.sliceName(volume, z, 1003));
		assertEquals("ct_a_s1000", DatasetLoader.sliceName("ct_a", 999, 1003));
		java.util.regex.Pattern pattern = java.util.regex.Pattern.compile(DatasetLoader.SLICE_GROUP_PATTERN);
		for (String name : names)
			assertEquals(name.substring(0, 4), DataSplit.groupKey(name, pattern), name);
		DataSplit.Split split = DataSplit.split(names.subList(1000, names.size()), 0.2, 0.2, 7, DatasetLoader.SLICE_GROUP_PATTERN);
		assertEquals(5, split.groups(), "ct_a_s1001.. and the other volumes: five stacks");
	}
}
