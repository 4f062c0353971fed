package org.lesionseg.unet.workflow.options;

import java.nio.file.Path;

/**
 * The options of {@code unet slurm predict|crossval}: how many tasks, the resources each task asks SLURM for, and
 * whether to submit. The job's own options (those of predict or crossval) follow them on the same command line.
 */
public final class SlurmOptions {

	private SlurmOptions() {
	}

	public static final Option<Integer> TASKS = Option.integer("tasks", 4, "predict: number of array tasks (shards of the sorted images); crossval has one task per fold")
		.range(1, 10000).only(Option.Where.COMMAND_LINE);
	public static final Option<String> PARTITION = Option.text("partition", "", "SLURM partition (queue); empty for the cluster's default")
		.only(Option.Where.COMMAND_LINE);
	public static final Option<String> TIME = Option.text("time", "02:00:00", "Time limit of each task (D-HH:MM:SS or HH:MM:SS)")
		.check(t -> t.matches("([0-9]+-)?[0-9]+(:[0-9]{2}){0,2}"), t -> "time '" + t + "' is not a SLURM time such as 02:00:00 or 1-00:00:00")
		.only(Option.Where.COMMAND_LINE);
	public static final Option<String> MEM = Option.text("mem", "8G", "Memory of each task (the JVM heap and libtorch's native memory)")
		.check(m -> m.matches("[0-9]+[KMGT]?"), m -> "mem '" + m + "' is not a SLURM size such as 8G or 16000M").only(Option.Where.COMMAND_LINE);
	public static final Option<Integer> CPUS_PER_TASK = Option.integer("cpus_per_task", 2, "CPU cores of each task (libtorch uses them all)").range(1, 1024)
		.only(Option.Where.COMMAND_LINE);
	public static final Option<String> GRES = Option.text("gres", "", "Generic resources of each task, e.g. gpu:1 for one GPU; empty for none (CPU)")
		.only(Option.Where.COMMAND_LINE);
	public static final Option<String> ACCOUNT = Option.text("account", "", "SLURM account to charge; empty for your default").only(Option.Where.COMMAND_LINE);
	public static final Option<Integer> MAX_PARALLEL = Option.integer("max_parallel", 0, "At most this many tasks at once (--array=1-N%M); 0 for no limit")
		.min(0).only(Option.Where.COMMAND_LINE);
	public static final Option<Path> SCRIPT_FOLDER = Option.folder("script_folder", "Where to write the scripts and the logs; default OUTPUT/slurm")
		.flag("--scripts").only(Option.Where.COMMAND_LINE);
	public static final Option<String> UNET = Option.text("unet", "",
		"How a task starts this program, e.g. /shared/unet-segmentation/unet; default: the launcher you ran (or this Java and class path)")
		.valueHint("COMMAND").only(Option.Where.COMMAND_LINE);
	public static final Option<Path> FIJI = Option.file("fiji", "predict only: run each shard as a headless Fiji macro with this launcher (Fiji.app/ImageJ-linux64)")
		.only(Option.Where.COMMAND_LINE);
	public static final Option<Boolean> SUBMIT = Option.flag("submit", false, "Submit the job array (sbatch --parsable) and the dependent merge/summary job")
		.only(Option.Where.COMMAND_LINE);

	public static final OptionSet SET = OptionSet.builder("slurm")
		.section("tasks").add(TASKS, MAX_PARALLEL)
		.section("resources per task").add(PARTITION, TIME, MEM, CPUS_PER_TASK, GRES, ACCOUNT)
		.section("scripts").add(SCRIPT_FOLDER, UNET, FIJI, SUBMIT)
		.note("Every other option is the job's: those of unet predict (without --shard) or unet crossval (without --fold).")
		.build();
}
