package org.lesionseg.unet.core.interop;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import javax.imageio.ImageIO;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.data.DatasetLoader;
import org.lesionseg.unet.core.data.Normalization;
import org.lesionseg.unet.core.data.Resizing;
import org.lesionseg.unet.core.data.Sample;
import org.lesionseg.unet.core.engine.OneDnnSwitch;
import org.lesionseg.unet.core.io.AtomicFiles;
import org.lesionseg.unet.core.io.Json;
import org.lesionseg.unet.core.modelfile.ModelFile;
import org.lesionseg.unet.core.modelfile.ModelInfo;
import org.lesionseg.unet.core.predict.UNetTileNetwork;

import ai.djl.ndarray.NDManager;

/**
 * A bioimage.io model package (one .zip, spec {@value #FORMAT_VERSION}) of a model file: {@code rdf.yaml}, ONNX weights
 * ({@link UNetOnnx}), a test input (raw pixel values) and its expected output (the engine's probability binarized at the
 * threshold) as {@code .npy}, a cover (image | prediction), {@code documentation.md} and the model file itself.
 * <p>
 * The input is (batch, channel, y, x) with y and x of any size 2^depth·n; the preprocessing is the model's
 * normalisation written as bioimage.io operations, the sigmoid is in the graph and the postprocessing binarizes.
 */
public final class BioImageIoPackageWriter {

	public static final String FORMAT_VERSION = "0.5.4";
	public static final String RDF = "rdf.yaml";
	public static final String WEIGHTS = "weights.onnx";
	public static final String TEST_INPUT = "test_input.npy";
	public static final String TEST_OUTPUT = "test_output.npy";
	public static final String COVER = "cover.png";
	public static final String DOCUMENTATION = "documentation.md";
	public static final String SOURCE_MODEL = "unet_model.zip";
	/** Pixels of the test output that may differ (binarized values near the threshold), per million: bioimage.io's reproducibility tolerance. */
	public static final int MISMATCHED_PER_MILLION = 100;

	private BioImageIoPackageWriter() {
	}

	/** A reference to cite: text and a DOI or a URL. */
	public static final class Citation {
		public final String text;
		public final String doi;
		public final String url;

		public Citation(String text, String doi, String url) {
			this.text = text;
			this.doi = doi;
			this.url = url;
		}
	}

	/** What the package says about itself. */
	public static final class Metadata {
		public String name;
		public String description;
		public List<String> authors = new ArrayList<>();
		public String license;
		public List<Citation> cite = new ArrayList<>();
		public List<String> tags = new ArrayList<>();
	}

	/** What was written, with the check made while writing. */
	public static final class Result {
		public final Path file;
		public final long bytes;
		public final int step;
		public final int testWidth;
		public final int testHeight;
		/** Largest |ONNX − engine| probability on the test input. */
		public final double maxDifference;
		public final int foregroundPixels;

		Result(Path file, long bytes, int step, int testWidth, int testHeight, double maxDifference, int foregroundPixels) {
			this.file = file;
			this.bytes = bytes;
			this.step = step;
			this.testWidth = testWidth;
			this.testHeight = testHeight;
			this.maxDifference = maxDifference;
			this.foregroundPixels = foregroundPixels;
		}
	}

