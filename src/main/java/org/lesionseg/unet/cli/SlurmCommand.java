package org.lesionseg.unet.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.io.AtomicFiles;
import org.lesionseg.unet.workflow.CrossValidation;
import org.lesionseg.unet.workflow.SegmentRequest;
import org.lesionseg.unet.workflow.Spelling;
import org.lesionseg.unet.workflow.options.CrossValOptions;
import org.lesionseg.unet.workflow.options.Option;
import org.lesionseg.unet.workflow.options.OptionValues;
import org.lesionseg.unet.workflow.options.SegmentOptions;
import org.lesionseg.unet.workflow.options.SlurmOptions;

/**
 * {@code unet slurm predict|crossval [slurm options] [job options]}: writes a SLURM job array script (one task per
 * shard or fold, one log per task, the resources asked for) and the dependent job that joins the results (merge or
 * summary), and with {@code --submit} submits both with {@code sbatch --parsable}. It prints what it wrote or
 * submitted and how to follow, cancel and resume the work. It schedules nothing itself: SLURM does.
 */
final class SlurmCommand {

	static final String USAGE = "usage: unet slurm predict  [slurm options] --model FILE.zip|FOLDS_DIR --input DIR --output DIR [predict options]\n"
		+ "       unet slurm crossval [slurm options] --images DIR --masks DIR --output DIR --folds K [crossval options]";

	private final PrintStream out;

	SlurmCommand(PrintStream out) {
		this.out = out;
	}

	int run(List<String> args) {
		if (args.isEmpty() || args.get(0).equals("--help") || args.get(0).equals("-h") || (!args.get(0).equals("predict") && !args.get(0).equals("crossval"))) {
			if (args.isEmpty() || args.get(0).startsWith("-")) {
				out.println(SlurmOptions.SET.help(USAGE));
				return args.isEmpty() ? 2 : 0;
			}
			throw new UnetException("unet slurm runs predict or crossval as a job array, not '" + args.get(0) + "'; see unet slurm --help");
		}
		String job = args.get(0);
		List<String> rest = args.subList(1, args.size());
		if (rest.contains("--help") || rest.contains("-h")) {
			out.println(SlurmOptions.SET.help(USAGE));
			return 0;
		}
		List<String> slurmArgs = new ArrayList<>(), jobArgs = new ArrayList<>();
		separate(rest, slurmArgs, jobArgs);
		OptionValues slurm = Args.parse("slurm", slurmArgs, SlurmOptions.SET);
		Scripts scripts = job.equals("predict") ? predict(slurm, jobArgs) : crossval(slurm, jobArgs);
		report(scripts, slurm.get(SlurmOptions.SUBMIT));
		return 0;
	}

	/** The slurm options (with their values) go one way, everything else, in order, to the job. */
	static void separate(List<String> args, List<String> slurmArgs, List<String> jobArgs) {
		for (int i = 0; i < args.size(); i++) {
			String a = args.get(i);
			String key = a.startsWith("--") ? a.substring(2) : "";
			if (key.contains("="))
				key = key.substring(0, key.indexOf('='));
			Option<?> option = key.isEmpty() ? null : SlurmOptions.SET.find(key);
			if (option == null) {
				jobArgs.add(a);
				continue;
			}
			slurmArgs.add(a);
			if (!a.contains("=") && !SlurmOptions.SET.takesNoValue(key) && i + 1 < args.size())
				slurmArgs.add(args.get(++i));
		}
	}

	/** What was written: the array script, the joining job's script, the task count, the output folder. */
	static final class Scripts {
		final String what;
		final Path array;
		final Path join;
		final int tasks;
		final Path logs;
		final String joinWhat;

		Scripts(String what, Path array, Path join, int tasks, Path logs, String joinWhat) {
			this.what = what;
			this.array = array;
			this.join = join;
			this.tasks = tasks;
			this.logs = logs;
			this.joinWhat = joinWhat;
		}
	}

