package org.lesionseg.unet.plugins;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.core.modelfile.ModelFile;
import org.lesionseg.unet.core.predict.MaskPostprocessing;

/**
 * The shipped macros of macros/ as a user of plain ImageJ runs them, after {@code mvn package}: the plugin installed
 * from target/imagej as docs/install.md says (plugins/ and jars/ into {@code ~/.imagej}), run by Debian's own ImageJ
 * 1.53t through its launcher ({@code xvfb-run -a imagej -b macro "keys"}, .ci/run installs the package) and by ImageJ
 * 1.54p ({@code java -Dplugins.dir=... -jar ij.jar -batch}), each under {@code timeout} as the docs advise. Every
 * macro must print a test Dice that only a network that learned reaches, and a sensible number of ROIs.
 * <p>
 * A failsafe integration test: it needs the packaged layout, so it runs in {@code mvn verify} after {@code package}.
 */
class PlainImageJMacrosIT {

	/** Debian's launcher of its imagej package. */
	static final Path DEBIAN_IMAGEJ = Paths.get("/usr/bin/imagej");

	/**
	 * train_from_folders on the BHSD CT slices: the settings a user passes for a CPU (docs/macros.md); the volume is
	 * the group, so that no test slice has a neighbour in training.
	 */
	static final String CT_SETTINGS = "image_size=128 depth=4 base_features=16 batch_size=4 epochs=12 learning_rate=0.003 augment=flip,rot90 "
		+ "group_by=^(...) seed=11";

	/**
	 * Far above what a network that learned nothing scores: predicting nothing gives 0, predicting everything at most
	 * 0.05 on BHSD slices (LearningOnRealDataTest), whose haemorrhages cover under 7 % of a slice.
	 */
	static final double LEARNED_DICE = 0.25;

	@TempDir
	static Path tmp;

	/** HOME for the launcher, with ~/.imagej/plugins and ~/.imagej/jars filled from target/imagej. */
	static Path home;

	@BeforeAll
	static void install() throws IOException {
		assumeTrue(ImageJInstall.xvfbAvailable(), "xvfb-run is not installed (apt-get install xvfb): ImageJ 1 needs a display even in -batch mode");
		Path layout = Paths.get("target", "imagej");
		assertTrue(Files.isDirectory(layout.resolve("plugins")), "no " + layout + "/plugins: run mvn package (mvn verify does) before this test");
		home = tmp.resolve("home");
		for (String part : Arrays.asList("plugins", "jars")) {
			Path to = Files.createDirectories(home.resolve(".imagej").resolve(part));
			try (Stream<Path> jars = Files.list(layout.resolve(part))) {
				for (Path jar : (Iterable<Path>) jars::iterator)
					Files.copy(jar, to.resolve(jar.getFileName()));
			}
		}
	}

	/** One ImageJ: how it starts a macro file with its argument. */
	interface ImageJ {
		List<String> command(Path macro, String keys) throws Exception;
	}

	/** Debian's 1.53t through its launcher, whose ImageJ folder is ~/.imagej; it always exits with 1. */
	static final ImageJ DEBIAN = (macro, keys) -> Arrays.asList("xvfb-run", "-a", DEBIAN_IMAGEJ.toString(), "-b", macro.toString(), keys);

	/** ImageJ 1.54p from Maven Central, with the same ~/.imagej as its plugins folder. */
	static final ImageJ MAVEN = (macro, keys) -> Arrays.asList("xvfb-run", "-a", Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
		"-Xmx2g", "-Dplugins.dir=" + home.resolve(".imagej"), "-jar", ImageJInstall.ijJar().toString(), "-batch", macro.toString(), keys);

	@Test
	void shippedMacrosLearnInDebiansImageJ153t() throws Exception {
		assumeTrue(Files.isExecutable(DEBIAN_IMAGEJ), "Debian's imagej package is not installed (apt-get install imagej; .ci/run does)");
		shippedMacrosLearn("1.53t", DEBIAN);
	}

	@Test
	void shippedMacrosLearnInImageJ154p() throws Exception {
		shippedMacrosLearn("1.54p", MAVEN);
	}