	/**
	 * Writes the package.
	 *
	 * @param rawTest   a test image with its raw pixel values (C, H, W), as stored in the file
	 * @param manager   the manager holding the model's weights
	 * @param threshold probability above which a pixel is foreground (the binarize step)
	 */
	public static Result write(ModelFile.Loaded model, Path modelFile, Metadata meta, Sample rawTest, float threshold, NDManager manager, Path zip) {
		ModelInfo info = model.info;
		int step = 1 << info.depth;
		Sample test = testInput(rawTest, info, step);
		int w = test.width(), h = test.height(), c = info.inputChannels;
		float[] raw = test.image().update(null).getCurrentStorageArray().clone();
		float[] normalised = raw.clone();
		Normalization.fromName(info.normalization).apply(normalised, w, h, c, info.bitDepth);

		byte[] onnx = UNetOnnx.export(model.block, "unet", meta.description);
		float[] engine = new float[w * h], runtime = new float[w * h];
		ByteBuffer input = ByteBuffer.allocateDirect(normalised.length * 4).order(ByteOrder.nativeOrder());
		input.asFloatBuffer().put(normalised);
		// the reference must be right: oneDNN's forward is wrong on some VMs (see OneDnnSwitch), where this scope switches it off
		try (OneDnnSwitch.Scope exact = OneDnnSwitch.trainingStep()) {
			new UNetTileNetwork(model.block, manager).run(input, 1, c, h, w, engine);
		}
		try (OnnxTileNetwork network = new OnnxTileNetwork(onnx, false, 0)) {
			network.run(input, 1, c, h, w, runtime);
		}
		double maxDifference = 0;
		float[] mask = new float[w * h];
		int foreground = 0;
		for (int i = 0; i < mask.length; i++) {
			maxDifference = Math.max(maxDifference, Math.abs(engine[i] - runtime[i]));
			mask[i] = engine[i] > threshold ? 1f : 0f;
			foreground += (int) mask[i];
		}
		if (!(maxDifference < 1e-4))
			throw new UnetException("the exported ONNX network differs from the engine by " + maxDifference + " on the test image: not writing " + zip);

		Map<String, byte[]> files = new LinkedHashMap<>();
		files.put(WEIGHTS, onnx);
		files.put(TEST_INPUT, Npy.write(raw, 1, c, h, w));
		files.put(TEST_OUTPUT, Npy.write(mask, 1, 1, h, w));
		files.put(COVER, cover(normalised, mask, w, h));
		files.put(DOCUMENTATION, documentation(info, meta, modelFile, threshold, step, w, h, maxDifference).getBytes(StandardCharsets.UTF_8));
		try {
			files.put(SOURCE_MODEL, Files.readAllBytes(modelFile));
		} catch (IOException e) {
			throw new UnetException("cannot read " + modelFile + " again to include it: " + e.getMessage(), e);
		}
		Map<String, byte[]> ordered = new LinkedHashMap<>();
		ordered.put(RDF, rdf(info, meta, files, threshold, step).getBytes(StandardCharsets.UTF_8));
		ordered.putAll(files);
		AtomicFiles.write(zip, out -> {
			ZipOutputStream zipOut = new ZipOutputStream(out);
			for (Map.Entry<String, byte[]> e : ordered.entrySet()) {
				zipOut.putNextEntry(new ZipEntry(e.getKey()));
				zipOut.write(e.getValue());
				zipOut.closeEntry();
			}
			zipOut.finish();
		});
		long size;
		try {
			size = Files.size(zip);
		} catch (IOException e) {
			size = -1;
		}
		return new Result(zip, size, step, w, h, maxDifference, foreground);
	}

	/** The test image as the package expects its input: scaled as training images were, the model's channels, cropped to a multiple of the step. */
	static Sample testInput(Sample raw, ModelInfo info, int step) {
		Sample s = DatasetLoader.withChannels(raw, info.inputChannels);
		int[] size = Resizing.scaledSize(s.width(), s.height(), info.inputScale);
		if (size[0] != s.width() || size[1] != s.height())
			s = Resizing.resize(s, size[0], size[1]);
		int w = s.width() / step * step, h = s.height() / step * step;
		if (w == 0 || h == 0)
			throw new UnetException("the test image " + raw.name() + " is " + s.width() + "x" + s.height() + " at the model's input scale: it must be at least "
				+ step + "x" + step + " (2^depth); choose a larger test image");
		if (w != s.width() || h != s.height())
			s = Resizing.crop(s, (s.width() - w) / 2, (s.height() - h) / 2, w, h);
		return s;
	}