	private Scripts predict(OptionValues slurm, List<String> jobArgs) {
		OptionValues values = Args.parse("predict", jobArgs, SegmentOptions.FILES);
		if (values.isGiven(SegmentOptions.SHARD))
			throw new UnetException("unet slurm predict gives each task its shard: leave out --shard");
		SegmentRequest request = SegmentRequest.of(values, Spelling.COMMAND_LINE); // every check before anything is written
		int images = request.source().size();
		int tasks = Math.min(slurm.get(SlurmOptions.TASKS), images);
		Path folder = scriptFolder(slurm, request.output());
		Path logs = folder.resolve("logs");
		String task;
		Path fiji = slurm.get(SlurmOptions.FIJI);
		if (fiji != null) {
			Path macro = folder.resolve("segment-shard.ijm");
			write(macro, fijiMacro(values));
			task = quote(fiji.toAbsolutePath().toString()) + " --headless --console -batch " + quote(macro.toAbsolutePath().toString()) + " \"${SLURM_ARRAY_TASK_ID}/"
				+ tasks + "\"";
		} else {
			task = program(slurm) + " predict " + quoteAll(jobArgs) + " --shard \"${SLURM_ARRAY_TASK_ID}/" + tasks + "\"";
		}
		Path array = folder.resolve("predict.sbatch");
		write(array, arrayScript(slurm, "unet-predict", tasks, logs.resolve("predict-%A_%a.out"),
			"segments " + images + " images of " + request.source().description() + " into " + request.output() + " in " + tasks + " shards", task));
		Path join = null;
		if (fiji == null) {
			join = folder.resolve("merge.sbatch");
			write(join, joinScript(slurm, "unet-merge", logs.resolve("merge-%j.out"), "joins the shards' objects into " + request.output().resolve("objects.csv"),
				program(slurm) + " merge --output " + quote(request.output().toString())));
		}
		return new Scripts(images + " images in " + tasks + " shards", array, join, tasks, logs, "merge");
	}

	private Scripts crossval(OptionValues slurm, List<String> jobArgs) {
		OptionValues values = Args.parse("crossval", jobArgs, CrossValOptions.SET);
		if (values.isGiven(CrossValOptions.FOLD) || values.get(CrossValOptions.SUMMARY_ONLY))
			throw new UnetException("unet slurm crossval gives each task its fold: leave out --fold and --summary-only");
		if (slurm.get(SlurmOptions.FIJI) != null)
			throw new UnetException("--fiji runs Segment Folder with UNet per shard; a cross-validation runs with unet crossval");
		CrossValidation.Request request = CrossValidation.Request.of(values);
		Path folder = scriptFolder(slurm, request.output);
		Path logs = folder.resolve("logs");
		int folds = request.folds;
		Path array = folder.resolve("crossval.sbatch");
		write(array, arrayScript(slurm, "unet-crossval", folds, logs.resolve("crossval-%A_%a.out"),
			"trains the " + folds + " folds of a cross-validation into " + request.output + ", one per task",
			program(slurm) + " crossval " + quoteAll(jobArgs) + " --quiet --fold \"${SLURM_ARRAY_TASK_ID}\""));
		Path join = folder.resolve("summary.sbatch");
		write(join, joinScript(slurm, "unet-cv-summary", logs.resolve("summary-%j.out"), "summarises the folds' test Dice into " + request.output.resolve("summary.csv"),
			program(slurm) + " crossval --summary-only --output " + quote(request.output.toString()) + " --folds " + folds));
		return new Scripts(folds + " folds", array, join, folds, logs, "summary");
	}

	private static Path scriptFolder(OptionValues slurm, Path output) {
		Path folder = slurm.get(SlurmOptions.SCRIPT_FOLDER);
		folder = (folder == null ? output.resolve("slurm") : folder).toAbsolutePath();
		// SLURM does not create the folder of --output: a missing one loses the logs
		AtomicFiles.prepareFolder(folder.resolve("logs"), "SLURM log");
		return folder;
	}

