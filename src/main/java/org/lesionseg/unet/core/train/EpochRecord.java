package org.lesionseg.unet.core.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.io.CsvWriter;

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

	/** The history as CSV text ({@link CsvWriter}'s format), for history.csv in the model file and the report. */
	public static String toCsv(List<EpochRecord> history) {
		List<List<Object>> rows = new ArrayList<>();
		for (EpochRecord r : history)
			rows.add(Arrays.asList(r.epoch, r.trainLoss, r.valLoss, r.valDice, r.valMeanDice, r.valIou, r.valAccuracy, r.learningRate, r.seconds));
		return CsvWriter.text(Arrays.asList(CSV_HEADER.split(",")), rows);
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

	/** "nan" is how histories were written before the project had one CSV format: old checkpoints still resume. */
	private static double num(String s) {
		return "nan".equals(s) ? Double.NaN : Double.parseDouble(s);
	}
}
