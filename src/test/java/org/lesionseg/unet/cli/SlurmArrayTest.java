package org.lesionseg.unet.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lesionseg.unet.core.data.ImageFiles;
import org.lesionseg.unet.core.data.LoadedImage;
import org.lesionseg.unet.core.engine.DeviceChoice;
import org.lesionseg.unet.core.predict.Segmenter;
import org.lesionseg.unet.core.predict.TiledPredictor;
import org.lesionseg.unet.workflow.ResultFiles;

/**
 * {@code unet slurm} on a real SLURM: Debian's slurmctld + slurmd + munge started on this machine by
 * src/test/slurm/start-slurm.sh with the configuration in the repository. The program runs as users run it, as a
 * separate process ({@code unet slurm ... --submit}) whose tasks start the program again. Needs root and the packages
 * (.ci/run installs them and sets UNET_SLURM_TESTS=required, which turns a missing SLURM into a failure; elsewhere these
 * tests are skipped when SLURM is missing).
 */
class SlurmArrayTest {

	private static final String[] PREDICT_SETTINGS = { "--masks", "sample-data/ich-ct-bhsd/masks", "--device", "cpu" };
	private static final String[] TASK_RESOURCES = { "--mem", "2G", "--cpus-per-task", "1", "--time", "00:20:00" };

	static Path work;
	static Path state;
	static Map<String, String> slurmEnv = new LinkedHashMap<>();
	static Path input;
	static Path model;
	static Path single;

	@BeforeAll
	static void startSlurmAndSegmentOnce() throws Exception {
		boolean installed = Files.isExecutable(Paths.get("/usr/sbin/slurmctld")) && Files.isExecutable(Paths.get("/usr/bin/sbatch"));
		boolean root = "root".equals(System.getProperty("user.name"));
		if (!installed || !root) {
			String why = !installed ? "SLURM is not installed (apt-get install -y --no-install-recommends slurmctld slurmd slurm-client munge)" : "not root";
			if ("required".equals(System.getenv("UNET_SLURM_TESTS")))
				fail(why);
			Assumptions.assumeTrue(false, why);
		}
		work = Files.createTempDirectory("unet-slurm-test");
		state = work.resolve("slurm-state");
		Run start = run(work, Arrays.asList("bash", Paths.get("src/test/slurm/start-slurm.sh").toAbsolutePath().toString(), state.toString()), 60);
		assertEquals(0, start.code, start.output);
		slurmEnv.put("SLURM_CONF", start.output.trim());

		input = ResultFiles.sampleSlices(work.resolve("images"), 8);
		// a tiny model trained on the CT slices: its masks have many objects of many sizes to compare
		model = work.resolve("model.zip");
		inProcess("train", "--images", "sample-data/ich-ct-bhsd/images", "--masks", "sample-data/ich-ct-bhsd/masks", "--model", model.toString(), "--epochs", "3",
			"--image-size", "32", "--depth", "2", "--base-features", "4", "--learning-rate", "0.01", "--augment", "none", "--test-fraction", "0", "--device",
			"cpu", "--quiet");
		single = work.resolve("single");
		List<String> predict = new ArrayList<>(Arrays.asList("predict", "--model", model.toString(), "--input", input.toString(), "--output", single.toString()));
		predict.addAll(Arrays.asList(PREDICT_SETTINGS));
		inProcess(predict.toArray(new String[0]));
		assertTrue(Files.readAllLines(single.resolve("objects.csv")).size() > 20, "the comparison needs objects");
		assertEquals(9, Files.readAllLines(single.resolve("metrics.csv")).size(), "metrics.csv has a row per slice");
	}