	private void shippedMacrosLearn(String version, ImageJ imagej) throws Exception {
		Path out = Files.createDirectories(tmp.resolve(version));
		Path ct = PluginTests.sampleData().resolve("ich-ct-bhsd");
		Path model = out.resolve("ct.zip");

		long start = System.nanoTime();
		String trained = run(imagej, macro("train_from_folders.ijm"), "images=[" + ct.resolve("images") + "] masks=[" + ct.resolve("masks") + "] model=[" + model
			+ "] settings=[" + CT_SETTINGS + "]", 1800);
		double trainDice = learnedDice(trained, "train_from_folders: test Dice ");
		long trainSeconds = seconds(start);

		// segment_folder on the held-back test slices of that training, measured against their masks
		Path testImages = Files.createDirectories(out.resolve("test-images"));
		Path testMasks = Files.createDirectories(out.resolve("test-masks"));
		for (String name : ModelFile.readInfo(model).testImages) {
			Files.copy(ct.resolve("images").resolve(name + ".png"), testImages.resolve(name + ".png"));
			Files.copy(ct.resolve("masks").resolve(name + ".png"), testMasks.resolve(name + ".png"));
		}
		start = System.nanoTime();
		String segmented = run(imagej, macro("segment_folder.ijm"), "model=[" + model + "] input=[" + testImages + "] output=[" + out.resolve("segmented")
			+ "] masks=[" + testMasks + "]", 300);
		double segmentDice = learnedDice(segmented, "segment_folder: Dice ");
		int objects = number(segmented, "segment_folder: (\\d+) lesion object");
		int images = ModelFile.readInfo(model).testImages.size();
		assertSensibleCount(objects, trueObjects(testMasks), segmented);
		long segmentSeconds = seconds(start);

		start = System.nanoTime();
		String demo = run(imagej, macro("train_then_segment.ijm"), "data=[" + ct + "] output=[" + out.resolve("demo") + "]", 1800);
		double demoDice = learnedDice(demo, "train_then_segment: test Dice ");
		Matcher slice = Pattern.compile("train_then_segment: (\\d+) ROIs on (\\S+)").matcher(demo);
		assertTrue(slice.find(), demo);
		int rois = Integer.parseInt(slice.group(1));
		assertSensibleCount(rois, trueObjects(ct.resolve("masks").resolve(slice.group(2))), demo);
		long demoSeconds = seconds(start);

		System.out.printf(Locale.ROOT, "ImageJ %s: train_from_folders test Dice %.3f (%d s); segment_folder Dice %.3f, %d objects in %d slices (%d s); "
			+ "train_then_segment test Dice %.3f, %d ROIs (%d s)%n", version, trainDice, trainSeconds, segmentDice, objects, images, segmentSeconds, demoDice,
			rois, demoSeconds);
	}

	/** The check above fails on a macro whose network did not learn: one epoch at a tiny learning rate. */
	@Test
	void aMacroWhoseNetworkDidNotLearnFails() throws Exception {
		String demo = run(MAVEN, macro("train_then_segment.ijm"), "data=[" + PluginTests.sampleData().resolve("ich-ct-bhsd") + "] output=["
			+ tmp.resolve("not-learned") + "] settings=[epochs=1 learning_rate=0.000001]", 300);
		assertTrue(demo.contains("train_then_segment: test Dice "), demo);
		assertThrows(AssertionError.class, () -> learnedDice(demo, "train_then_segment: test Dice "));
	}

	/** Issue 8's fix in Debian's 1.53t too: a failed command stops a -batch macro (Macro.abort() alone did not). */
	@Test
	void aFailedCommandStopsABatchMacroInDebiansImageJ() throws Exception {
		assumeTrue(Files.isExecutable(DEBIAN_IMAGEJ), "Debian's imagej package is not installed");
		Path missing = tmp.resolve("missing.zip");
		Path file = tmp.resolve("mistake.ijm");
		Files.write(file, ("setBatchMode(true);\nnewImage('real', '8-bit black', 16, 16, 1);\nrun('Segment with UNet', 'image=real model_file=[" + missing
			+ "]');\nprint('NEXT LINE RAN');\n").getBytes(StandardCharsets.UTF_8));
		String out = run(DEBIAN, file, "", 120);
		assertTrue(out.contains("Segment with UNet error: model_file " + missing + " does not exist"), out);
		assertFalse(out.contains("NEXT LINE RAN"), "the macro must stop: " + out);
	}

