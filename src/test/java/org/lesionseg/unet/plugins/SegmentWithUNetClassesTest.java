package org.lesionseg.unet.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.workflow.FixedModels;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

import ij.ImagePlus;
import ij.gui.Roi;
import ij.process.ByteProcessor;

/** Segment with UNet and a model of two classes: the label image, the class probabilities and ROIs named by class. */
class SegmentWithUNetClassesTest {

	@Test
	void showsTheLabelImageClassMapsAndClassRois(@TempDir Path tmp) throws Exception {
		Path model = FixedModels.classes(tmp.resolve("classes.zip"), 5, List.of("core", "penumbra"));
		Blobs.Picture p = Blobs.draw(64, 48, Arrays.asList(new Blobs.Disk(14, 14, 6), new Blobs.Disk(44, 30, 8)), new Random(4));
		ImagePlus imp = new ImagePlus("two disks.png", new ByteProcessor(64, 48, p.image));
		Context context = new Context(CommandService.class);
		try {
			CommandModule m = PluginTests.run(context, SegmentWithUNet.class, "image", imp, "model_file", model.toFile(), "probability_map", true,
				"threshold", 0.3, "min_size", 0);
			assertFalse(m.isCanceled(), String.valueOf(m.getCancelReason()));
			ImagePlus labels = (ImagePlus) m.getOutput("label_image");
			assertNotNull(labels, "a multi-class model shows its label image");
			assertEquals("two disks-labels", labels.getTitle());
			byte[] values = (byte[]) labels.getProcessor().getPixels();
			int foreground = 0;
			for (byte v : values) {
				assertTrue(v >= 0 && v <= 2, "label " + v);
				foreground += v != 0 ? 1 : 0;
			}
			ImagePlus maps = (ImagePlus) m.getOutput("class_probability_image");
			assertEquals(2, maps.getNChannels());
			assertEquals("penumbra", maps.getStack().getSliceLabel(2));
			SegmentWithUNet command = (SegmentWithUNet) m.getCommand();
			List<Roi> rois = command.rois();
			assertEquals(command.objectsTable().size(), rois.size());
			assertEquals(foreground > 0, !rois.isEmpty(), foreground + " labelled pixels, " + rois.size() + " ROIs");
			for (Roi roi : rois)
				assertTrue(roi.getName().startsWith("core: ") && roi.getGroup() == 1 || roi.getName().startsWith("penumbra: ") && roi.getGroup() == 2,
					roi.getName());
			if (!rois.isEmpty())
				assertTrue(Arrays.asList(command.objectsTable().getHeadings()).contains("class"));
		} finally {
			context.dispose();
		}
	}
}
