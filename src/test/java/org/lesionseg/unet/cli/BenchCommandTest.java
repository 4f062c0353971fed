package org.lesionseg.unet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * Runs {@code unet bench} at a tiny size (base 4, 32x32, 2 steps, no reference) through every part and checks
 * what it prints: the comparison table with all its rows and finite Java figures, the data path verdict, the
 * tiling rows and the memory summary. No timing is asserted.
 */
class BenchCommandTest {

	private static final List<String> TABLE_ROWS = Arrays.asList("trainable parameters", "train forward+loss, s/step", "train backward, s/step",
		"train optimizer (Adam), s/step", "train step, s/step", "train images/s", "inference, s/batch", "inference images/s", "peak RSS (VmHWM), MiB",
		"RSS after warm-up, MiB", "RSS after last step, MiB", "Java heap in use, MiB", "Java heap committed, MiB", "final training loss (random data)",
		"CPU used by other processes meanwhile, cores");

	@Test
	void tinyBenchPrintsTheWholeReport() {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream(), errBytes = new ByteArrayOutputStream();
		PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8), err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
		int code = new UnetCli(out, err).run("bench", "--base", "4", "--size", "32", "--steps", "2", "--warmup", "1", "--batch", "2", "--channels", "3",
			"--reference", "off", "--data", "sample-data/isles22-case0009", "--epochs", "1", "--tile-sides", "64,96", "--tile", "32", "--tile-base", "4",
			"--memory-epochs", "2");
		String text = bytes.toString(StandardCharsets.UTF_8);
		assertEquals(0, code, text + errBytes.toString(StandardCharsets.UTF_8));

		Map<String, String[]> table = new LinkedHashMap<>();
		boolean inResults = false;
		for (String line : text.split("\n")) {
			if (line.startsWith("== results"))
				inResults = true;
			else if (inResults && line.startsWith("| ") && !line.startsWith("| metric")) {
				String[] cells = line.substring(2, line.length() - 2).split(" \\| ", -1);
				table.put(cells[0], cells);
			} else if (inResults && line.startsWith("ratios:"))
				inResults = false;
		}
		assertEquals(TABLE_ROWS, new ArrayList<>(table.keySet()));
		// the runtime part: libtorch and onnxruntime on the same tiles, outputs within 1e-4 of exact libtorch
		java.util.regex.Matcher onnx = java.util.regex.Pattern.compile("\\| onnxruntime [^|]+\\| ([0-9.]+) \\| ([0-9.]+) \\| ([0-9.eE+-]+) \\|").matcher(text);
		assertTrue(onnx.find(), text);
		assertTrue(Double.parseDouble(onnx.group(1)) > 0 && Double.parseDouble(onnx.group(3)) < 1e-4, onnx.group());
		for (String row : TABLE_ROWS) {
			String[] cells = table.get(row);
			assertEquals(4, cells.length, row);
			if (!row.startsWith("CPU used")) { // n/a off Linux
				double java = Double.parseDouble(cells[1].replace(",", ""));
				assertTrue(Double.isFinite(java) && java >= 0, row + " = " + cells[1]);
			}
			assertEquals("n/a", cells[2], "no reference ran: " + row);
		}
		// base 4, 3 channels: PyTorch counts 122,093 (torch_unet_bench.py --base 4 --channels 3 --count-only)
		assertEquals(String.format("%,d", 122_093), table.get("trainable parameters")[1]);
		double step = Double.parseDouble(table.get("train step, s/step")[1]);
		double parts = Double.parseDouble(table.get("train forward+loss, s/step")[1]) + Double.parseDouble(table.get("train backward, s/step")[1])
			+ Double.parseDouble(table.get("train optimizer (Adam), s/step")[1]);
		assertTrue(step > 0 && parts > 0);
		double imagesPerSecond = Double.parseDouble(table.get("train images/s")[1]);
		assertEquals(2 / step, imagesPerSecond, 2 / step * 0.01 + 1e-3, "images/s = batch / median step");

		assertTrue(text.contains("reference skipped: --reference off"), text);
		assertTrue(text.contains("== data path =="));
		assertTrue(text.contains("bottleneck: "), text);
		assertTrue(text.contains("| 64x64 |") && text.contains("| 96x96 |"), text);
		assertTrue(text.contains("memory: RSS "), text);
		assertFalse(text.contains("NaN ") && text.contains("| NaN"), text);
	}

	@Test
	void badOptionsGiveOneLineErrors() {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream(), errBytes = new ByteArrayOutputStream();
		UnetCli cli = new UnetCli(new PrintStream(bytes, true, StandardCharsets.UTF_8), new PrintStream(errBytes, true, StandardCharsets.UTF_8));
		assertEquals(2, cli.run("bench", "--size", "100"));
		assertTrue(errBytes.toString(StandardCharsets.UTF_8).startsWith("error: --size must be a multiple of 16"), errBytes.toString(StandardCharsets.UTF_8));
		assertEquals(2, cli.run("bench", "--parts", "speed"));
		assertEquals(2, cli.run("bench", "--sise", "64"));
		assertEquals(0, cli.run("bench", "--help"));
		assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("usage: unet bench"));
	}
}
