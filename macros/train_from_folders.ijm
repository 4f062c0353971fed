// Train a UNet on two folders: images/ and masks/ (paired by name; masks 0 = background, non-zero = lesion).
// Uses the defaults of the original workflow (Adam, learning rate 1e-4, batch 16, 20 epochs, 256x256, BCE + Dice)
// unless the argument "settings" changes them. Writes the model file, MODEL.last.zip (to resume) and a report, and
// prints the Dice of the held-back test images (from the report's metrics.csv: in batch mode the Log is the console,
// and a macro cannot read it back).
//
// Keys (as a macro argument; any missing path is asked for):
//   images=[folder]  masks=[folder]  model=[model file to write, .zip]
//   report=[folder, optional; default NAME-report beside the model]
//   settings=[any keys of "Train UNet", e.g. epochs=50 batch_size=8 image_size=128 device=gpu]
// Headless:
//   ImageJ-linux64 --headless -batch macros/train_from_folders.ijm "images=[/data/images] masks=[/data/masks] model=[/data/model.zip] settings=[epochs=50]"
// Inside settings=[...] a value must not hold brackets or spaces: augment=flip,rot90, not augment=[flip,rot90].

args = getArgument();
images = argument(args, "images", "");
masks = argument(args, "masks", "");
model = argument(args, "model", "");
report = argument(args, "report", "");
settings = argument(args, "settings", "");
if (images == "") images = getDirectory("Choose the folder of training images");
if (masks == "") masks = getDirectory("Choose the folder of their masks");
if (model == "") model = File.openDialog("Choose the model file to write (.zip)");
if (report == "") report = File.getParent(model) + File.separator + replace(File.getName(model), "\\.zip$", "") + "-report";

options = "images_folder=[" + images + "] masks_folder=[" + masks + "] model_file=[" + model + "] report_folder=[" + report + "]";
// the given settings come first: for a key given twice, ImageJ takes the first
run("Train UNet", settings + " " + options);
print("train_from_folders: model written to " + model);
print("train_from_folders: test Dice " + pooledDice(report + File.separator + "metrics.csv") + "; report in " + report);

// The pooled Dice of a metrics.csv (one row per image with its tp, fp and fn pixels), as text with the image count
function pooledDice(csv) {
	if (!File.exists(csv)) return "none (no test images)";
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
	if (tp + fp + fn == 0) return "1 (no lesion in " + (lines.length - 1) + " test images, none found)";
	return d2s(2 * tp / (2 * tp + fp + fn), 3) + " (pooled over " + (lines.length - 1) + " held-back images: " + tp + " lesion pixels found, " + fp + " false, " + fn + " missed)";
}

function argument(args, key, default) {
	return call("ij.Macro.getValue", args, key, default);
}