	/** The model's normalisation as bioimage.io preprocessing (YAML lines at the list's indentation), or none. */
	static List<String> preprocessing(ModelInfo info) {
		List<String> lines = new ArrayList<>();
		switch (Normalization.fromName(info.normalization)) {
			case SCALE_01:
				if (info.bitDepth == 8 || info.bitDepth == 16) {
					lines.add("- id: scale_linear");
					lines.add("  kwargs: {gain: " + (1.0 / (info.bitDepth == 8 ? 255 : 65535)) + ", offset: 0.0}");
				} else {
					// 32-bit images: min-max over the whole image, all channels together
					lines.add("- id: scale_range");
					lines.add("  kwargs: {axes: [channel, y, x], min_percentile: 0.0, max_percentile: 100.0}");
				}
				break;
			case MINMAX:
				lines.add("- id: scale_range");
				lines.add("  kwargs: {axes: [y, x], min_percentile: 0.0, max_percentile: 100.0}");
				break;
			case ZSCORE:
				lines.add("- id: zero_mean_unit_variance");
				lines.add("  kwargs: {axes: [y, x]}");
				break;
			case NONE:
				break;
			default:
				throw new AssertionError(info.normalization);
		}
		return lines;
	}

	static String rdf(ModelInfo info, Metadata meta, Map<String, byte[]> files, float threshold, int step) {
		StringBuilder y = new StringBuilder();
		y.append("# bioimage.io model description, written by the UNet Segmentation plugin\n");
		y.append("type: model\n");
		y.append("format_version: ").append(FORMAT_VERSION).append('\n');
		y.append("name: ").append(q(meta.name)).append('\n');
		y.append("description: ").append(q(meta.description)).append('\n');
		y.append("authors:\n");
		for (String a : meta.authors)
			y.append("  - name: ").append(q(a)).append('\n');
		y.append("cite:\n");
		for (Citation c : meta.cite) {
			y.append("  - text: ").append(q(c.text)).append('\n');
			if (c.doi != null && !c.doi.isEmpty())
				y.append("    doi: ").append(q(c.doi)).append('\n');
			if (c.url != null && !c.url.isEmpty())
				y.append("    url: ").append(q(c.url)).append('\n');
		}
		y.append("license: ").append(q(meta.license)).append('\n');
		y.append("tags: [");
		for (int i = 0; i < meta.tags.size(); i++)
			y.append(i == 0 ? "" : ", ").append(q(meta.tags.get(i)));
		y.append("]\n");
		y.append("covers: [").append(COVER).append("]\n");
		y.append("documentation: ").append(DOCUMENTATION).append('\n');
		y.append("timestamp: ").append(q(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString())).append('\n');
		y.append("inputs:\n");
		y.append("  - id: input\n");
		y.append("    description: ").append(q("raw pixel values, " + (info.inputChannels == 1 ? "one grey channel" : info.inputChannels + " channels")
			+ (info.inputScale != 1 ? ", at the training images' scale (" + fmt(info.inputScale) + " times the original size)" : ""))).append('\n');
		y.append("    axes:\n");
		y.append("      - type: batch\n");
		y.append("      - type: channel\n");
		y.append("        channel_names: [");
		for (int i = 0; i < info.inputChannels; i++)
			y.append(i == 0 ? "" : ", ").append("channel").append(i);
		y.append("]\n");
		for (String axis : new String[] { "y", "x" }) {
			y.append("      - type: space\n");
			y.append("        id: ").append(axis).append('\n');
			y.append("        size: {min: ").append(step).append(", step: ").append(step).append("}\n");
		}
		y.append("    test_tensor: {source: ").append(TEST_INPUT).append(", sha256: ").append(sha256(files.get(TEST_INPUT))).append("}\n");
		y.append("    data: {type: float32}\n");
		List<String> pre = preprocessing(info);
		if (!pre.isEmpty()) {
			y.append("    preprocessing:\n");
			for (String line : pre)
				y.append("      ").append(line).append('\n');
		}
		String className = info.classNames != null && info.classNames.size() > 1 ? info.classNames.get(1) : "foreground";
		y.append("outputs:\n");
		y.append("  - id: mask\n");
		y.append("    description: ").append(q(className + " mask: the network's probability (a sigmoid in the graph) binarized at " + fmt(threshold)))
			.append('\n');
		y.append("    axes:\n");
		y.append("      - type: batch\n");
		y.append("      - type: channel\n");
		y.append("        channel_names: [").append(q(className)).append("]\n");
		for (String axis : new String[] { "y", "x" }) {
			y.append("      - type: space\n");
			y.append("        id: ").append(axis).append('\n');
			y.append("        size: {tensor_id: input, axis_id: ").append(axis).append("}\n");
		}
		y.append("    test_tensor: {source: ").append(TEST_OUTPUT).append(", sha256: ").append(sha256(files.get(TEST_OUTPUT))).append("}\n");
		y.append("    postprocessing:\n");
		y.append("      - id: binarize\n");
		y.append("        kwargs: {threshold: ").append(fmt(threshold)).append("}\n");
		y.append("weights:\n");
		y.append("  onnx:\n");
		y.append("    source: ").append(WEIGHTS).append('\n');
		y.append("    sha256: ").append(sha256(files.get(WEIGHTS))).append('\n');
		y.append("    opset_version: ").append(OnnxGraph.OPSET).append('\n');
		y.append("attachments:\n");
		y.append("  - source: ").append(SOURCE_MODEL).append('\n');
		y.append("    sha256: ").append(sha256(files.get(SOURCE_MODEL))).append('\n');
		y.append("config:\n");
		y.append("  bioimageio:\n");
		y.append("    reproducibility_tolerance:\n");
		y.append("      - {absolute_tolerance: 0.0001, relative_tolerance: 0.0, mismatched_elements_per_million: ").append(MISMATCHED_PER_MILLION)
			.append("}\n");
		y.append("  unet_segmentation:\n");
		y.append("    threshold: ").append(fmt(threshold)).append('\n');
		y.append("    normalization: ").append(q(info.normalization)).append('\n');
		y.append("    bit_depth: ").append(info.bitDepth).append('\n');
		y.append("    input_scale: ").append(fmt(info.inputScale)).append('\n');
		y.append("    training_size: ").append(info.trainingSize).append('\n');
		y.append("    depth: ").append(info.depth).append('\n');
		y.append("    base_features: ").append(info.baseFeatures).append('\n');
		y.append("    model_file: ").append(SOURCE_MODEL).append('\n');
		return y.toString();
	}

