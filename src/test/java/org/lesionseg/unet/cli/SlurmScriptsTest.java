package org.lesionseg.unet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.workflow.FixedModels;
import org.lesionseg.unet.workflow.ResultFiles;

/**
 * What {@code unet slurm} writes without submitting (no SLURM needed): the array script with the resources asked for,
 * one log per task and the shard per task; the merge job; the headless Fiji variant with its macro; and the one-line
 * errors for what the tasks set themselves. The scripts running on a real SLURM are {@link SlurmArrayTest}'s.
 */
class SlurmScriptsTest {

	@TempDir
	Path dir;
	Path model;
	Path input;

	@BeforeEach
	void modelAndImages() throws Exception {
		model = FixedModels.grey(dir.resolve("my model.zip"), 1);
		input = ResultFiles.sampleSlices(dir.resolve("in"), 3);
	}

	private String[] unet(String... args) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
		int code = new UnetCli(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
		return new String[] { String.valueOf(code), new String(out.toByteArray(), StandardCharsets.UTF_8), new String(err.toByteArray(), StandardCharsets.UTF_8) };
	}

	@Test
	void predictWritesAnArrayOfOneTaskPerShardAndADependentMerge() throws Exception {
		Path out = dir.resolve("out");
		String[] r = unet("slurm", "predict", "--tasks", "8", "--partition", "gpu", "--gres", "gpu:1", "--time", "01:30:00", "--max-parallel", "2", "--unet",
			"/opt/unet/unet", "--model", model.toString(), "--input", input.toString(), "--output", out.toString(), "--threshold", "0.3");
		assertEquals("0", r[0], r[2]);
		String script = new String(Files.readAllBytes(out.resolve("slurm/predict.sbatch")), StandardCharsets.UTF_8);
		// three images: three tasks, not eight; the defaults where nothing was asked
		assertTrue(script.contains("#SBATCH --array=1-3%2\n"), script);
		assertTrue(script.contains("#SBATCH --partition=gpu\n#SBATCH --time=01:30:00\n#SBATCH --mem=8G\n#SBATCH --cpus-per-task=2\n#SBATCH --gres=gpu:1\n"), script);
		assertTrue(script.contains("#SBATCH --output=" + out.toAbsolutePath().resolve("slurm/logs/predict-%A_%a.out") + "\n"), script);
		assertTrue(script.contains("/opt/unet/unet predict --model '" + model + "' --input " + input + " --output " + out + " --threshold 0.3 --shard \"${SLURM_ARRAY_TASK_ID}/3\"\n"),
			script);
		String merge = new String(Files.readAllBytes(out.resolve("slurm/merge.sbatch")), StandardCharsets.UTF_8);
		assertTrue(merge.contains("/opt/unet/unet merge --output " + out + "\n"), merge);
		assertTrue(Files.isDirectory(out.resolve("slurm/logs")), "SLURM does not create the log folder itself");
		assertTrue(r[1].contains("jid=$(sbatch --parsable " + out.toAbsolutePath().resolve("slurm/predict.sbatch") + ") && sbatch --dependency=afterok:$jid "), r[1]);
	}

	@Test
	void fijiRunsAHeadlessMacroPerShard() throws Exception {
		Path out = dir.resolve("out");
		String[] r = unet("slurm", "predict", "--tasks", "2", "--fiji", "/opt/Fiji.app/ImageJ-linux64", "--model", model.toString(), "--input", input.toString(),
			"--output", out.toString(), "--no-rois", "--min-size", "5");
		assertEquals("0", r[0], r[2]);
		String script = new String(Files.readAllBytes(out.resolve("slurm/predict.sbatch")), StandardCharsets.UTF_8);
		assertTrue(script.contains("/opt/Fiji.app/ImageJ-linux64 --headless --console -batch " + out.toAbsolutePath().resolve("slurm/segment-shard.ijm")
			+ " \"${SLURM_ARRAY_TASK_ID}/2\"\n"), script);
		String macro = new String(Files.readAllBytes(out.resolve("slurm/segment-shard.ijm")), StandardCharsets.UTF_8);
		assertTrue(macro.contains("run(\"Segment Folder with UNet\", \"model_file=[" + model.toAbsolutePath() + "] input_folder=[" + input.toAbsolutePath()
			+ "] output_folder=[" + out.toAbsolutePath() + "] no_rois min_size=[5] shard=\" + shard);"), macro);
		assertTrue(!Files.exists(out.resolve("slurm/merge.sbatch")), "the last shard joins the objects itself");
	}

	@Test
	void whatEachTaskSetsItselfIsRefusedInOneLine() {
		String[] shard = unet("slurm", "predict", "--model", model.toString(), "--input", input.toString(), "--output", dir.resolve("o").toString(), "--shard", "1/2");
		assertEquals("2", shard[0]);
		assertEquals("error: unet slurm predict gives each task its shard: leave out --shard\n", shard[2]);
		String time = unet("slurm", "predict", "--time", "2 hours", "--model", model.toString(), "--input", input.toString(), "--output",
			dir.resolve("o").toString())[2];
		assertTrue(time.startsWith("error: ") && time.contains("02:00:00") && time.split("\n").length == 1, time);
		String[] job = unet("slurm", "train");
		assertEquals("error: unet slurm runs predict or crossval as a job array, not 'train'; see unet slurm --help\n", job[2]);
	}

	@Test
	void quotingKeepsEveryWordForBash() {
		assertEquals("plain/path-1.zip", SlurmCommand.quote("plain/path-1.zip"));
		assertEquals("'my model.zip'", SlurmCommand.quote("my model.zip"));
		assertEquals("'^(\\d{3})'", SlurmCommand.quote("^(\\d{3})"));
		assertEquals("'it'\\''s'", SlurmCommand.quote("it's"));
	}
}
