package org.lesionseg.unet.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.engine.Devices;
import org.lesionseg.unet.core.engine.OneDnnSwitch;
import org.lesionseg.unet.core.train.EpochRecord;
import org.lesionseg.unet.core.train.EpochTimes;
import org.lesionseg.unet.core.train.TrainingListener;
import org.lesionseg.unet.workflow.TrainRequest;
import org.lesionseg.unet.workflow.TrainingJob;
import org.lesionseg.unet.workflow.options.Option;
import org.lesionseg.unet.workflow.options.TrainOptions;

/**
 * The Java side of the end-to-end benchmark, run by {@link EndToEndBench} in a process of its own: the training
 * {@code unet train} runs (the same options, request and job), printing each epoch's {@link EpochTimes} and at the
 * end its memory with the Java heap and native memory apart (the RSS sampled every 50 ms while it trains, the
 * heap's resident part, from /proc/self/smaps, every 0.5 s; native = RSS - heap resident).
 * <p>
 * Arguments: {@code --flag=value} of {@code unet train}.
 */
public final class EndToEndTraining {

	private EndToEndTraining() {
	}

	public static void main(String[] args) {
		try {
			System.exit(run(args));
		} catch (UnetException e) {
			System.out.println("error: " + e.getMessage());
			System.exit(2);
		}
	}

	static int run(String[] args) {
		Map<String, String> given = new LinkedHashMap<>();
		for (String a : args) {
			int eq = a.indexOf('=');
			if (!a.startsWith("--") || eq < 0)
				throw new UnetException("arguments are --flag=value of unet train, got '" + a + "'");
			given.put(a.substring(0, eq), a.substring(eq + 1));
		}
		TrainRequest request = TrainRequest.of(TrainOptions.SET.parse(given, Option.Where.COMMAND_LINE));
		MemorySampler memory = new MemorySampler();
		memory.start();
		long start = System.nanoTime();
		double[] training = new double[1];
		TrainingListener listener = new TrainingListener() {
			@Override
			public void started(String description) {
				System.out.println(description);
			}

			@Override
			public void epochTimes(EpochTimes times) {
				System.out.println(times.line());
				training[0] += times.totalSeconds;
			}

			@Override
			public void epochDone(EpochRecord r, int epochs, boolean improved, double etaSeconds) {
				System.out.printf(Locale.ROOT, "epoch %d/%d loss %.5f val loss %.5f val pooled Dice %.4f val mean Dice %.4f%s%n", r.epoch, epochs, r.trainLoss,
					r.valLoss, r.valDice, r.valMeanDice, improved ? " *best" : "");
			}

			@Override
			public void message(String text) {
				System.out.println(text);
			}
		};
		TrainingJob.Outcome o = TrainingJob.run(request, listener, null);
		double total = (System.nanoTime() - start) / 1e9;
		memory.stop();
		System.out.printf(Locale.ROOT, "training: %d epochs in %.3f s; best val pooled Dice %.4f at epoch %d; load, training and model check %.3f s%n",
			o.training.history.size(), training[0], o.training.bestValDice, o.training.bestEpoch, total);
		System.out.println("engine: " + Devices.engineDescription() + "; " + OneDnnSwitch.state() + "; threads " + System.getProperty("ai.djl.pytorch.num_threads", "default"));
		System.out.println(memory.line());
		return 0;
	}

	/**
	 * Peak resident memory and the Java heap beside it. Native memory (libtorch's tensors, the JVM's own) is the
	 * resident memory the committed heap does not account for: the largest difference seen is its peak.
	 */
	static final class MemorySampler {
		private final long[] heapRange = ProcessMemory.javaHeapRange();
		private double peakRss, peakCommitted, peakHeapResident = Double.NaN, peakNative = Double.NaN;
		private int samples;
		private Thread thread;

		void start() {
			thread = ProcessMemory.sampleEvery(50, this::sample);
		}

		/** RSS and committed heap every time; every 10th time (smaps is long) the heap's resident part and so native memory. */
		synchronized void sample() {
			double rss = ProcessMemory.rssMiB();
			peakRss = Math.max(peakRss, rss);
			peakCommitted = Math.max(peakCommitted, ProcessMemory.heapCommittedMiB());
			if (samples++ % 10 == 0 && heapRange != null) {
				double heap = ProcessMemory.residentMiBIn(heapRange);
				rss = ProcessMemory.rssMiB();
				if (!Double.isNaN(heap)) {
					peakHeapResident = Double.isNaN(peakHeapResident) ? heap : Math.max(peakHeapResident, heap);
					peakNative = Double.isNaN(peakNative) ? rss - heap : Math.max(peakNative, rss - heap);
				}
			}
		}

		void stop() {
			thread.interrupt();
			try {
				thread.join(1000);
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
			}
			samples = 0;
			sample();
		}

		/** Read back by {@link EndToEndBench#parseJava}. */
		synchronized String line() {
			return String.format(Locale.ROOT,
				"memory: peak rss (VmHWM) %.1f MiB; sampled peak rss %.1f MiB; peak heap committed %.1f MiB; heap pools' peaks summed %.1f MiB; peak heap resident %.1f MiB; peak native (rss - heap resident) %.1f MiB; max heap %.0f MiB",
				ProcessMemory.peakRssMiB(), peakRss, peakCommitted, peakHeapUsedMiB(), peakHeapResident, peakNative, Runtime.getRuntime().maxMemory() / 1048576.0);
		}
	}

	/** The most heap in use at once, from the pools' peaks (JVM's own record). */
	static double peakHeapUsedMiB() {
		long used = 0;
		List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans();
		for (MemoryPoolMXBean pool : pools)
			if (pool.getType() == MemoryType.HEAP)
				used += pool.getPeakUsage().getUsed();
		return used / 1048576.0;
	}
}
