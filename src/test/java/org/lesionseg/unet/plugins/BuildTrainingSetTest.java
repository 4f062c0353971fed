package org.lesionseg.unet.plugins;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.core.data.ImageFiles;
import org.lesionseg.unet.core.data.LoadedImage;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ByteProcessor;
import ij.process.ShortProcessor;

class BuildTrainingSetTest {

	private static Context context;

	@BeforeAll
	static void startContext() {
		context = new Context(CommandService.class);
	}

	@AfterAll
	static void stopContext() {
		context.dispose();
	}

	private static List<String> names(Path dir) throws Exception {
		try (Stream<Path> files = Files.list(dir)) {
			return files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
		}
	}

	@Test
	void writesSlicesUnchangedAndAppendsSeveralImages(@TempDir Path tmp) throws Exception {
		List<Blobs.Picture> pictures = Blobs.randomPictures(3, 24, 41);
		ImagePlus[] first = Blobs.stacks("brain one", pictures);
		Path set = tmp.resolve("set");
		CommandModule m = PluginTests.run(context, BuildTrainingSet.class, "image", first[0], "mask", first[1], "output_folder", set.toFile());
		assertFalse(m.isCanceled(), String.valueOf(m.getCancelReason()));
		assertEquals(Arrays.asList("brain_one_s001.png", "brain_one_s002.png", "brain_one_s003.png"), names(set.resolve("images")));
		assertEquals(names(set.resolve("images")), names(set.resolve("masks")));
		LoadedImage image = ImageFiles.read(set.resolve("images/brain_one_s002.png"));
		float[] expected = new float[24 * 24];
		for (int i = 0; i < expected.length; i++)
			expected[i] = pictures.get(1).image[i] & 0xff;
		assertArrayEquals(expected, image.plane(0), 0f);
		byte[] mask = ImageFiles.readMask(set.resolve("masks/brain_one_s002.png"), org.lesionseg.unet.core.data.MaskPolicy.STRICT);
		for (int i = 0; i < mask.length; i++)
			assertEquals(pictures.get(1).mask[i] != 0 ? 1 : 0, mask[i]);

		// a second image joins the set; only its slices with a lesion when asked
		List<Blobs.Picture> more = new ArrayList<>(Blobs.randomPictures(2, 24, 42));
		more.add(1, Blobs.draw(24, 24, new ArrayList<>(), new Random(1)));
		ImagePlus[] second = Blobs.stacks("two", more);
		PluginTests.run(context, BuildTrainingSet.class, "image", second[0], "mask", second[1], "output_folder", set.toFile(), "slices", "with_lesion");
		assertEquals(Arrays.asList("brain_one_s001.png", "brain_one_s002.png", "brain_one_s003.png", "two_s001.png", "two_s003.png"),
			names(set.resolve("images")));

		// adding the first image again stops unless replacing is asked for
		CommandModule again = PluginTests.run(context, BuildTrainingSet.class, "image", first[0], "mask", first[1], "output_folder", set.toFile());
		assertTrue(again.getCancelReason().contains("already holds brain_one_s001"), again.getCancelReason());
		first[0].setSlice(2);
		CommandModule replaced = PluginTests.run(context, BuildTrainingSet.class, "image", first[0], "mask", first[1], "output_folder", set.toFile(),
			"replace_existing", true, "slices", "current");
		assertEquals(Arrays.asList("brain_one_s002"), ((BuildTrainingSet) replaced.getCommand()).added());
	}

	@Test
	void sixteenBitSlicesAreKeptExactlyAsTiffAndKindsDoNotMix(@TempDir Path tmp) throws Exception {
		short[] pixels = new short[16 * 16];
		byte[] mask = new byte[16 * 16];
		for (int i = 0; i < pixels.length; i++) {
			pixels[i] = (short) (i * 250);
			mask[i] = (byte) (i % 7 == 0 ? 255 : 0);
		}
		ImagePlus image = new ImagePlus("deep.tif", new ShortProcessor(16, 16, pixels, null));
		ImagePlus maskImp = new ImagePlus("deep-mask.tif", new ByteProcessor(16, 16, mask));
		Path set = tmp.resolve("set16");
		PluginTests.run(context, BuildTrainingSet.class, "image", image, "mask", maskImp, "output_folder", set.toFile());
		LoadedImage back = ImageFiles.read(set.resolve("images/deep.tif"));
		assertEquals(16, back.bitDepth());
		for (int i = 0; i < pixels.length; i++)
			assertEquals(pixels[i] & 0xffff, back.plane(0)[i], 0f, "pixel " + i);
		assertTrue(Files.isRegularFile(set.resolve("masks/deep.png")));

		ImageStack rgb = new ImageStack(16, 16);
		rgb.addSlice(new ij.process.ColorProcessor(16, 16));
		CommandModule mixed = PluginTests.run(context, BuildTrainingSet.class, "image", new ImagePlus("colour.png", rgb), "mask", maskImp, "output_folder",
			set.toFile());
		assertTrue(mixed.getCancelReason().contains("holds 16-bit grey images (deep.tif) but colour.png is RGB"), mixed.getCancelReason());
	}

	/** Without a display there is no ROI Manager: the commands that need one say so. */
	@Test
	void roiCommandsExplainWhatToDoWithoutADisplay(@TempDir Path tmp) {
		ImagePlus image = new ImagePlus("x.tif", new ByteProcessor(8, 8));
		CommandModule rois = PluginTests.run(context, RoisToMasks.class, "image", image, "output_folder", tmp.toFile());
		assertTrue(rois.getCancelReason().startsWith("masks from the ROI Manager need ImageJ with a display"), rois.getCancelReason());
		CommandModule nothing = PluginTests.run(context, RoisToMasks.class, "image", image);
		assertTrue(nothing.getCancelReason().startsWith("nothing to do: give output_folder"), nothing.getCancelReason());
		CommandModule build = PluginTests.run(context, BuildTrainingSet.class, "image", image, "use_roi_manager", true, "output_folder", tmp.toFile());
		assertTrue(build.getCancelReason().startsWith("masks from the ROI Manager need ImageJ with a display"), build.getCancelReason());
		CommandModule noMask = PluginTests.run(context, BuildTrainingSet.class, "image", image, "output_folder", tmp.toFile());
		assertTrue(noMask.getCancelReason().startsWith("no mask was chosen for x.tif"), noMask.getCancelReason());
	}
}
