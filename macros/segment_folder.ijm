// Segment every image of a folder with a trained UNet model.
// Writes, per image, NAME_mask.png (255 = lesion), NAME_prob.tif (probabilities) and NAME_rois.zip (ROI set),
// and objects.csv with one line per lesion object, into the output folder. Opens no window.
// With masks=[folder] it also measures the model against those true masks and prints the Dice.
//
// Keys (as a macro argument; any missing path is asked for):
//   model=[path to model.zip]  input=[folder of images]  output=[folder for the results]
//   masks=[folder of true masks, optional]
//   threshold=0.5  min_size=5   (probability threshold; smallest object in pixels, 0 keeps all; default: the plugin's)
// Headless, on a server:
//   ImageJ-linux64 --headless -batch macros/segment_folder.ijm "model=[/data/model.zip] input=[/data/scans] output=[/data/results]"
//   xvfb-run -a java -jar ij.jar -batch macros/segment_folder.ijm "model=[...] input=[...] output=[...]"
// The results are printed (and written to files), never read back from the Log: in batch mode the Log is the console.

args = getArgument();
model = argument(args, "model", "");
input = argument(args, "input", "");
output = argument(args, "output", "");
masks = argument(args, "masks", "");
objects = "";
threshold = argument(args, "threshold", "");
if (threshold != "") objects = objects + " threshold=" + threshold;
minSize = argument(args, "min_size", "");
if (minSize != "") objects = objects + " min_size=" + minSize;
if (model == "") model = File.openDialog("Choose the model file (.zip)");
if (input == "") input = getDirectory("Choose the folder of images to segment");
if (output == "") output = getDirectory("Choose the folder for the results");

setBatchMode(true);
run("Segment Folder with UNet", "model_file=[" + model + "] input_folder=[" + input + "] output_folder=[" + output + "]" + objects);
lines = split(File.openAsString(output + File.separator + "objects.csv"), "\n");
print("segment_folder: " + (lines.length - 1) + " lesion object(s) (one ROI each in the NAME_rois.zip files); results in " + output);
if (masks != "") {
	evaluation = output + File.separator + "evaluation";
	run("Evaluate UNet", "model_file=[" + model + "] images_folder=[" + input + "] masks_folder=[" + masks + "] report_folder=[" + evaluation + "] panel_count=0" + objects);
	print("segment_folder: Dice " + pooledDice(evaluation + File.separator + "metrics.csv"));
}

// The pooled Dice of a metrics.csv (one row per image with its tp, fp and fn pixels), as text with the image count
function pooledDice(csv) {
	lines = split(File.openAsString(csv), "\n");
	columns = split(lines[0], ",");
	tp = 0; fp = 0; fn = 0;
	for (i = 1; i < lines.length; i++) {
		cells = split(lines[i], ",");
		for (c = 0; c < columns.length; c++) {
			if (columns[c] == "tp") tp += parseFloat(cells[c]);
			if (columns[c] == "fp") fp += parseFloat(cells[c]);
			if (columns[c] == "fn") fn += parseFloat(cells[c]);
		}
	}
	if (tp + fp + fn == 0) return "1 (no lesion in " + (lines.length - 1) + " images, none found)";
	return d2s(2 * tp / (2 * tp + fp + fn), 3) + " (pooled over " + (lines.length - 1) + " images: " + tp + " lesion pixels found, " + fp + " false, " + fn + " missed)";
}

// key=value from the macro argument (values with spaces in [brackets]), or the default
function argument(args, key, default) {
	return call("ij.Macro.getValue", args, key, default);
}
