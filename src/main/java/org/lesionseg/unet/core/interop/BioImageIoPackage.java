package org.lesionseg.unet.core.interop;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.lesionseg.unet.core.UnetException;

/**
 * A bioimage.io model package (rdf.yaml format 0.4 or 0.5, a .zip or a folder) read for 2-D binary segmentation:
 * one float32 input with axes batch, channel, y, x whose sizes are min + n·step (step a power of two), its
 * preprocessing, one output of the same size whose first channel is the foreground, the postprocessing
 * ({@code sigmoid}, {@code binarize}) and torchscript or onnx weights. Anything else is refused with one line.
 */
public final class BioImageIoPackage {

	public final Path location;
	public final String name;
	public final String formatVersion;
	public final int channels;
	public final int sizeMin;
	public final int sizeStep;
	/** True when the postprocessing has a sigmoid: the weights give logits. */
	public final boolean outputsLogits;
	/** The threshold of the postprocessing's binarize step, or NaN without one. */
	public final double binarizeThreshold;
	/** "torchscript" or "onnx": the weights this plugin runs (torchscript when both are there). */
	public final String weightsFormat;
	final PackageSteps preprocessing;
	private final Rdf rdf;
	private final String weightsSource;
	private final String testInput;
	private final String testOutput;

	private BioImageIoPackage(Path location) {
		this.location = location;
		this.rdf = Rdf.open(location);
		Map<?, ?> root = rdf.root;
		this.formatVersion = Rdf.text(root.get("format_version"), "format_version");
		boolean v05 = formatVersion.startsWith("0.5");
		if (!v05 && !formatVersion.startsWith("0.4"))
			throw new UnetException("bioimage.io format_version " + formatVersion + " is not supported: only 0.4.x and 0.5.x");
		if (root.get("type") != null && !"model".equals(root.get("type")))
			throw new UnetException(location + " describes a " + root.get("type") + ", not a model");
		this.name = root.get("name") == null ? location.getFileName().toString() : String.valueOf(root.get("name"));
		List<?> inputs = Rdf.list(root.get("inputs"), "inputs"), outputs = Rdf.list(root.get("outputs"), "outputs");
		if (inputs.size() != 1)
			throw new UnetException("the model has " + inputs.size() + " inputs: only models with one image input are supported");
		if (outputs.size() != 1)
			throw new UnetException("the model has " + outputs.size() + " outputs: only models with one output (the foreground) are supported");
		Map<?, ?> input = Rdf.map(inputs.get(0), "inputs[0]"), output = Rdf.map(outputs.get(0), "outputs[0]");
		String inputId = Rdf.text(v05 ? input.get("id") : input.get("name"), "the input's " + (v05 ? "id" : "name"));
		List<String> axes = v05 ? axisTypes05(input, "input") : axisTypes04(input, "input");
		List<String> outAxes = v05 ? axisTypes05(output, "output") : axisTypes04(output, "output");
		checkAxes(axes, "input");
		checkAxes(outAxes, "output");
		String dataType = v05 ? (input.get("data") instanceof Map ? String.valueOf(((Map<?, ?>) input.get("data")).get("type")) : "float32")
			: String.valueOf(input.get("data_type") == null ? "float32" : input.get("data_type"));
		if (!"float32".equals(dataType) && !"null".equals(dataType))
			throw new UnetException("the model's input is " + dataType + ": only float32 inputs are supported");
		int[] geometry = v05 ? geometry05(input) : geometry04(input);
		this.channels = geometry[0];
		this.sizeMin = geometry[1];
		this.sizeStep = geometry[2];
		if (Integer.bitCount(sizeStep) != 1)
			throw new UnetException("the model's input size step is " + sizeStep + ": only powers of two (1, 2, 4, ..., e.g. 16 for depth 4) are supported");
		if (sizeMin % sizeStep != 0)
			throw new UnetException("the model's smallest input " + sizeMin + " is not a multiple of its size step " + sizeStep + ": not supported");
		int outChannels = v05 ? channelCount05(output) : -1;
		if (outChannels > 1)
			throw new UnetException("the model's output has " + outChannels + " channels: only binary segmentation (one foreground channel) is supported");
		this.preprocessing = new PackageSteps((List<?>) input.get("preprocessing"), inputId);
		boolean sigmoid = false;
		double threshold = Double.NaN;
		if (output.get("postprocessing") != null)
			for (Object o : Rdf.list(output.get("postprocessing"), "the output's postprocessing")) {
				Map<?, ?> step = Rdf.map(o, "a postprocessing step");
				String id = Rdf.text(step.containsKey("id") ? step.get("id") : step.get("name"), "the postprocessing step's id");
				Map<?, ?> kwargs = step.get("kwargs") instanceof Map ? (Map<?, ?>) step.get("kwargs") : Map.of();
				if (id.equals("sigmoid"))
					sigmoid = true;
				else if (id.equals("binarize"))
					threshold = kwargs.get("threshold") instanceof Number ? ((Number) kwargs.get("threshold")).doubleValue() : 0.5;
				else if (!id.equals("ensure_dtype"))
					throw new UnetException("the postprocessing step '" + id + "' is not supported (supported: sigmoid, binarize)");
			}
		this.outputsLogits = sigmoid;
		this.binarizeThreshold = threshold;
		Map<?, ?> weights = Rdf.map(root.get("weights"), "weights");
		String chosen = weights.containsKey("torchscript") ? "torchscript" : weights.containsKey("onnx") ? "onnx" : null;
		if (chosen == null)
			throw new UnetException("the model's weights are " + weights.keySet() + ": only torchscript or onnx weights can run here");
		this.weightsFormat = chosen;
		Map<?, ?> entry = Rdf.map(weights.get(chosen), "weights." + chosen);
		this.weightsSource = Rdf.text(entry.get("source"), "weights." + chosen + ".source");
		if (entry.get("sha256") != null) {
			String actual = sha256(weights());
			if (!actual.equalsIgnoreCase(String.valueOf(entry.get("sha256"))))
				throw new UnetException("the weights file " + weightsSource + " does not match the sha256 in rdf.yaml: the package is damaged or was edited");
		}
		this.testInput = v05 ? testTensor05(input) : firstOf(root.get("test_inputs"));
		this.testOutput = v05 ? testTensor05(output) : firstOf(root.get("test_outputs"));
	}

