package org.lesionseg.unet.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.cli.UnetCli;
import org.lesionseg.unet.core.interop.BioImageIoPackageWriter;
import org.lesionseg.unet.core.interop.ExportModels;
import org.lesionseg.unet.core.interop.Npy;
import org.lesionseg.unet.core.interop.OnnxTileNetwork;
import org.lesionseg.unet.core.io.Json;
import org.lesionseg.unet.core.model.UNetConfig;
import org.lesionseg.unet.core.modelfile.ModelBundle;
import org.lesionseg.unet.core.modelfile.ModelInfo;
import org.lesionseg.unet.workflow.options.ExportOptions;
import org.lesionseg.unet.workflow.options.Option;
import org.yaml.snakeyaml.Yaml;

import com.google.gson.JsonObject;

/**
 * The bioimage.io package as a consumer without Python sees it: the spec's required fields, typed axes with sizes
 * min + n·step, every file present with its sha256, and the test input, preprocessed as rdf.yaml says and run by
 * onnxruntime, reproducing the test output within the package's own tolerance.
 */
class ExportJobTest {

	private static final Path ISLES = Paths.get("sample-data", "isles22-case0009", "images", "sub-strokecase0009_z040.png");

	@TempDir
	Path dir;

	@Test
	void aPackageOfAGreyModelPassesTheSpecChecksAndItsTestTensorsReproduce() throws IOException {
		Path model = ExportModels.write(dir.resolve("lesions.zip"), new UNetConfig().depth(3).baseFeatures(6), 32, "scale01", 5);
		String threshold = medianThreshold(model, ISLES);
		ExportJob.Outcome outcome = export(model, "package_file", dir.resolve("out/lesions.bioimageio.zip").toString(), "test_image", ISLES.toString(),
			"authors", "A. Author; B. Author", "citation", "Our stroke paper", "citation_link", "10.1234/abc", "threshold", threshold);
		assertTrue(outcome.maxDifference < 1e-4, "ONNX vs engine " + outcome.maxDifference);
		assertEquals(8, outcome.step);
		assertEquals(112, outcome.testWidth, "112 is a multiple of 8: not cropped");
		Map<String, byte[]> files = unzip(outcome.packageFile);
		Map<String, Object> rdf = new Yaml().load(new String(files.get("rdf.yaml"), StandardCharsets.UTF_8));

		assertEquals("model", rdf.get("type"));
		assertTrue(String.valueOf(rdf.get("format_version")).startsWith("0.5."), "format_version " + rdf.get("format_version"));
		assertEquals("UNet lesions", rdf.get("name"));
		assertFalse(String.valueOf(rdf.get("description")).isEmpty());
		assertEquals("A. Author", map(list(rdf.get("authors")).get(0)).get("name"));
		assertEquals("B. Author", map(list(rdf.get("authors")).get(1)).get("name"));
		List<Object> cite = list(rdf.get("cite"));
		assertEquals("10.1234/abc", map(cite.get(0)).get("doi"));
		assertEquals("10.1007/978-3-319-24574-4_28", map(cite.get(1)).get("doi"), "the U-Net paper is always cited");
		assertEquals("CC-BY-4.0", rdf.get("license"));
		assertTrue(list(rdf.get("tags")).contains("unet"));
		for (Object cover : list(rdf.get("covers")))
			assertTrue(files.containsKey(cover), "cover " + cover);
		String documentation = new String(files.get(rdf.get("documentation")), StandardCharsets.UTF_8);
		assertTrue(documentation.contains("## Validation") && documentation.contains("test_pooled_dice"), documentation);

		Map<String, Object> input = map(list(rdf.get("inputs")).get(0));
		List<Object> axes = list(input.get("axes"));
		assertEquals("batch", map(axes.get(0)).get("type"));
		assertEquals("channel", map(axes.get(1)).get("type"));
		for (int a = 2; a < 4; a++) {
			Map<String, Object> axis = map(axes.get(a));
			assertEquals("space", axis.get("type"));
			assertEquals(a == 2 ? "y" : "x", axis.get("id"));
			assertEquals(8, map(axis.get("size")).get("min"));
			assertEquals(8, map(axis.get("size")).get("step"));
		}
		Map<String, Object> output = map(list(rdf.get("outputs")).get(0));
		assertEquals("input", map(map(list(output.get("axes")).get(2)).get("size")).get("tensor_id"));
		Map<String, Object> binarize = map(list(output.get("postprocessing")).get(0));
		assertEquals("binarize", binarize.get("id"));
		assertEquals(Double.parseDouble(threshold), ((Number) map(binarize.get("kwargs")).get("threshold")).doubleValue(), 1e-6);
		// scale01 of an 8-bit model: division by 255
		Map<String, Object> pre = map(list(input.get("preprocessing")).get(0));
		assertEquals("scale_linear", pre.get("id"));
		assertEquals(1 / 255.0, ((Number) map(pre.get("kwargs")).get("gain")).doubleValue(), 1e-12);

		Map<String, Object> onnx = map(map(rdf.get("weights")).get("onnx"));
		assertTrue(((Number) onnx.get("opset_version")).intValue() <= 17, "deepImageJ reads opsets up to 18");
		assertSha256(files, onnx);
		assertSha256(files, map(input.get("test_tensor")));
		assertSha256(files, map(output.get("test_tensor")));
		for (Object attachment : list(rdf.get("attachments")))
			assertSha256(files, map(attachment));
		BufferedImage cover = ImageIO.read(new ByteArrayInputStream(files.get("cover.png")));
		assertEquals(2 * cover.getHeight(), cover.getWidth(), "image | prediction");

		int mismatched = reproduce(files, rdf);
		int allowed = ((Number) map(list(map(map(rdf.get("config")).get("bioimageio")).get("reproducibility_tolerance")).get(0))
			.get("mismatched_elements_per_million")).intValue();
		assertTrue(mismatched <= 112 * 112 * allowed / 1_000_000, mismatched + " pixels differ");
	}

