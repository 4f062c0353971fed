package org.lesionseg.unet.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.core.interop.ImportFixtures;
import org.lesionseg.unet.ij.RoiSets;
import org.scijava.Context;
import org.scijava.script.ScriptLanguage;
import org.scijava.script.ScriptModule;
import org.scijava.script.ScriptService;

/**
 * The shipped script templates (src/main/resources/script_templates) run by real Groovy and Jython engines through
 * scijava-common's ScriptService, which reads their {@code #@} parameters and outputs as Fiji's Script Editor does
 * (it finds both engines through javax.script), on the sample data.
 */
class ScriptTemplatesTest {

	private static Context context;
	private static ScriptService scripts;

	@TempDir
	Path dir;

	@BeforeAll
	static void start() {
		context = new Context(ScriptService.class);
		scripts = context.service(ScriptService.class);
	}

	@AfterAll
	static void stop() {
		context.dispose();
	}

	/** Runs a template from the class path (as the jar ships it) with these inputs; returns the finished module. */
	private static ScriptModule run(String template, Map<String, Object> inputs) throws Exception {
		String resource = "script_templates/UNet_Segmentation/" + template;
		String text;
		try (InputStream in = ScriptTemplatesTest.class.getClassLoader().getResourceAsStream(resource)) {
			assertNotNull(in, resource + " is not in the jar's resources");
			text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		ScriptLanguage language = scripts.getLanguageByExtension(template.substring(template.lastIndexOf('.') + 1));
		assertNotNull(language, "no script language for " + template + " (the engine is not on the class path)");
		return scripts.run(template, text, true, inputs).get();
	}

	private static Map<String, Object> inputs(Object... keysAndValues) {
		Map<String, Object> m = new LinkedHashMap<>();
		for (int i = 0; i < keysAndValues.length; i += 2)
			m.put((String) keysAndValues[i], keysAndValues[i + 1]);
		return m;
	}

	/** The BHSD CT slices with the largest lesions (a few, to keep the test short). */
	private Path slices(String kind, String... names) throws IOException {
		Path folder = Files.createDirectories(dir.resolve(kind));
		for (String name : names)
			Files.copy(Paths.get("sample-data/ich-ct-bhsd", kind, name), folder.resolve(name));
		return folder;
	}

	/**
	 * The fixture network is weak (a tiny U-Net with BatchNorm trained 300 steps: in eval mode its probabilities on the
	 * lesions stay below 0.03), so the templates run it with a low threshold to find objects.
	 */
	private static final double WEAK_FIXTURE_THRESHOLD = 0.01;

	private static final String[] CT = { "120018.png", "123010.png", "136013.png" };

	@Test
	void jythonSegmentFolderWithTheTorchScriptUNetWritesRoiSetsWithObjects() throws Exception {
		Path out = dir.resolve("out");
		Files.createDirectories(out);
		ScriptModule m = run("Segment_Folder.py", inputs("model_file", ImportFixtures.TORCHSCRIPT.toFile(), "input_folder", slices("images", CT).toFile(),
			"output_folder", out.toFile(), "threshold", WEAK_FIXTURE_THRESHOLD, "min_size", 20, "more", "model_format=torchscript size_multiple=4 output_kind=logits device=cpu"));
		int objects = ((Number) m.getOutput("objects")).intValue();
		System.out.println("Segment_Folder.py (Jython) with the TorchScript fixture on " + CT.length + " CT slices: " + objects + " objects");
		assertTrue(objects > 0, "no objects found");
		int rois = 0;
		for (String name : CT)
			rois += RoiSets.read(out.resolve(name.replace(".png", "_rois.zip"))).size();
		assertEquals(objects, rois, "ROI sets hold one ROI per object");
		assertTrue(Files.isRegularFile(out.resolve("objects.csv")));
	}

	@Test
	void groovyReviewRoisWithTheBioImageIoPackageFindsTheLesion() throws Exception {
		Path roiSet = dir.resolve("review.zip");
		ScriptModule m = run("Review_ROIs.groovy", inputs("model_file", ImportFixtures.PACKAGE_TS_05.toFile(), "image_file",
			Paths.get("sample-data/ich-ct-bhsd/images/136013.png").toFile(), "roi_set_file", roiSet.toFile(), "threshold", WEAK_FIXTURE_THRESHOLD, "more", "device=cpu min_size=20"));
		int count = ((Number) m.getOutput("count")).intValue();
		assertTrue(count > 0, "no ROI");
		assertEquals(count, RoiSets.read(roiSet).size());
	}

	@Test
	void groovyTrainThenSegmentTrainsARealModelAndSegmentsWithIt() throws Exception {
		Path images = Paths.get("sample-data/isles22-case0009/images"), masks = Paths.get("sample-data/isles22-case0009/masks");
		Path out = Files.createDirectories(dir.resolve("segmented"));
		Path model = dir.resolve("model.zip");
		ScriptModule m = run("Train_Then_Segment.groovy", inputs("images_folder", images.toFile(), "masks_folder", masks.toFile(), "model_file", model.toFile(),
			"input_folder", slices("images", CT).toFile(), "output_folder", out.toFile(), "epochs", 2, "image_size", 32,
			"more", "base_features=4 depth=2 batch_size=8 device=cpu learning_rate=1e-3"));
		double dice = ((Number) m.getOutput("test_dice")).doubleValue();
		System.out.println("Train_Then_Segment.groovy: test pooled Dice " + dice + ", objects " + m.getOutput("objects"));
		assertTrue(Files.isRegularFile(model));
		assertTrue(!Double.isNaN(dice) && dice >= 0 && dice <= 1, "test Dice " + dice);
		for (String name : CT)
			assertTrue(Files.isRegularFile(out.resolve(name.replace(".png", "_mask.png"))), name);

		// the model just trained goes to bioimage.io through the Jython export template
		Path bundle = dir.resolve("exported.bioimageio.zip");
		run("Export_to_bioimage.io.py", inputs("model_file", model.toFile(), "package_file", bundle.toFile(), "more", "authors=[Script Test]"));
		try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(bundle.toFile())) {
			assertNotNull(zip.getEntry("rdf.yaml"), "rdf.yaml in the exported package");
			assertNotNull(zip.getEntry("weights.onnx"), "weights.onnx in the exported package");
			String rdf = new String(zip.getInputStream(zip.getEntry("rdf.yaml")).readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
			assertTrue(rdf.contains("Script Test"), "the author given to the template");
		}
	}

	@Test
	void everyTemplateComesInGroovyPythonAndMacro() {
		for (String base : new String[] { "Segment_Folder", "Train_Then_Segment", "Review_ROIs", "Export_to_bioimage.io" })
			for (String ext : new String[] { "groovy", "py", "ijm" })
				assertNotNull(getClass().getClassLoader().getResource("script_templates/UNet_Segmentation/" + base + "." + ext), base + "." + ext);
	}

	static File file(Path p) {
		return p.toFile();
	}
}