	static String documentation(ModelInfo info, Metadata meta, Path modelFile, float threshold, int step, int w, int h, double maxDifference) {
		StringBuilder d = new StringBuilder();
		d.append("# ").append(meta.name).append("\n\n").append(meta.description).append("\n\n");
		d.append("## Network\n\n").append(info.toConfig()).append(": the classic U-Net (Ronneberger et al. 2015) trained with the UNet Segmentation ")
			.append("plugin for Fiji (").append(info.engine == null ? "DJL/PyTorch" : info.engine).append("). The ONNX graph (opset ").append(OnnxGraph.OPSET)
			.append(") has BatchNorm folded into the convolutions, 2×2 transposed convolutions for up-sampling and a sigmoid at the end.\n\n");
		d.append("## Input and output\n\n");
		d.append("- Input `input`: (batch, channel, y, x), float32 raw pixel values; y and x any multiple of ").append(step).append(" (2^depth).\n");
		d.append("- Preprocessing: normalisation `").append(info.normalization).append("` as in training")
			.append(info.normalization.equals("scale01") ? " (division by the maximum of the " + info.bitDepth + "-bit type)" : "").append(".\n");
		if (info.inputScale != 1)
			d.append("- The model was trained on images scaled by ").append(fmt(info.inputScale))
				.append(": scale images by the same factor before prediction (the plugin does this itself; bioimage.io tools do not).\n");
		d.append("- Output `mask`: (batch, 1, y, x), 1 where the probability is above ").append(fmt(threshold)).append(", else 0.\n");
		d.append("- Trained on ").append(info.trainingSize).append("×").append(info.trainingSize).append(" images (").append(info.inputMode)
			.append("); larger images are best predicted in overlapping tiles of about that size.\n\n");
		d.append("## Training\n\n");
		d.append("- Epochs: ").append(info.epochsDone);
		if (!Double.isNaN(info.bestValDice))
			d.append(", best validation Dice ").append(fmt(info.bestValDice)).append(" at epoch ").append(info.bestEpoch);
		d.append("\n");
		if (info.settings != null)
			d.append("- Loss ").append(info.settings.loss).append(", optimizer ").append(info.settings.optimizer).append(", learning rate ")
				.append(info.settings.learningRate).append(", batch size ").append(info.settings.batchSize).append("\n");
		d.append("- Images: ").append(info.trainImages.size()).append(" for training, ").append(info.valImages.size()).append(" for validation, ")
			.append(info.testImages.size()).append(" for testing\n\n");
		d.append("## Validation\n\n");
		if (info.metrics.isEmpty())
			d.append("The model file holds no test metrics.\n");
		else {
			d.append("Metrics on the held-out test images, as recorded in the model file:\n\n| metric | value |\n|---|---|\n");
			for (Map.Entry<String, Double> m : info.metrics.entrySet())
				d.append("| ").append(m.getKey()).append(" | ").append(fmt(m.getValue())).append(" |\n");
		}
		d.append("\nExport check: on the ").append(w).append("×").append(h).append(" test input, onnxruntime's probabilities differ from the ")
			.append("plugin's engine by at most ").append(String.format(Locale.ROOT, "%.2g", maxDifference))
			.append("; the expected output `test_output.npy` is the engine's, binarized.\n\n");
		d.append("## Files\n\n- `").append(WEIGHTS).append("`: the network\n- `").append(SOURCE_MODEL).append("`: the plugin's model file (")
			.append(modelFile.getFileName()).append("), to predict or fine-tune with the plugin\n- `").append(TEST_INPUT).append("`, `").append(TEST_OUTPUT)
			.append("`: test tensors\n- `").append(COVER).append("`: test image | predicted mask\n");
		return d.toString();
	}