	private static String inProcess(String... args) throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		assertEquals(0, new UnetCli(new PrintStream(out, true, "UTF-8"), System.err).run(args), out.toString("UTF-8"));
		return out.toString("UTF-8");
	}

	@AfterAll
	static void stopSlurm() throws Exception {
		if (state != null)
			run(work, Arrays.asList("bash", Paths.get("src/test/slurm/stop-slurm.sh").toAbsolutePath().toString(), state.toString()), 60);
		if (work != null) // SLURM's state, the logs and the results (about 25 MB)
			run(work.getParent(), Arrays.asList("rm", "-rf", work.toString()), 60);
	}

	/**
	 * Four tasks of two images each; task 1 is cancelled when its first image is done and resubmitted as the program
	 * says: it redoes nothing finished, and the merged results are those of one run.
	 */
	@Test
	void fourTasksWithOneKilledAndResubmittedGiveTheResultOfOneRun() throws Exception {
		Path sharded = work.resolve("sharded");
		Run submit = unet(slurmPredict(sharded, 4));
		assertEquals(0, submit.code, submit.output);
		String[] ids = submitted(submit.output);
		List<String> firstShard = names().subList(0, 2);
		long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
		while (done(sharded, firstShard) == 0 && System.nanoTime() < deadline)
			Thread.sleep(50);
		assertEquals(0, run(work, Arrays.asList("scancel", ids[0] + "_1"), 30).code);
		Map<String, String> states = waitFor(ids);
		assertEquals("CANCELLED", states.get(ids[0] + "_1"), states.toString());
		for (int task = 2; task <= 4; task++)
			assertEquals("COMPLETED", states.get(ids[0] + "_" + task), states.toString());
		assertEquals(1, done(sharded, firstShard), "task 1 was killed half-way, after its first image");
		assertTrue(states.get(ids[1]).startsWith("PENDING DependencyNeverSatisfied"), "the merge waits for ever: " + states.get(ids[1]));
		System.out.println("after the kill, squeue says: " + squeue(ids));
		for (int task = 2; task <= 4; task++)
			assertTrue(read(sharded.resolve("slurm/logs/predict-" + ids[0] + "_" + task + ".out")).contains("[2/2]"), "a log per task");

		// what the program told the user to do
		Path script = sharded.resolve("slurm/predict.sbatch"), merge = sharded.resolve("slurm/merge.sbatch");
		assertTrue(submit.output.contains("sbatch --parsable --array=<failed task ids, e.g. 2,4> " + script), submit.output);
		run(work, Arrays.asList("scancel", ids[1]), 30);
		String again = sbatch("--array=1", script.toString());
		String mergeAgain = sbatch("--dependency=afterok:" + again, merge.toString());
		states = waitFor(again, mergeAgain);
		assertEquals("COMPLETED", states.get(again + "_1"), states.toString());
		assertEquals("COMPLETED", states.get(mergeAgain), states.toString());
		String log = read(sharded.resolve("slurm/logs/predict-" + again + "_1.out"));
		assertEquals(1, count(log, "done by an earlier run (skipped)"), log);
		assertEquals(1, count(log, " lesion pixels"), log);
		assertTrue(read(sharded.resolve("slurm/logs/merge-" + mergeAgain + ".out")).contains("8 image(s)"));
		assertSameAsOneRun(sharded);
	}

	@Test
	void aThreeFoldCrossValidationSummarisesAndItsEnsemblePredicts() throws Exception {
		Path cv = work.resolve("crossval");
		List<String> args = new ArrayList<>(Arrays.asList("slurm", "crossval", "--submit"));
		args.addAll(Arrays.asList(TASK_RESOURCES));
		args.addAll(Arrays.asList("--images", "sample-data/ich-ct-bhsd/images", "--masks", "sample-data/ich-ct-bhsd/masks", "--output", cv.toString(), "--folds",
			"3", "--group-by", "^(\\d{3})", "--epochs", "3", "--image-size", "32", "--depth", "2", "--base-features", "4", "--batch-size", "4",
			"--learning-rate", "0.01", "--augment", "none", "--device", "cpu"));
		Run submit = unet(args);
		assertEquals(0, submit.code, submit.output);
		String[] ids = submitted(submit.output);
		Map<String, String> states = waitFor(ids);
		assertEquals("COMPLETED", states.get(ids[1]), states.toString());
		List<String> summary = Files.readAllLines(cv.resolve("summary.csv"));
		assertEquals(Arrays.asList("fold-1", "fold-2", "fold-3", "mean", "sd", "all"), summary.stream().skip(1).map(l -> l.split(",")[0]).collect(Collectors.toList()));
		assertTrue(summary.get(6).startsWith("all,36,"), "every image is tested once: " + summary);
		String summaryLog = read(cv.resolve("slurm/logs/summary-" + ids[1] + ".out"));
		assertTrue(summaryLog.contains("cross-validation: pooled Dice") && summaryLog.contains("± "), summaryLog);
		System.out.println(summaryLog);
		// the patients (first three digits) never span folds
		Map<String, String> foldOfPatient = new LinkedHashMap<>();
		for (String line : Files.readAllLines(cv.resolve("folds.csv")).subList(1, 37)) {
			String[] cells = line.split(",");
			String before = foldOfPatient.put(cells[0].substring(0, 3), cells[1]);
			assertTrue(before == null || before.equals(cells[1]), "patient " + cells[0].substring(0, 3) + " in folds " + before + " and " + cells[1]);
		}

		// the ensemble of the folds: its probability map is the mean of the three models'
		Path ensemble = work.resolve("ensemble");
		Path two = ResultFiles.sampleSlices(work.resolve("two"), 2);
		String said = inProcess("predict", "--model", cv.toString(), "--input", two.toString(), "--output", ensemble.toString(), "--device", "cpu");
		assertTrue(said.contains("ensemble of 3 models"), said);
		String name = names().get(0);
		LoadedImage image = ImageFiles.read(two.resolve(name));
		float[] mean = new float[image.width() * image.height()];
		for (int fold = 1; fold <= 3; fold++)
			try (Segmenter one = new Segmenter(cv.resolve("fold-" + fold + "/model.zip"), DeviceChoice.parse("cpu"), new TiledPredictor.Options())) {
				float[] p = one.probability(name, image.plane(0), image.width(), image.height(), image.channels(), image.bitDepth());
				for (int i = 0; i < mean.length; i++)
					mean[i] += p[i] / 3;
			}
		float[] written = ImageFiles.read(ensemble.resolve(name.replace(".png", "_prob.tif"))).plane(0);
		assertArrayEquals(mean, written, 1e-5f);
	}

	// ---- helpers

	private static List<String> slurmPredict(Path output, int tasks) {
		List<String> args = new ArrayList<>(Arrays.asList("slurm", "predict", "--submit", "--tasks", String.valueOf(tasks)));
		args.addAll(Arrays.asList(TASK_RESOURCES));
		args.addAll(Arrays.asList("--model", model.toString(), "--input", input.toString(), "--output", output.toString()));
		args.addAll(Arrays.asList(PREDICT_SETTINGS));
		return args;
	}

	/**
	 * objects.csv, metrics.csv, masks and ROI sets byte for byte; probability maps to 1e-5: a task runs libtorch on one thread
	 * (OMP_NUM_THREADS from --cpus-per-task), this JVM on two, and sums in another order.
	 */
	private static void assertSameAsOneRun(Path sharded) throws IOException {
		assertArrayEquals(Files.readAllBytes(single.resolve("objects.csv")), Files.readAllBytes(sharded.resolve("objects.csv")), "objects.csv");
		List<Path> files = ResultFiles.resultFiles(single);
		assertEquals(files.size(), ResultFiles.resultFiles(sharded).size());
		for (Path f : files) {
			Path other = sharded.resolve(f.getFileName());
			if (f.toString().endsWith("_prob.tif"))
				assertArrayEquals(ImageFiles.read(f).plane(0), ImageFiles.read(other).plane(0), 1e-5f, f.getFileName().toString());
			else
				assertArrayEquals(ResultFiles.content(f), ResultFiles.content(other), f.getFileName().toString());
		}
	}

	private static List<String> names() throws IOException {
		try (Stream<Path> files = Files.list(input)) {
			return files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
		}
	}

	private static int done(Path output, List<String> files) {
		int n = 0;
		for (String f : files)
			if (Files.exists(output.resolve("parts").resolve(f + ".done")))
				n++;
		return n;
	}

	/** The job ids from "submitted job array 12 (4 tasks) and merge job 13". */
	private static String[] submitted(String output) {
		Matcher m = Pattern.compile("submitted job array ([0-9]+) \\([0-9]+ tasks\\) and \\w+ job ([0-9]+)").matcher(output);
		assertTrue(m.find(), output);
		return new String[] { m.group(1), m.group(2) };
	}

	private static String sbatch(String... args) throws Exception {
		List<String> command = new ArrayList<>(Arrays.asList("sbatch", "--parsable"));
		command.addAll(Arrays.asList(args));
		Run r = run(work, command, 30);
		assertEquals(0, r.code, r.output);
		return r.output.trim();
	}

	private static String squeue(String... ids) throws Exception {
		return run(work, Arrays.asList("squeue", "-h", "-t", "all", "-j", String.join(",", ids), "-o", "%i %T %r"), 30).output;
	}

	/** Polls squeue until every job and array task has ended (or waits on a dependency that can never be met). */
	private static Map<String, String> waitFor(String... ids) throws Exception {
		long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
		while (true) {
			Map<String, String> states = new LinkedHashMap<>();
			boolean busy = false;
			for (String line : squeue(ids).split("\n")) {
				String[] cells = line.trim().split(" ", 3);
				if (cells.length < 2)
					continue;
				String reason = cells.length > 2 ? cells[2] : "";
				boolean stuck = cells[1].equals("PENDING") && reason.equals("DependencyNeverSatisfied");
				states.put(cells[0], stuck ? "PENDING DependencyNeverSatisfied" : cells[1]);
				busy |= !stuck && Arrays.asList("PENDING", "CONFIGURING", "RUNNING", "COMPLETING", "SUSPENDED").contains(cells[1]);
			}
			if (!busy && !states.isEmpty())
				return states;
			if (System.nanoTime() > deadline)
				fail("SLURM jobs did not end in 5 minutes: " + states);
			Thread.sleep(300);
		}
	}

	private static int count(String text, String part) {
		int n = 0;
		for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1))
			n++;
		return n;
	}

	private static String read(Path file) throws IOException {
		return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
	}

	static final class Run {
		final int code;
		final String output;

		Run(int code, String output) {
			this.code = code;
			this.output = output;
		}
	}

	/** The program as a user starts it: a separate Java process with this class path, SLURM_CONF set. */
	private static Run unet(List<String> args) throws Exception {
		List<String> command = new ArrayList<>(Arrays.asList(Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-Djava.awt.headless=true",
			"-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), UnetCli.class.getName()));
		command.addAll(args);
		return run(Paths.get("").toAbsolutePath(), command, 120);
	}

	private static Run run(Path dir, List<String> command, int seconds) throws Exception {
		ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
		pb.environment().putAll(slurmEnv);
		pb.environment().remove("UNET_LAUNCHER");
		Process p = pb.start();
		byte[] out = p.getInputStream().readAllBytes();
		if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
			p.destroy();
			fail(command + " did not end in " + seconds + " s");
		}
		return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
	}
}
