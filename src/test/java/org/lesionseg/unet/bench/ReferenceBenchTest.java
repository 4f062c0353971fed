package org.lesionseg.unet.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.core.UnetException;

/** The reference's output parsing, the table's ratios, options and the small measuring helpers. */
class ReferenceBenchTest {

	/** What torch_unet_bench.py printed in a real run (PyTorch 1.13 on 2 cores). */
	static final List<String> REFERENCE_OUTPUT = Arrays.asList(
		"== PyTorch U-Net bench ==",
		"engine: PyTorch 1.13.0a0, threads 2, torchvision no (F.interpolate fallback)",
		"args: device=cpu batch=4 size=128 steps=10 warmup=3 channels=3 base=64 threads=2 amp=off",
		"params: trainable=31,037,633 (64 tensors)  non-trainable BN running stats=11,776",
		"rss after init: 349.3 MiB",
		"step   5 loss=0.71141 step_time=2.796s rss=1097.0 MiB",
		"step  10 loss=0.70698 step_time=6.920s rss=1167.0 MiB",
		"step  13 loss=0.70766 step_time=8.077s rss=1115.0 MiB",
		"step times (s, post-warm-up): 2.837 2.796 2.910 2.880 2.919 3.063 6.920 11.079 7.910 8.077",
		"-- train (fwd+loss / bwd / adam step), medians after warm-up --",
		"train fwd   median: 0.8767 s",
		"train bwd   median: 2.0425 s",
		"train optim median: 0.0820 s",
		"train step  median: 2.9907 s/step  -> 1.34 images/s",
		"rss after warm-up: 1129.0 MiB, after last step: 1115.0 MiB (delta -14.0 MiB)",
		"final loss: 0.70766",
		"-- inference (eval mode, no grad) --",
		"infer batch median: 1.8970 s/batch -> 2.11 images/s",
		"peak rss (VmHWM): 1218.9 MiB, rss now: 1115.0 MiB",
		"-- save/load round trip --",
		"state_dict save/load (124,234,773 bytes): max|diff|=0.0 identical=True",
		"peak rss (VmHWM) at exit: 1272.0 MiB"
	);

	@Test
	void parsesTheReferencesFigures() {
		SideResult r = ReferenceBench.parse(REFERENCE_OUTPUT);
		assertEquals(31_037_633L, r.trainableParameters);
		assertEquals(64, r.parameterTensors);
		assertEquals(0.8767, r.forwardSeconds, 0);
		assertEquals(2.0425, r.backwardSeconds, 0);
		assertEquals(0.0820, r.updateSeconds, 0);
		assertEquals(2.9907, r.stepSeconds, 0);
		assertEquals(1.34, r.trainImagesPerSecond, 0);
		assertEquals(1.8970, r.inferBatchSeconds, 0);
		assertEquals(2.11, r.inferImagesPerSecond, 0);
		assertEquals(1218.9, r.peakRssMiB, 0, "the peak after inference, not the one after the save/load check");
		assertEquals(1129.0, r.rssAfterWarmupMiB, 0);
		assertEquals(1115.0, r.rssAfterTrainingMiB, 0);
		assertEquals(0.70766, r.finalLoss, 0);
		assertEquals(10, r.stepTimes.size());
		assertEquals(2.837, r.stepTimes.get(0), 0);
		assertTrue(r.engine.startsWith("PyTorch 1.13"));
	}

	@Test
	void missingFiguresStayNaN() {
		SideResult r = ReferenceBench.parse(Arrays.asList("Traceback (most recent call last):", "ModuleNotFoundError: No module named 'torch'"));
		assertTrue(Double.isNaN(r.stepSeconds));
		assertEquals(-1, r.trainableParameters);
	}

	@Test
	void ratiosSayWhichWayTheyGo() {
		SideResult java = new SideResult(), torch = new SideResult();
		java.stepSeconds = 1.0;
		torch.stepSeconds = 2.0;
		java.trainImagesPerSecond = 4;
		torch.trainImagesPerSecond = 2;
		java.peakRssMiB = 150;
		torch.peakRssMiB = 100;
		java.trainableParameters = 10;
		torch.trainableParameters = 10;
		ResultTable table = ResultTable.of(java, torch);
		assertEquals(2.0, table.row("train step, s/step").ratio(), 1e-12, "PyTorch time / Java time");
		assertEquals(2.0, table.row("train images/s").ratio(), 1e-12, "Java throughput / PyTorch throughput");
		assertEquals(1.5, table.row("peak RSS (VmHWM), MiB").ratio(), 1e-12, "Java memory / PyTorch memory");
		assertEquals("2.00x (Java faster)", ResultTable.ratioText(table.row("train step, s/step")));
		assertEquals("1.50x (Java uses more)", ResultTable.ratioText(table.row("peak RSS (VmHWM), MiB")));
		assertEquals("equal", ResultTable.ratioText(table.row("trainable parameters")));
		torch.stepSeconds = 0.5;
		assertEquals("0.50x (Java slower)", ResultTable.ratioText(ResultTable.of(java, torch).row("train step, s/step")));
		assertEquals("n/a", ResultTable.ratioText(ResultTable.of(java, null).row("train step, s/step")));
		assertTrue(ResultTable.of(java, null).lines().get(0).startsWith("| metric | Java | PyTorch | ratio Java/PyTorch |"));
	}

