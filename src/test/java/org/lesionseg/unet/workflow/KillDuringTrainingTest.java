package org.lesionseg.unet.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.cli.UnetCli;
import org.lesionseg.unet.core.io.AtomicFiles;
import org.lesionseg.unet.core.modelfile.ModelBundle;
import org.lesionseg.unet.core.modelfile.ModelFile;

import ai.djl.ndarray.NDManager;

/**
 * {@code kill -9} during a training, at random moments (also while the model file and the checkpoint are being
 * written), never leaves a half-written model: every {@code .zip} in the folder loads completely, whatever else is
 * left is a hidden temporary file that nothing takes for a model, and {@code --resume} carries on from the last
 * checkpoint with the same history. The training runs in a child JVM ({@code unet train}), which
 * {@link Process#destroyForcibly()} ends with SIGKILL: no shutdown hook, no finally block runs. A last round ends
 * the child with SIGTERM, as Ctrl-C would: the training stops at the next batch and reports what it kept.
 */
@Timeout(180)
class KillDuringTrainingTest {

	@TempDir
	Path dir;

	/** Three rounds end with SIGKILL (at random moments, one during a save), the last with SIGTERM (Ctrl-C). */
	private static final int ROUNDS = 4;

	private String[] trainArgs(Path images, Path masks, Path model, int epochs, boolean resume) {
		List<String> args = new ArrayList<>(Arrays.asList("train", "--images", images.toString(), "--masks", masks.toString(), "--model", model.toString(),
			"--epochs", Integer.toString(epochs), "--batch-size", "2", "--image-size", "32", "--base-features", "8", "--depth", "2", "--device", "cpu",
			"--augment", "none", "--val-fraction", "0.25", "--test-fraction", "0", "--loader-threads", "1", "--learning-rate", "1e-3", "--quiet"));
		if (resume)
			args.add("--resume");
		return args.toArray(new String[0]);
	}

	private Process startTraining(String[] args, Path log) throws IOException {
		List<String> command = new ArrayList<>(Arrays.asList(Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
			"-Djava.awt.headless=true", "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_interop_threads=1", "-cp", System.getProperty("java.class.path"),
			UnetCli.class.getName()));
		command.addAll(Arrays.asList(args));
		return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
	}

	/** Waits until the child has finished {@code epochs} epochs in this run (it prints one line per epoch). */
	private static void awaitEpochs(Process p, Path log, int epochs) throws IOException, InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		while (System.nanoTime() < deadline) {
			if (Files.exists(log)) {
				long done = Files.readAllLines(log).stream().filter(l -> l.startsWith("epoch ")).count();
				if (done >= epochs)
					return;
			}
			if (!p.isAlive())
				throw new AssertionError("the training ended early:\n" + Files.readString(log));
			Thread.sleep(20);
		}
		throw new AssertionError("no epoch finished within 60 s:\n" + Files.readString(log));
	}

	/** Returns as soon as a writer's temporary file is in the folder (a save is under way), or after the time limit. */
	private static void awaitTemporaryFile(Path folder, long millis) throws IOException {
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
		while (System.nanoTime() < deadline) {
			try (Stream<Path> list = Files.list(folder)) {
				if (list.anyMatch(AtomicFiles::isTemporaryFile))
					return;
			}
		}
	}

	/** The history stored in the checkpoint, as lines. */
	private static List<String> history(Path checkpoint) {
		return Arrays.asList(ModelBundle.read(checkpoint).textEntry("history.csv").orElseThrow().split("\n"));
	}

	@Test
	void killNineAtRandomMomentsLeavesOnlyCompleteModelsAndResumeContinues() throws IOException, InterruptedException {
		Path images = Files.createDirectories(dir.resolve("images")), masks = Files.createDirectories(dir.resolve("masks"));
		Path source = Paths.get("sample-data/isles22-case0009");
		for (int z = 28; z < 44; z += 2) {
			String name = String.format("sub-strokecase0009_z%03d.png", z);
			Files.copy(source.resolve("images").resolve(name), images.resolve(name));
			Files.copy(source.resolve("masks").resolve(name), masks.resolve(name));
		}
		Path run = Files.createDirectories(dir.resolve("run"));
		Path model = run.resolve("m.zip"), checkpoint = run.resolve("m.last.zip");
		Random random = new Random(20260131);
		List<String> previousHistory = new ArrayList<>();
		int temporaryFilesSeen = 0;
		for (int round = 0; round < ROUNDS; round++) {
			Path log = dir.resolve("round" + round + ".log");
			Process child = startTraining(trainArgs(images, masks, model, 1000, round > 0), log);
			boolean gentle = round == ROUNDS - 1;
			try {
				awaitEpochs(child, log, 1);
				if (round == 1)
					awaitTemporaryFile(run, 5000); // in the middle of writing the model or the checkpoint
				else
					Thread.sleep(random.nextInt(1500)); // anywhere in the next epochs, saves included
			} finally {
				if (gentle)
					child.destroy(); // SIGTERM, as Ctrl-C: the training stops at the next batch and says so
				else
					child.destroyForcibly();
				assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child ends");
			}
			if (gentle) {
				String output = Files.readString(log);
				assertEquals(143, child.exitValue(), "ended by SIGTERM; its output:\n" + output);
				assertTrue(output.contains("training was cancelled; the best model so far is kept"), output);
			} else {
				assertEquals(137, child.exitValue(), "killed by SIGKILL");
			}

			List<Path> files;
			try (Stream<Path> list = Files.list(run)) {
				files = list.collect(Collectors.toList());
			}
			for (Path f : files) {
				String name = f.getFileName().toString();
				if (name.equals("m.zip") || name.equals("m.last.zip")) {
					try (NDManager manager = NDManager.newBaseManager()) {
						ModelFile.load(f, manager); // complete and consistent, or this throws
					}
				} else {
					assertTrue(AtomicFiles.isTemporaryFile(f) && name.startsWith("."), "only hidden temporary files besides the models: " + name);
					temporaryFilesSeen++;
				}
			}
			assertTrue(Files.isRegularFile(model) && Files.isRegularFile(checkpoint), "round " + round + ": both files exist");
			List<String> history = history(checkpoint);
			assertEquals(ModelFile.readInfo(checkpoint).epochsDone + 1, history.size(), "one history line per epoch done");
			assertEquals(previousHistory, history.subList(0, previousHistory.size()), "round " + round + " continued the same history");
			assertTrue(history.size() > previousHistory.size(), "round " + round + " added epochs");
			previousHistory = history;
		}
		System.out.println("kill rounds: " + (ROUNDS - 1) + " SIGKILL + 1 SIGTERM, epochs done " + (previousHistory.size() - 1) + ", temporary files left by kills: " + temporaryFilesSeen);

		// a last, uninterrupted resume for one more epoch: the history goes on from where the kills left it
		int done = previousHistory.size() - 1;
		ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
		int code = new UnetCli(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))
			.run(trainArgs(images, masks, model, done + 1, true));
		assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
		assertTrue(out.toString(StandardCharsets.UTF_8).contains("resuming after epoch " + done), out.toString(StandardCharsets.UTF_8));
		List<String> finalHistory = history(checkpoint);
		assertEquals(done + 2, finalHistory.size());
		assertEquals(previousHistory, finalHistory.subList(0, previousHistory.size()));
		try (Stream<Path> list = Files.list(run)) {
			assertEquals(Arrays.asList("m.last.zip", "m.zip"), list.map(f -> f.getFileName().toString()).sorted().collect(Collectors.toList()),
				"a new training removes the temporary files that kills left");
		}
	}
}
