package org.lesionseg.unet.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;

/**
 * The review panel in real ImageJ under Xvfb ({@link ReviewPanelProbe}): it opens on the most uncertain slice with its
 * ROIs in the ROI Manager and the overlay, its keys accept, reject and move, a ROI deleted in the ROI Manager leaves
 * the overlay too, and the accepted masks are those of the ROIs left. Saves the screenshot docs/review.md shows
 * (target/review-panel.png; copy it to docs/screenshots when the panel changes).
 */
class ReviewPanelTest {

	static boolean xvfbAvailable() {
		for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
			if (Files.isExecutable(Paths.get(dir, "xvfb-run")))
				return true;
		return false;
	}

	@Test
	void thePanelsKeysDecideSlicesWithTheRoiManagersRois(@TempDir Path tmp) throws Exception {
		assumeTrue(xvfbAvailable(), "xvfb-run is not installed");
		Path model = PluginTests.blobModel();
		Path set = tmp.resolve("set"), shot = Paths.get("target", "review-panel.png").toAbsolutePath();
		List<String> command = new ArrayList<>(Arrays.asList("xvfb-run", "-a", "-s", "-screen 0 1400x1050x24",
			Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-Djava.awt.headless=false", "-Dai.djl.offline=true", "-cp",
			System.getProperty("java.class.path"), ReviewPanelProbe.class.getName(), model.toString(), set.toString(), shot.toString()));
		Path log = tmp.resolve("probe.log");
		Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		boolean ended = p.waitFor(120, TimeUnit.SECONDS);
		if (!ended) {
			p.descendants().forEach(ProcessHandle::destroyForcibly);
			p.destroyForcibly();
		}
		String text = new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
		assertTrue(ended, "the probe did not end (a modal dialog?):\n" + text);
		assertTrue(text.contains("panel\ttrue") && text.contains("done"), text);
		Map<String, String[]> steps = new LinkedHashMap<>();
		for (String line : text.split("\n"))
			if (line.startsWith("step\t"))
				steps.put(line.split("\t")[1], line.split("\t"));
		// step, name, rank, plane, manager, overlay, accepted, rejected, slice name, pixels in the manager's ROIs
		String[] start = steps.get("start");
		assertEquals("0", start[2], text);
		assertTrue(Integer.parseInt(start[4]) >= 2, "the most uncertain slice's objects are in the ROI Manager: " + text);
		assertEquals(start[4], start[5], "the overlay shows the ROI Manager's ROIs: " + text);
		String[] accepted = steps.get("accepted");
		assertEquals("1", accepted[6]);
		assertEquals("1", accepted[2], "accepting moves on to the next slice: " + text);
		String[] deleted = steps.get("deleted");
		assertEquals(Integer.parseInt(accepted[4]) - 1, Integer.parseInt(deleted[4]), text);
		assertEquals(deleted[4], deleted[5], "a ROI deleted in the ROI Manager leaves the overlay: " + text);
		String[] back = steps.get("back");
		assertEquals(deleted[3], back[3], "next then previous comes back to the slice: " + text);
		assertEquals(deleted[4], back[4], "the edit of a slice left undecided is kept: " + text);
		String[] second = steps.get("accepted2");
		assertEquals("2", second[6]);
		assertEquals("1", steps.get("rejected")[7]);
		// the masks are those of the ROIs in the ROI Manager: the second slice accepted without the deleted object
		assertEquals(Integer.parseInt(start[9]), ReviewTest.foreground(set.resolve("masks").resolve(start[8] + ".png")), text);
		assertTrue(Integer.parseInt(back[9]) > 0 && Integer.parseInt(back[9]) < Integer.parseInt(accepted[9]), text);
		assertEquals(Integer.parseInt(back[9]), ReviewTest.foreground(set.resolve("masks").resolve(back[8] + ".png")), text);
		assertTrue(new String(Files.readAllBytes(set.resolve("review.json")), StandardCharsets.UTF_8).contains("\"rejected\""));
		BufferedImage image = ImageIO.read(shot.toFile());
		assertTrue(image.getWidth() > 300 && image.getHeight() > 200, image.getWidth() + "x" + image.getHeight());
	}
}
