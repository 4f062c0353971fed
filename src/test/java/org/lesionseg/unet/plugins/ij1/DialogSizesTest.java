package org.lesionseg.unet.plugins.ij1;

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

import org.junit.jupiter.api.Test;
import org.lesionseg.unet.plugins.MacroKeys;
import org.lesionseg.unet.plugins.TrainUNet;

/** Every command's plain-ImageJ dialog, shown for real under Xvfb, fits a 1366×768 laptop screen. */
class DialogSizesTest {

	@Test
	void everyDialogFitsALaptopScreen() throws Exception {
		assumeTrue(xvfbAvailable(), "xvfb-run is not installed");
		List<String> command = new ArrayList<>(Arrays.asList("xvfb-run", "-a", "-s", "-screen 0 1400x1050x24",
			Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
			DialogSizes.class.getName()));
		Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
		byte[] out = p.getInputStream().readAllBytes();
		assertTrue(p.waitFor(120, TimeUnit.SECONDS));
		String text = new String(out, StandardCharsets.UTF_8);
		Map<String, int[]> sizes = new LinkedHashMap<>();
		for (String line : text.split("\n"))
			if (line.startsWith("size\t")) {
				String[] f = line.split("\t");
				sizes.put(f[1], new int[] { Integer.parseInt(f[2]), Integer.parseInt(f[3]) });
			}
		// every command with keys showed its dialog, and Train UNet also its advanced settings
		assertEquals(UNetPlugIn.COMMANDS.size() + 1, sizes.size(), text);
		assertTrue(sizes.containsKey("Train UNet: advanced settings"), text);
		for (Map.Entry<String, int[]> e : sizes.entrySet())
			assertTrue(e.getValue()[0] <= 1366 && e.getValue()[1] <= 768, e.getKey() + " is " + e.getValue()[0] + "x" + e.getValue()[1] + "\n" + text);
	}

	@Test
	void everyTrainingKeyIsInOneOfTheTwoDialogs() {
		CommandDialog dialog = new CommandDialog(new TrainUNet());
		List<String> shown = new ArrayList<>();
		for (MacroKeys.Key k : dialog.essentialItems())
			if (!k.isMessage())
				shown.add(k.name());
		assertTrue(shown.containsAll(Arrays.asList("model_file", "epochs", "device", "images_folder")), shown.toString());
		for (MacroKeys.Key k : dialog.advancedItems())
			if (!k.isMessage()) {
				assertTrue(!shown.contains(k.name()), k.name() + " is in both dialogs");
				shown.add(k.name());
			}
		List<String> all = new ArrayList<>();
		for (MacroKeys.Key k : MacroKeys.keysOf(TrainUNet.class))
			all.add(k.name());
		assertTrue(shown.containsAll(all) && all.containsAll(shown), shown + " vs " + all);
	}

	private static boolean xvfbAvailable() {
		for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
			if (Files.isExecutable(Path.of(dir, "xvfb-run")))
				return true;
		return false;
	}
}