	/** True for a folder or .zip with rdf.yaml. */
	public static boolean isPackage(Path path) {
		return Rdf.isPackage(path);
	}

	/** @throws UnetException naming the first thing this plugin cannot run */
	public static BioImageIoPackage read(Path location) {
		return new BioImageIoPackage(location);
	}

	/** The bytes of the weights this plugin runs. */
	public byte[] weights() {
		return rdf.file(weightsSource);
	}

	/** The package's test input (raw, before preprocessing), or null when it has none. */
	public Npy testInput() {
		return testInput == null ? null : Npy.read(rdf.file(testInput), testInput);
	}

	/** The package's test output (after postprocessing), or null when it has none. */
	public Npy testOutput() {
		return testOutput == null ? null : Npy.read(rdf.file(testOutput), testOutput);
	}

	/** The preprocessing step ids, in order. */
	public List<String> preprocessingSteps() {
		return preprocessing.names();
	}

	// ---- format 0.5: axes are maps with a type and an id

	private static List<String> axisTypes05(Map<?, ?> tensor, String which) {
		List<String> types = new ArrayList<>();
		for (Object o : Rdf.list(tensor.get("axes"), "the " + which + "'s axes")) {
			Map<?, ?> axis = Rdf.map(o, "an axis of the " + which);
			String type = Rdf.text(axis.get("type"), "an axis type of the " + which);
			types.add(type.equals("space") ? String.valueOf(axis.get("id")) : type);
		}
		return types;
	}