	@Test
	void zScoreModelsGetZeroMeanUnitVarianceAndImagesAreCroppedToTheStep() throws IOException {
		Path model = ExportModels.write(dir.resolve("z.zip"), new UNetConfig().depth(2).baseFeatures(4), 32, "zscore", 6);
		// depth 2: step 4; a 150x99 crop of a real CT slice becomes 148x96
		Path odd = dir.resolve("odd.png");
		BufferedImage big = ImageIO.read(Paths.get("sample-data", "ich-ct-bhsd", "images").toFile().listFiles()[0]);
		ImageIO.write(big.getSubimage(200, 200, 150, 99), "png", odd.toFile());
		ExportJob.Outcome outcome = export(model, "package_file", dir.resolve("z.bioimageio.zip").toString(), "test_image", odd.toString(), "threshold",
			medianThreshold(model, odd));
		assertEquals(148, outcome.testWidth);
		assertEquals(96, outcome.testHeight);
		Map<String, byte[]> files = unzip(outcome.packageFile);
		Map<String, Object> rdf = new Yaml().load(new String(files.get("rdf.yaml"), StandardCharsets.UTF_8));
		Map<String, Object> input = map(list(rdf.get("inputs")).get(0));
		assertEquals("zero_mean_unit_variance", map(list(input.get("preprocessing")).get(0)).get("id"));
		assertTrue(reproduce(files, rdf) <= 148 * 96 * BioImageIoPackageWriter.MISMATCHED_PER_MILLION / 1_000_000);
	}

