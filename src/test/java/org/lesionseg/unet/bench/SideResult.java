package org.lesionseg.unet.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The figures of one side of the comparison (Java or the PyTorch reference) for the same arguments. Times are
 * medians over the timed steps, in seconds; memory in MiB; anything not measured is NaN (or -1 for counts).
 */
public final class SideResult {

	/** Engine and threads, as the side reports them. */
	public String engine = "";
	public long trainableParameters = -1;
	public int parameterTensors = -1;
	/** Forward pass and loss, including fetching the loss value. */
	public double forwardSeconds = Double.NaN;
	public double backwardSeconds = Double.NaN;
	/** Optimizer (Adam) update of all parameters. */
	public double updateSeconds = Double.NaN;
	/** A whole step: the median of the per-step sums, not the sum of the medians. */
	public double stepSeconds = Double.NaN;
	public double trainImagesPerSecond = Double.NaN;
	public double inferBatchSeconds = Double.NaN;
	public double inferImagesPerSecond = Double.NaN;
	/** Peak resident memory (VmHWM) at the end of training and inference. */
	public double peakRssMiB = Double.NaN;
	public double rssAfterWarmupMiB = Double.NaN;
	public double rssAfterTrainingMiB = Double.NaN;
	/** Java heap in use at the end (Java side only). */
	public double heapUsedMiB = Double.NaN;
	/** Java heap reserved from the system at the end (Java side only; its touched part is in the RSS). */
	public double heapCommittedMiB = Double.NaN;
	public double finalLoss = Double.NaN;
	/** Host-to-device copy of the batch (Java side only; the reference creates its batches on the device). */
	public double toDeviceSeconds = Double.NaN;
	/** Cores that other processes kept busy on average while this side ran (0 = quiet machine; see {@link CpuMeter}). */
	public double otherCores = Double.NaN;
	public final List<Double> stepTimes = new ArrayList<>();

	/** Images per second of training, from the median step time. */
	public static double perSecond(int batch, double seconds) {
		return seconds > 0 ? batch / seconds : Double.NaN;
	}
}