	/**
	 * A sensible number of objects is of the order of the true one: no fewer than half, no more than six times (a
	 * 12-epoch model found 131 objects where the 7 test masks hold 24; a flood was 37,761 ROIs on 36 slices).
	 */
	private static void assertSensibleCount(int found, int truth, String out) {
		assertTrue(found >= (truth + 1) / 2 && found <= 6 * truth, found + " objects where the masks hold " + truth + ": " + out);
	}

	/** The objects of a mask file, or of every mask in a folder, counted as prediction counts them (8-connected). */
	static int trueObjects(Path maskOrFolder) throws IOException {
		List<Path> masks = new ArrayList<>();
		if (Files.isDirectory(maskOrFolder))
			try (Stream<Path> files = Files.list(maskOrFolder)) {
				files.forEach(masks::add);
			}
		else
			masks.add(maskOrFolder);
		int objects = 0;
		for (Path mask : masks) {
			ij.process.ImageProcessor ip = ij.IJ.openImage(mask.toString()).getProcessor();
			float[] truth = new float[ip.getWidth() * ip.getHeight()];
			for (int i = 0; i < truth.length; i++)
				truth[i] = ip.get(i) != 0 ? 1 : 0;
			objects += MaskPostprocessing.process(truth, ip.getWidth(), ip.getHeight(), new MaskPostprocessing.Options()).objects().size();
		}
		return objects;
	}

	private static Path macro(String name) {
		return Paths.get("macros", name).toAbsolutePath();
	}

	private static long seconds(long startNanos) {
		return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos);
	}

	/** The Dice a macro printed after the label; fails unless a network that learned could reach it. */
	static double learnedDice(String out, String label) {
		Matcher m = Pattern.compile(Pattern.quote(label) + "([0-9.]+)").matcher(out);
		assertTrue(m.find(), "no \"" + label + "\" line: " + out);
		double dice = Double.parseDouble(m.group(1));
		assertTrue(dice > LEARNED_DICE, label + dice + " is no better than a network that did not learn: " + out);
		return dice;
	}

	private static int number(String out, String regex) {
		Matcher m = Pattern.compile(regex).matcher(out);
		assertTrue(m.find(), "no line matching " + regex + ": " + out);
		return Integer.parseInt(m.group(1));
	}

	/**
	 * Runs a macro under {@code timeout} (a modal dialog under Xvfb would wait forever) with HOME set to the test's
	 * installation; the exit status says nothing (Debian's launcher always exits with 1), the output says all.
	 */
	static String run(ImageJ imagej, Path macro, String keys, int timeoutSeconds) throws Exception {
		List<String> command = new ArrayList<>(Arrays.asList("timeout", "-k", "10", String.valueOf(timeoutSeconds)));
		command.addAll(imagej.command(macro, keys));
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		String djlCache = System.getenv("DJL_CACHE_DIR");
		builder.environment().put("DJL_CACHE_DIR", djlCache != null ? djlCache : Paths.get(System.getProperty("user.home"), ".djl.ai").toString());
		builder.environment().put("HOME", home.toString());
		builder.environment().put("OMP_WAIT_POLICY", "PASSIVE");
		Process process = builder.start();
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		process.getInputStream().transferTo(bytes);
		int status = process.waitFor();
		String out = new String(bytes.toByteArray(), StandardCharsets.UTF_8);
		Files.write(tmp.resolve(macro.getFileName() + "-" + System.nanoTime() + ".out"), bytes.toByteArray());
		assertFalse(status == 124 || status == 137, macro + " did not end within " + timeoutSeconds + " s: " + out);
		return out;
	}
}