	@Test
	void corruptForeignAndDiffusionModelFilesGiveOneClearLine() throws IOException {
		Path garbage = Files.write(dir.resolve("garbage.zip"), "not a zip at all".getBytes(StandardCharsets.US_ASCII));
		assertOneLine(cli("export", "--model", garbage.toString(), "--output", dir.resolve("a.zip").toString()), "garbage.zip");
		Path png = Files.copy(ISLES, dir.resolve("slice.zip"));
		assertOneLine(cli("export", "--model", png.toString(), "--output", dir.resolve("b.zip").toString()), "slice.zip");
		// a diffusion model (its sampler has no single ONNX graph): refused before its weights are read
		ModelInfo info = ModelInfo.of(new UNetConfig().depth(2).baseFeatures(4));
		info.normalization = "scale01";
		info.trainingSize = 32;
		info.modelKind = ModelInfo.DIFFUSION;
		info.diffusion = new org.lesionseg.unet.core.modelfile.DiffusionSettings();
		JsonObject metadata = Json.GSON.toJsonTree(info).getAsJsonObject();
		Path diffusion = dir.resolve("diffusion.zip");
		ModelBundle.write(diffusion, metadata, new byte[] { 1, 2, 3 }, new HashMap<>());
		String line = assertOneLine(cli("export", "--model", diffusion.toString(), "--output", dir.resolve("c.zip").toString()), "diffusion");
		assertTrue(line.contains("only U-Net models"), line);
		assertFalse(Files.exists(dir.resolve("c.zip")));
	}

	/**
	 * A threshold that splits this (untrained) model's probabilities on the image between their 10th and 90th percentiles, so that the test
	 * output has both classes: found with a first export, read as a consumer would.
	 */
	private String medianThreshold(Path model, Path image) throws IOException {
		ExportJob.Outcome first = export(model, "package_file", dir.resolve("first.zip").toString(), "test_image", image.toString());
		Map<String, byte[]> files = unzip(first.packageFile);
		float[] p = probabilities(files, new Yaml().load(new String(files.get("rdf.yaml"), StandardCharsets.UTF_8))).clone();
		java.util.Arrays.sort(p);
		// halfway across the widest gap of the middle 80 %, so that no pixel lies within rounding of the threshold
		int widest = p.length / 10;
		for (int i = widest; i < p.length * 9 / 10; i++)
			if (p[i + 1] - p[i] > p[widest + 1] - p[widest])
				widest = i;
		assertTrue(p[widest + 1] - p[widest] > 2e-6, "a gap wider than the runtimes' differences: " + (p[widest + 1] - p[widest]));
		return Double.toString((p[widest] + (double) p[widest + 1]) / 2);
	}

	private static String assertOneLine(String[] outAndErr, String mentions) {
		String err = outAndErr[1].trim();
		assertEquals(1, err.split("\n").length, err);
		assertTrue(err.startsWith("error: ") && err.contains(mentions), err);
		assertFalse(err.contains("Exception"), err);
		return err;
	}

