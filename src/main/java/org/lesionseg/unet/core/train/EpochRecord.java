package org.lesionseg.unet.core.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.lesionseg.unet.core.UnetException;

/** One epoch of a training: losses, validation metrics, learning rate and time. */
public final class EpochRecord {

	public static final String CSV_HEADER = "epoch,train_loss,val_loss,val_dice,val_mean_dice,val_iou,val_accuracy,learning_rate,seconds";

	public final int epoch;
	public final double trainLoss;
	public final double valLoss;
	/** Pooled Dice over all validation pixels: the score that picks the best model. */
	public final double valDice;
	public final double valMeanDice;
	public final double valIou;
	public final double valAccuracy;
	public final double learningRate;
	public final double seconds;

	public EpochRecord(int epoch, double trainLoss, double valLoss, double valDice, double valMeanDice, double valIou, double valAccuracy,
		double learningRate, double seconds) {
		this.epoch = epoch;
		this.trainLoss = trainLoss;
		this.valLoss = valLoss;
		this.valDice = valDice;
		this.valMeanDice = valMeanDice;
		this.valIou = valIou;
		this.valAccuracy = valAccuracy;
		this.learningRate = learningRate;
		this.seconds = seconds;
	}

	public String toCsv() {
		return String.format(Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.3g,%.2f", epoch, trainLoss, valLoss, valDice, valMeanDice, valIou,
			valAccuracy, learningRate, seconds).replace("NaN", "nan");
	}

	public static String toCsv(List<EpochRecord> history) {
		StringBuilder sb = new StringBuilder(CSV_HEADER).append('\n');
		for (EpochRecord r : history)
			sb.append(r.toCsv()).append('\n');
		return sb.toString();
	}

	/** Parses what {@link #toCsv(List)} wrote (history carried by a checkpoint). */
	public static List<EpochRecord> parseCsv(String csv) {
		List<EpochRecord> records = new ArrayList<>();
		if (csv == null)
			return records;
		for (String line : csv.split("\n")) {
			if (line.isEmpty() || line.startsWith("epoch"))
				continue;
			String[] f = line.split(",");
			if (f.length < 9)
				continue;
			try {
				records.add(new EpochRecord(Integer.parseInt(f[0]), num(f[1]), num(f[2]), num(f[3]), num(f[4]), num(f[5]), num(f[6]), num(f[7]), num(f[8])));
			} catch (NumberFormatException e) {
				throw new UnetException("the training history (history.csv) in the checkpoint has an unreadable line '"
					+ (line.length() > 60 ? line.substring(0, 60) + "..." : line) + "': start a new training, or fine-tune from the best model");
			}
		}
		return records;
	}

	private static double num(String s) {
		return "nan".equals(s) ? Double.NaN : Double.parseDouble(s);
	}
}
