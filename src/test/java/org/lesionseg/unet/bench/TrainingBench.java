package org.lesionseg.unet.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.lesionseg.unet.core.data.Batch;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

/**
 * The Java side of the side-by-side benchmark: the project's own training step on random data, timed phase by
 * phase like the reference script times PyTorch (forward+loss, backward, optimizer), then inference in
 * evaluation mode, with resident memory and the Java heap.
 */
public final class TrainingBench {

	private TrainingBench() {
	}

	/** Runs the training and inference timing and prints progress lines. */
	public static SideResult run(BenchOptions o, Device device, PrintStream out) {
		SideResult r = new SideResult();
		CpuMeter cpu = CpuMeter.start();
		Engine engine = Engine.getInstance();
		r.engine = "DJL " + Engine.getDjlVersion() + " / " + engine.getEngineName() + " " + engine.getVersion() + ", " + device;
		Random random = new Random(o.seed);
		List<Double> forward = new ArrayList<>(), backward = new ArrayList<>(), update = new ArrayList<>(), toDevice = new ArrayList<>();
		try (BenchModel m = new BenchModel(device, o.base, o.channels, o.batch, o.size, 1e-4f, o.seed)) {
			r.trainableParameters = m.block.trainableParameterCount();
			r.parameterTensors = m.trainableTensors();
			out.printf(Locale.ROOT, "params: trainable=%,d (%d tensors)%n", r.trainableParameters, r.parameterTensors);
			out.printf(Locale.ROOT, "rss after init: %.1f MiB%n", ProcessMemory.rssMiB());
			int total = o.warmup + o.steps;
			BenchModel.StepTimes times = new BenchModel.StepTimes();
			for (int s = 0; s < total; s++) {
				Batch batch = randomBatch(random, o.batch, o.channels, o.size);
				double loss = m.step(batch, times);
				double stepSeconds = (times.forward + times.backward + times.update) / 1e9;
				if (s >= o.warmup) {
					forward.add(times.forward / 1e9);
					backward.add(times.backward / 1e9);
					update.add(times.update / 1e9);
					toDevice.add(times.toDevice / 1e9);
					r.stepTimes.add(stepSeconds);
				}
				if (s == o.warmup - 1)
					r.rssAfterWarmupMiB = ProcessMemory.rssMiB();
				r.finalLoss = loss;
				if ((s + 1) % 5 == 0 || s == total - 1)
					out.printf(Locale.ROOT, "step %3d%s loss=%.5f step_time=%.3fs (fwd %.3f bwd %.3f opt %.3f) rss=%.1f MiB%n", s + 1,
						s < o.warmup ? " (warmup)" : "", loss, stepSeconds, times.forward / 1e9, times.backward / 1e9, times.update / 1e9,
						ProcessMemory.rssMiB());
			}
			r.rssAfterTrainingMiB = ProcessMemory.rssMiB();
			if (o.warmup == 0)
				r.rssAfterWarmupMiB = Double.NaN;
			r.forwardSeconds = Stats.median(forward);
			r.backwardSeconds = Stats.median(backward);
			r.updateSeconds = Stats.median(update);
			r.stepSeconds = Stats.median(r.stepTimes);
			r.toDeviceSeconds = Stats.median(toDevice);
			r.trainImagesPerSecond = SideResult.perSecond(o.batch, r.stepSeconds);
			StringBuilder sb = new StringBuilder("step times (s, post-warm-up):");
			for (double t : r.stepTimes)
				sb.append(String.format(Locale.ROOT, " %.3f", t));
			out.println(sb);

			List<Double> infer = new ArrayList<>();
			int inferWarmup = Math.max(1, o.warmup);
			for (int s = 0; s < inferWarmup + o.inferSteps(); s++) {
				Batch batch = randomBatch(random, o.batch, o.channels, o.size);
				try (NDManager batchManager = m.manager().newSubManager(device)) {
					NDArray x = batchManager.create(batch.images(), new Shape(batch.imageShape()));
					long t0 = System.nanoTime();
					NDArray logits = m.block.forward(new ParameterStore(batchManager, false), new NDList(x), false).singletonOrThrow();
					if (device.isGpu())
						logits.get(0, 0, 0, 0).getFloat(); // wait for the device, as the reference synchronises
					long t1 = System.nanoTime();
					if (s >= inferWarmup)
						infer.add((t1 - t0) / 1e9);
				}
			}
			r.inferBatchSeconds = Stats.median(infer);
			r.inferImagesPerSecond = SideResult.perSecond(o.batch, r.inferBatchSeconds);
			r.peakRssMiB = ProcessMemory.peakRssMiB();
			r.otherCores = cpu.otherCores();
			r.heapUsedMiB = ProcessMemory.heapUsedMiB();
			r.heapCommittedMiB = ProcessMemory.heapCommittedMiB();
			out.printf(Locale.ROOT, "train step median: %.4f s/step -> %.2f images/s (fwd %.4f, bwd %.4f, opt %.4f; batch to device %.4f)%n", r.stepSeconds,
				r.trainImagesPerSecond, r.forwardSeconds, r.backwardSeconds, r.updateSeconds, r.toDeviceSeconds);
			out.printf(Locale.ROOT, "infer batch median: %.4f s/batch -> %.2f images/s%n", r.inferBatchSeconds, r.inferImagesPerSecond);
			out.printf(Locale.ROOT, "peak rss (VmHWM): %.1f MiB, rss now: %.1f MiB, java heap in use %.1f MiB of %.1f MiB committed%n", r.peakRssMiB,
				ProcessMemory.rssMiB(), r.heapUsedMiB, ProcessMemory.heapCommittedMiB());
			out.println(CpuMeter.note(r.otherCores));
		}
		return r;
	}

	/** Uniform images in [0, 1) and masks of random 0/1 pixels, as the reference makes them. */
	static Batch randomBatch(Random random, int n, int c, int size) {
		float[] images = new float[n * c * size * size];
		float[] masks = new float[n * size * size];
		for (int i = 0; i < images.length; i++)
			images[i] = random.nextFloat();
		for (int i = 0; i < masks.length; i++)
			masks[i] = random.nextFloat() > 0.5f ? 1f : 0f;
		List<String> names = new ArrayList<>(Collections.nCopies(n, "random"));
		return new Batch(images, masks, n, c, size, size, names);
	}
}