	/** Image (first channel, contrast-stretched) | the same image with the mask in red. */
	static byte[] cover(float[] normalised, float[] mask, int w, int h) {
		float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
		for (int i = 0; i < w * h; i++) {
			min = Math.min(min, normalised[i]);
			max = Math.max(max, normalised[i]);
		}
		float range = max > min ? max - min : 1;
		BufferedImage image = new BufferedImage(2 * w, h, BufferedImage.TYPE_INT_RGB);
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				int g = Math.round((normalised[y * w + x] - min) / range * 255);
				int grey = g << 16 | g << 8 | g;
				image.setRGB(x, y, grey);
				image.setRGB(w + x, y, mask[y * w + x] > 0 ? (Math.min(255, g / 2 + 128) << 16 | (g / 2) << 8 | g / 2) : grey);
			}
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try {
			ImageIO.write(image, "png", bytes);
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		return bytes.toByteArray();
	}

	/** A YAML scalar: JSON's double-quoted string is valid YAML. */
	private static String q(String text) {
		return Json.GSON.toJson(text == null ? "" : text);
	}

	private static String fmt(double v) {
		return String.format(Locale.ROOT, "%.6g", v).replaceAll("(\\.\\d*?)0+$", "$1").replaceAll("\\.$", ".0");
	}

	public static String sha256(byte[] bytes) {
		try {
			StringBuilder hex = new StringBuilder();
			for (byte b : MessageDigest.getInstance("SHA-256").digest(bytes))
				hex.append(String.format("%02x", b));
			return hex.toString();
		} catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}
}
