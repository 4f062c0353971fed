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
 * the overlay too, and the accepted masks are those of the ROIs left. With a two-class model the class chooser sets
 * the class of selected and new ROIs ({@link ReviewClassesPanelProbe}). Saves the screenshots docs/review.md shows
 * (target/review-panel.png and review-panel-classes.png; copy them to docs/screenshots when the panel changes).
 */
class ReviewPanelTest {

	static boolean xvfbAvailable() {
		for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
			if (Files.isExecutable(Paths.get(dir, "xvfb-run")))
				return true;
		return false;
	}

	/** Runs a probe class under Xvfb with these arguments; its output, after checking that it ended. */
	private static String probe(Class<?> probe, Path log, String... args) throws Exception {
		List<String> command = new ArrayList<>(Arrays.asList("xvfb-run", "-a", "-s", "-screen 0 1400x1050x24",
			Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-Djava.awt.headless=false", "-Dai.djl.offline=true", "-cp",
			System.getProperty("java.class.path"), probe.getName()));
		command.addAll(Arrays.asList(args));
		Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		boolean ended = p.waitFor(120, TimeUnit.SECONDS);
		if (!ended) {
			p.descendants().forEach(ProcessHandle::destroyForcibly);
			p.destroyForcibly();
		}
		String text = new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
		assertTrue(ended, "the probe did not end (a modal dialog?):\n" + text);
		return text;
	}

	/**
	 * The class chooser of a two-class review ({@link ReviewClassesPanelProbe}): a ROI the user adds gets the class
	 * chosen, key 2 and the chooser set the class of the selected ROI (name, group and colour as Segment gives them), and
	 * the accepted mask holds each ROI's class. Saves target/review-panel-classes.png.
	 */
	@Test
	void theClassChooserSetsTheClassOfSelectedAndNewRois(@TempDir Path tmp) throws Exception {
		assumeTrue(xvfbAvailable(), "xvfb-run is not installed");
		Path model = org.lesionseg.unet.workflow.FixedModels.classes(tmp.resolve("classes.zip"), 5, Arrays.asList("core", "penumbra"));
		Path set = tmp.resolve("set"), shot = Paths.get("target", "review-panel-classes.png").toAbsolutePath();
		String text = probe(ReviewClassesPanelProbe.class, tmp.resolve("probe.log"), model.toString(), set.toString(), shot.toString());
		assertTrue(text.contains("panel\ttrue") && text.contains("done"), text);
		Map<String, String[]> steps = new LinkedHashMap<>();
		String[] pixels = null, accepted = null;
		for (String line : text.split("\n")) {
			String[] f = line.split("\t");
			if (f[0].equals("step"))
				steps.put(f[1], f);
			else if (f[0].equals("pixels"))
				pixels = f;
			else if (f[0].equals("accepted"))
				accepted = f;
		}
		// step, name, chosen class, then name|group|colour of each ROI in the manager; the model has the palette's colours
		String core1 = "|1|" + String.format("#%06x", org.lesionseg.unet.core.data.LabelClasses.rgb(null, 1)),
			penumbra2 = "|2|" + String.format("#%06x", org.lesionseg.unet.core.data.LabelClasses.rgb(null, 2));
		String[] added = steps.get("added");
		assertEquals("1", added[2], text);
		assertEquals(4, added.length, "the manager holds the square alone: " + text);
		assertTrue(added[3].startsWith("core: ") && added[3].endsWith(core1), "a ROI added gets the class chosen: " + text);
		String[] key2 = steps.get("key2");
		assertEquals("2", key2[2]);
		assertTrue(key2[3].startsWith("penumbra: ") && key2[3].endsWith(penumbra2), "key 2 sets the selected ROI's class: " + text);
		String[] added2 = steps.get("added2");
		assertTrue(added2[4].startsWith("penumbra: ") && added2[4].endsWith(penumbra2), text);
		String[] chooser = steps.get("chooser");
		assertEquals("1", chooser[2]);
		assertTrue(chooser[3].startsWith("penumbra: "), "the square keeps its class: " + text);
		assertTrue(chooser[4].startsWith("core: ") && chooser[4].endsWith(core1) && !chooser[4].contains("penumbra"),
			"the chooser sets the selected oval's class: " + text);
		assertTrue(text.contains("selection\tcore: "), "the image's selection shows the class set: " + text);
		assertEquals("ACCEPTED", accepted[1], text);
		float[] labels = org.lesionseg.unet.core.data.ImageFiles.read(set.resolve("masks").resolve(accepted[2] + ".png")).plane(0);
		int core = 0, penumbra = 0, other = 0;
		for (float v : labels)
			if (v == 1)
				core++;
			else if (v == 2)
				penumbra++;
			else if (v != 0)
				other++;
		assertEquals(Integer.parseInt(pixels[1]), penumbra, "the square is penumbra: " + text);
		assertEquals(Integer.parseInt(pixels[2]), core, "the oval is core: " + text);
		assertEquals(0, other);
		assertTrue(ImageIO.read(shot.toFile()).getWidth() > 300);
	}

	@Test
	void thePanelsKeysDecideSlicesWithTheRoiManagersRois(@TempDir Path tmp) throws Exception {
		assumeTrue(xvfbAvailable(), "xvfb-run is not installed");
		Path model = PluginTests.blobModel();
		Path set = tmp.resolve("set"), shot = Paths.get("target", "review-panel.png").toAbsolutePath();
		String text = probe(ReviewPanelProbe.class, tmp.resolve("probe.log"), model.toString(), set.toString(), shot.toString());
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