	@Test
	void referenceGetsTheSameArguments(@TempDir Path dir) throws Exception {
		Path script = Files.createFile(dir.resolve(ReferenceBench.SCRIPT));
		BenchOptions o = new BenchOptions();
		o.batch = 2;
		o.size = 64;
		o.steps = 5;
		o.warmup = 1;
		o.base = 8;
		o.channels = 1;
		o.threads = 3;
		ReferenceBench.Located where = new ReferenceBench.Located(script, "python3", null);
		assertEquals(Arrays.asList("python3", script.toString(), "--device", "cpu", "--batch", "2", "--size", "64", "--steps", "5", "--warmup", "1", "--base", "8",
			"--channels", "1", "--threads", "3", "--infer-steps", "5", "--seed", "0"), ReferenceBench.command(where, o));
	}

	@Test
	void referenceIsFoundBesideTheProjectOrSkipped(@TempDir Path dir) throws Exception {
		BenchOptions o = new BenchOptions();
		o.reference = "off";
		assertEquals("--reference off", ReferenceBench.locate(o, Arrays.asList(dir)).skipReason);
		o.reference = "auto";
		Path project = Files.createDirectories(dir.resolve("project"));
		assertTrue(ReferenceBench.locate(o, Arrays.asList(project)).skipReason.contains("no torch_unet_bench.py"));
		Files.createDirectories(dir.resolve("shared/reference"));
		Files.createFile(dir.resolve("shared/reference").resolve(ReferenceBench.SCRIPT));
		o.python = dir.resolve("no-such-python").toString();
		ReferenceBench.Located where = ReferenceBench.locate(o, Arrays.asList(project));
		assertEquals(dir.resolve("shared/reference").resolve(ReferenceBench.SCRIPT).normalize(), where.script);
		assertTrue(where.skipReason.contains("no Python with torch"), where.skipReason);
		o.reference = dir.resolve("missing.py").toString();
		assertThrows(UnetException.class, () -> ReferenceBench.locate(o, Arrays.asList(project)));
	}

	@Test
	void partsAndOptionsAreChecked() {
		assertEquals(EnumSet.complementOf(EnumSet.of(BenchOptions.Part.E2E)), BenchOptions.Part.parse("all"), "all but the minutes-long e2e");
		assertEquals(EnumSet.of(BenchOptions.Part.TRAIN, BenchOptions.Part.TILING), BenchOptions.Part.parse("step, tiling"));
		assertThrows(UnetException.class, () -> BenchOptions.Part.parse("speed"));
		BenchOptions o = new BenchOptions();
		o.size = 100;
		UnetException e = assertThrows(UnetException.class, o::validate);
		assertTrue(e.getMessage().contains("--size"), e.getMessage());
		assertEquals(10, new BenchOptions().inferSteps(), "inference steps default to the training steps");
	}

	@Test
	void statusFieldsAndStatistics() {
		assertEquals(123456L, ProcessMemory.parseStatusKb(Arrays.asList("Name:\tjava", "VmHWM:\t  123456 kB", "VmRSS:\t 1000 kB"), "VmHWM"));
		assertEquals(-1L, ProcessMemory.parseStatusKb(Arrays.asList("Name:\tjava"), "VmRSS"));
		assertEquals(2.5, Stats.median(Arrays.asList(4.0, 1.0, 2.0, 3.0)), 0);
		assertEquals(3.0, Stats.median(Arrays.asList(5.0, 1.0, 3.0)), 0);
		assertEquals(2.0, Stats.slope(new double[] { 1, 2, 3 }, new double[] { 1, 3, 5 }), 1e-12);
		assertEquals(4, TilingBench.tileCount(400, 256, 64), "two origins per axis: 0 and 144");
		assertEquals(1, TilingBench.tileCount(200, 256, 64));
	}
}