	private static int[] geometry05(Map<?, ?> input) {
		int channels = channelCount05(input);
		int min = 0, step = 0;
		for (Object o : (List<?>) input.get("axes")) {
			Map<?, ?> axis = (Map<?, ?>) o;
			if (!"space".equals(axis.get("type")))
				continue;
			Object size = axis.get("size");
			if (size instanceof Number)
				throw new UnetException("the model's input has a fixed size " + size + " along " + axis.get("id") + ": only sizes min + n·step are supported");
			Map<?, ?> rule = Rdf.map(size, "the input's size along " + axis.get("id"));
			int m = Rdf.integer(rule.get("min"), "size.min along " + axis.get("id")), s = Rdf.integer(rule.get("step"), "size.step along " + axis.get("id"));
			if (s == 0)
				throw new UnetException("the model's input has a fixed size " + m + " along " + axis.get("id") + ": only sizes min + n·step are supported");
			min = Math.max(min, m);
			step = Math.max(step, s);
		}
		return new int[] { channels, min, step };
	}

	/** The channel axis' size (its channel names or its size), 1 without a channel axis. */
	private static int channelCount05(Map<?, ?> tensor) {
		for (Object o : (List<?>) tensor.get("axes")) {
			Map<?, ?> axis = (Map<?, ?>) o;
			if (!"channel".equals(axis.get("type")))
				continue;
			if (axis.get("channel_names") instanceof List)
				return ((List<?>) axis.get("channel_names")).size();
			if (axis.get("size") instanceof Number)
				return ((Number) axis.get("size")).intValue();
		}
		return 1;
	}

	private static String testTensor05(Map<?, ?> tensor) {
		return tensor.get("test_tensor") instanceof Map ? String.valueOf(((Map<?, ?>) tensor.get("test_tensor")).get("source")) : null;
	}

	// ---- format 0.4: axes are a string such as "bcyx", shapes are lists or {min, step}

	private static List<String> axisTypes04(Map<?, ?> tensor, String which) {
		String axes = Rdf.text(tensor.get("axes"), "the " + which + "'s axes");
		List<String> types = new ArrayList<>();
		for (char a : axes.toCharArray())
			types.add(a == 'b' ? "batch" : a == 'c' ? "channel" : a == 't' ? "time" : a == 'i' ? "index" : String.valueOf(a));
		return types;
	}

	private static int[] geometry04(Map<?, ?> input) {
		Object shape = input.get("shape");
		if (shape instanceof List)
			throw new UnetException("the model's input has a fixed shape " + shape + ": only shapes min + n·step are supported");
		Map<?, ?> rule = Rdf.map(shape, "the input's shape");
		List<?> min = Rdf.list(rule.get("min"), "shape.min"), step = Rdf.list(rule.get("step"), "shape.step");
		if (min.size() != 4 || step.size() != 4)
			throw new UnetException("the input's shape.min and shape.step must have 4 values (b, c, y, x)");
		int stepY = Rdf.integer(step.get(2), "shape.step"), stepX = Rdf.integer(step.get(3), "shape.step");
		if (stepY == 0 || stepX == 0)
			throw new UnetException("the model's input has a fixed size along y or x: only sizes min + n·step are supported");
		return new int[] { Rdf.integer(min.get(1), "shape.min"), Math.max(Rdf.integer(min.get(2), "shape.min"), Rdf.integer(min.get(3), "shape.min")),
			Math.max(stepY, stepX) };
	}

	private static String firstOf(Object list) {
		return list instanceof List && !((List<?>) list).isEmpty() ? String.valueOf(((List<?>) list).get(0)) : null;
	}

	// ---- shared

	private static void checkAxes(List<String> axes, String which) {
		if (axes.contains("z"))
			throw new UnetException("the model's " + which + " is 3-D (axes " + axes + "): only 2-D models (batch, channel, y, x) are supported");
		if (axes.contains("time"))
			throw new UnetException("the model's " + which + " has a time axis (" + axes + "): only 2-D models (batch, channel, y, x) are supported");
		if (!axes.equals(List.of("batch", "channel", "y", "x")))
			throw new UnetException("the model's " + which + " has axes " + axes + ": only [batch, channel, y, x] in this order is supported");
	}

	static String sha256(byte[] data) {
		try {
			StringBuilder hex = new StringBuilder();
			for (byte b : MessageDigest.getInstance("SHA-256").digest(data))
				hex.append(String.format("%02x", b));
			return hex.toString();
		} catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}
}