	private static String header(OptionValues slurm, String name, Path log, String description, boolean array) {
		StringBuilder sb = new StringBuilder("#!/bin/bash\n");
		sb.append("# Written by unet slurm on ").append(ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")))
			.append(": ").append(description).append(".\n");
		sb.append("#SBATCH --job-name=").append(name).append('\n');
		sb.append("#SBATCH --output=").append(log.toAbsolutePath()).append('\n');
		sb.append("#SBATCH --chdir=").append(Paths.get("").toAbsolutePath()).append('\n');
		String partition = slurm.get(SlurmOptions.PARTITION), gres = slurm.get(SlurmOptions.GRES), account = slurm.get(SlurmOptions.ACCOUNT);
		if (!partition.isEmpty())
			sb.append("#SBATCH --partition=").append(partition).append('\n');
		if (!account.isEmpty())
			sb.append("#SBATCH --account=").append(account).append('\n');
		if (array) {
			sb.append("#SBATCH --time=").append(slurm.get(SlurmOptions.TIME)).append('\n');
			sb.append("#SBATCH --mem=").append(slurm.get(SlurmOptions.MEM)).append('\n');
			sb.append("#SBATCH --cpus-per-task=").append(slurm.get(SlurmOptions.CPUS_PER_TASK)).append('\n');
			if (!gres.isEmpty())
				sb.append("#SBATCH --gres=").append(gres).append('\n');
		} else {
			// joining tables: one core, little memory, minutes
			sb.append("#SBATCH --time=00:30:00\n#SBATCH --mem=2G\n#SBATCH --cpus-per-task=1\n");
		}
		return sb.toString();
	}

	static String arrayScript(OptionValues slurm, String name, int tasks, Path log, String description, String task) {
		int parallel = slurm.get(SlurmOptions.MAX_PARALLEL);
		return header(slurm, name, log, description, true) + "#SBATCH --array=1-" + tasks + (parallel > 0 ? "%" + parallel : "") + "\n"
			+ "set -euo pipefail\n"
			+ "# libtorch uses the cores SLURM gave the task, no more\n"
			+ "export OMP_NUM_THREADS=\"${SLURM_CPUS_PER_TASK:-1}\"\n"
			+ "echo \"task ${SLURM_ARRAY_TASK_ID} of " + tasks + " (job ${SLURM_ARRAY_JOB_ID}) on $(hostname) at $(date -u +%FT%TZ)\"\n"
			+ task + "\n";
	}

	static String joinScript(OptionValues slurm, String name, Path log, String description, String command) {
		return header(slurm, name, log, description + "; runs after every task of the array succeeded", false) + "set -euo pipefail\n" + command + "\n";
	}

	/** One shard of Segment Folder with UNet with the values given; the shard is the macro's argument. */
	static String fijiMacro(OptionValues values) {
		StringBuilder keys = new StringBuilder();
		for (Map.Entry<String, String> e : values.givenText().entrySet()) {
			Option<?> o = values.set().find(e.getKey());
			if (o == SegmentOptions.SHARD)
				continue;
			String value = e.getValue();
			if (o.type() == Boolean.class) {
				if (Boolean.parseBoolean(value))
					keys.append(e.getKey()).append(' ');
			} else {
				Object v = values.get(o);
				keys.append(e.getKey()).append("=[").append(v instanceof Path ? ((Path) v).toAbsolutePath() : value).append("] ");
			}
		}
		return "// Written by unet slurm predict --fiji: one shard of Segment Folder with UNet; the shard (i/N) is the macro's argument.\n"
			+ "shard = getArgument();\n"
			+ "run(\"Segment Folder with UNet\", \"" + keys.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "shard=\" + shard);\n";
	}

	/** How a task starts this program: as asked, else the launcher the user ran, else this Java with this class path. */
	static String program(OptionValues slurm) {
		String given = slurm.get(SlurmOptions.UNET);
		if (!given.trim().isEmpty())
			return given.trim();
		String launcher = System.getenv("UNET_LAUNCHER");
		if (launcher != null && !launcher.isEmpty())
			return quote(launcher);
		Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
		return quote(java.toString()) + " -Xmx4g -Djava.awt.headless=true -Dai.djl.offline=true -cp " + quote(System.getProperty("java.class.path"))
			+ " " + UnetCli.class.getName();
	}

	private static void write(Path file, String text) {
		AtomicFiles.write(file, o -> o.write(text.getBytes(StandardCharsets.UTF_8)));
		file.toFile().setExecutable(true);
	}

	static String quoteAll(List<String> args) {
		StringBuilder sb = new StringBuilder();
		for (String a : args)
			sb.append(sb.length() == 0 ? "" : " ").append(quote(a));
		return sb.toString();
	}

	/** A word for bash: as it is when it is plain, else in single quotes. */
	static String quote(String word) {
		if (word.matches("[A-Za-z0-9_./:=,+@%-]+"))
			return word;
		return "'" + word.replace("'", "'\\''") + "'";
	}

	private void report(Scripts s, boolean submit) {
		out.println("wrote " + s.array + " (" + s.what + ", one task each; logs in " + s.logs + ")");
		if (s.join != null)
			out.println("wrote " + s.join + " (the " + s.joinWhat + ", after all tasks succeeded)");
		if (!submit) {
			out.println("submit with:");
			out.println("  jid=$(sbatch --parsable " + s.array + ")" + (s.join == null ? "" : " && sbatch --dependency=afterok:$jid " + s.join));
			out.println("(or run again with --submit)");
			return;
		}
		String array = sbatch(s.array.toString());
		String join = s.join == null ? null : sbatch("--dependency=afterok:" + array, s.join.toString());
		out.println("submitted job array " + array + " (" + s.tasks + " tasks)" + (join == null ? "" : " and " + s.joinWhat + " job " + join + " (waits for all tasks)"));
		out.println("follow:  squeue -j " + array + (join == null ? "" : "," + join) + "   logs: tail -f " + s.logs + "/*-" + array + "_*.out");
		out.println("cancel:  scancel " + array + (join == null ? "" : " " + join));
		out.println("a task failed (squeue shows the " + s.joinWhat + " job as DependencyNeverSatisfied): read its log, fix the cause, then");
		out.println("  scancel " + (join == null ? "<none>" : join) + "; jid=$(sbatch --parsable --array=<failed task ids, e.g. 2,4> " + s.array + ")"
			+ (s.join == null ? "" : " && sbatch --dependency=afterok:$jid " + s.join));
		out.println("  finished work is kept and skipped; only what is missing runs again");
	}

	/** Runs sbatch --parsable and gives the job id. */
	static String sbatch(String... args) {
		List<String> command = new ArrayList<>(Arrays.asList("sbatch", "--parsable"));
		command.addAll(Arrays.asList(args));
		Process p;
		try {
			p = new ProcessBuilder(command).redirectErrorStream(true).start();
		} catch (IOException e) {
			throw new UnetException("cannot run sbatch (" + e.getMessage() + "): run unet slurm on a machine where SLURM's sbatch works (the login node), "
				+ "or submit the written scripts there");
		}
		String text;
		try (InputStream in = p.getInputStream()) {
			text = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
			if (!p.waitFor(60, TimeUnit.SECONDS))
				p.destroy();
		} catch (IOException | InterruptedException e) {
			throw new UnetException("sbatch did not answer: " + e.getMessage());
		}
		if (p.exitValue() != 0 || !text.matches("[0-9]+(;.*)?"))
			throw new UnetException("sbatch refused " + args[args.length - 1] + ": " + UnetCli.oneLine(text));
		return text.contains(";") ? text.substring(0, text.indexOf(';')) : text;
	}
}
