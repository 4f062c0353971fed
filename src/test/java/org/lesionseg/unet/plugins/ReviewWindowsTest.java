package org.lesionseg.unet.plugins;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.core.data.ImageFiles;

/**
 * Segment with UNet in the real ImageJ window under Xvfb ({@link ReviewWindowsProbe}): the image shows exactly the ROI
 * Manager's ROIs (a ROI deleted there leaves no outline behind), and a mistake in the options reaches a user who is
 * not looking at the Log window (a dialog and the status bar).
 */
class ReviewWindowsTest {

	@Test
	void deletedRoiLeavesNoOutlineAndAnErrorIsShownWhereTheUserLooks(@TempDir Path tmp) throws Exception {
		assumeTrue(ImageJInstall.xvfbAvailable(), "xvfb-run is not installed (apt-get install xvfb)");
		List<Blobs.Disk> disks = Arrays.asList(new Blobs.Disk(12, 14, 5), new Blobs.Disk(60, 30, 4), new Blobs.Disk(30, 50, 6));
		Path image = tmp.resolve("three disks.png");
		ImageFiles.writePng8(image, Blobs.draw(80, 64, disks, new Random(9)).image, 80, 64);
		Path model = PluginTests.blobModel();
		Process p = new ProcessBuilder("xvfb-run", "-a", "-s", "-screen 0 1400x1050x24", Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
			"-Dai.djl.offline=true", "-Dai.djl.pytorch.num_interop_threads=1", "-cp", System.getProperty("java.class.path"), ReviewWindowsProbe.class.getName(),
			model.toString(), image.toString()).redirectErrorStream(true).redirectOutput(tmp.resolve("probe.txt").toFile()).start();
		boolean ended = p.waitFor(120, TimeUnit.SECONDS);
		if (!ended)
			p.destroyForcibly().waitFor(); // a dialog nobody closes would wait forever
		String out = new String(Files.readAllBytes(tmp.resolve("probe.txt")), StandardCharsets.UTF_8);
		assertTrue(ended, "the probe did not end within 120 s:\n" + out);
		assertTrue(out.contains("cancelled false"), out);
		assertTrue(out.contains("manager 3\n"), out);
		assertTrue(out.contains("shown 3\n"), out);
		// the deleted ROI's outline is gone: the image draws the manager's two
		assertTrue(out.contains("manager after delete 2\n"), out);
		assertTrue(out.contains("shown after delete 2\n"), out);
		// the mistake: a dialog titled by the command, the line in the status bar and the log, the command cancelled
		assertTrue(out.contains("dialog Segment with UNet\n"), out);
		assertTrue(out.contains("status Segment with UNet error: model_file "), out);
		assertTrue(out.contains("log has error true"), out);
		assertTrue(out.contains("error cancelled true"), out);
	}
}