	private static String[] cli(String... args) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
		int code = new UnetCli(new PrintStream(out, true), new PrintStream(err, true)).run(args);
		assertEquals(2, code, err.toString());
		return new String[] { out.toString(), err.toString() };
	}

	/** The export through the request a macro makes (keys as in Fiji). */
	private static ExportJob.Outcome export(Path model, String... keysAndValues) {
		Map<String, String> values = new LinkedHashMap<>();
		values.put("model_file", model.toString());
		for (int i = 0; i < keysAndValues.length; i += 2)
			values.put(keysAndValues[i], keysAndValues[i + 1]);
		return ExportJob.run(ExportRequest.of(ExportOptions.SET.parse(values, Option.Where.FIJI), Spelling.MACRO));
	}

	/**
	 * Runs the package as a bioimage.io consumer would: the test input, preprocessed as rdf.yaml says (implemented here
	 * from the spec's definitions, not with the plugin's normalisation), through weights.onnx, binarized as it says.
	 * Returns how many pixels differ from the test output.
	 */
	private static int reproduce(Map<String, byte[]> files, Map<String, Object> rdf) {
		Map<String, Object> input = map(list(rdf.get("inputs")).get(0)), output = map(list(rdf.get("outputs")).get(0));
		Npy x = Npy.read(files.get(map(input.get("test_tensor")).get("source")), "test input");
		Npy expected = Npy.read(files.get(map(output.get("test_tensor")).get("source")), "test output");
		int h = (int) x.shape[2], w = (int) x.shape[3];
		assertEquals(h, expected.shape[2]);
		assertEquals(w, expected.shape[3]);
		float[] probability = probabilities(files, rdf);
		double threshold = ((Number) map(map(list(output.get("postprocessing")).get(0)).get("kwargs")).get("threshold")).doubleValue();
		int mismatched = 0, foreground = 0;
		for (int i = 0; i < probability.length; i++) {
			float binary = probability[i] > threshold ? 1 : 0;
			foreground += (int) expected.values[i];
			if (binary != expected.values[i])
				mismatched++;
		}
		assertTrue(foreground > 0 && foreground < probability.length, "the test output has both classes: " + foreground + " of " + probability.length);
		return mismatched;
	}

	/** bioimage.io's preprocessing, from the spec's definitions (not the plugin's normalisation code). */
	private static float[] preprocess(float[] v, List<Object> steps) {
		for (Object step : steps) {
			Map<String, Object> s = map(step);
			Map<String, Object> kwargs = map(s.get("kwargs"));
			if ("scale_linear".equals(s.get("id"))) {
				double gain = ((Number) kwargs.get("gain")).doubleValue(), offset = ((Number) kwargs.get("offset")).doubleValue();
				for (int i = 0; i < v.length; i++)
					v[i] = (float) (v[i] * gain + offset);
			} else if ("zero_mean_unit_variance".equals(s.get("id"))) {
				double mean = 0, sq = 0;
				for (float f : v)
					mean += f;
				mean /= v.length;
				for (float f : v)
					sq += (f - mean) * (f - mean);
				double sd = Math.sqrt(sq / v.length);
				for (int i = 0; i < v.length; i++)
					v[i] = (float) ((v[i] - mean) / (sd + 1e-6));
			} else
				throw new AssertionError("preprocessing " + s.get("id") + " not covered by this test");
		}
		return v;
	}

	/** The test input, preprocessed as rdf.yaml says, through weights.onnx: the probabilities before binarize. */
	private static float[] probabilities(Map<String, byte[]> files, Map<String, Object> rdf) {
		Map<String, Object> input = map(list(rdf.get("inputs")).get(0));
		Npy x = Npy.read(files.get(map(input.get("test_tensor")).get("source")), "test input");
		int h = (int) x.shape[2], w = (int) x.shape[3];
		float[] v = preprocess(x.values.clone(), list(input.get("preprocessing")));
		Map<String, Object> onnx = map(map(rdf.get("weights")).get("onnx"));
		float[] probability = new float[h * w];
		ByteBuffer buffer = ByteBuffer.allocateDirect(v.length * 4).order(ByteOrder.nativeOrder());
		buffer.asFloatBuffer().put(v);
		try (OnnxTileNetwork network = new OnnxTileNetwork(files.get(onnx.get("source")), false, 1)) {
			network.run(buffer, 1, (int) x.shape[1], h, w, probability);
		}
		return probability;
	}

	private static void assertSha256(Map<String, byte[]> files, Map<String, Object> entry) {
		byte[] bytes = files.get(entry.get("source"));
		assertNotNull(bytes, "file " + entry.get("source") + " in the package");
		assertEquals(BioImageIoPackageWriter.sha256(bytes), entry.get("sha256"), "sha256 of " + entry.get("source"));
	}

	private static Map<String, byte[]> unzip(Path zip) throws IOException {
		Map<String, byte[]> files = new LinkedHashMap<>();
		try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
			for (ZipEntry e; (e = in.getNextEntry()) != null;)
				files.put(e.getName(), in.readAllBytes());
		}
		return files;
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> map(Object o) {
		assertTrue(o instanceof Map, "a mapping: " + o);
		return (Map<String, Object>) o;
	}

	@SuppressWarnings("unchecked")
	private static List<Object> list(Object o) {
		assertTrue(o instanceof List, "a list: " + o);
		return (List<Object>) o;
	}
}
