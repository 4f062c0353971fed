// The whole loop on the sample data shipped with the plugin's sources (sample-data/ich-ct-bhsd: 36 CT slices of
// intracranial haemorrhage from 25 scans, 512x512, with expert masks): train a small UNet, segment a held-back slice,
// put the haemorrhages into the ROI Manager and save them, and print the Dice on the held-back test slices.
// Takes a few minutes on 2 CPU cores (settings=[epochs=1] makes it a quick smoke test, which does not learn).
//
// Keys (all optional, as a macro argument):
//   data=[folder with images/ and masks/]   (default: sample-data/ich-ct-bhsd next to this macro's folder)
//   output=[folder for model, ROIs and report]   (default: unet-demo in ImageJ's temporary folder)
//   settings=[keys of "Train UNet" that replace the ones below; values without brackets or spaces]
// Headless:
//   ImageJ-linux64 --headless -batch macros/train_then_segment.ijm
//   xvfb-run -a java -jar ij.jar -batch macros/train_then_segment.ijm "data=[/path/to/sample-data/ich-ct-bhsd]"
//   xvfb-run -a imagej -b /abs/path/macros/train_then_segment.ijm "output=[/tmp/unet-demo]"   (Debian's imagej)
// The results are printed (and written to files), never read back from the Log: in batch mode the Log is the console.

args = getArgument();
here = getInfo("macro.filepath");
defaultData = "";
if (here != "" && here != "null") defaultData = File.getParent(File.getParent(here)) + File.separator + "sample-data" + File.separator + "ich-ct-bhsd";
data = argument(args, "data", defaultData);
output = argument(args, "output", getDirectory("temp") + "unet-demo");
settings = argument(args, "settings", "");
if (!File.isDirectory(data + File.separator + "images")) exit("No sample data at " + data + ": give data=[folder with images/ and masks/]");
File.makeDirectory(output);
model = output + File.separator + "model.zip";
report = output + File.separator + "report";

setBatchMode(true);
// 1. train: a small network on whole slices scaled to 128x128, with a high learning rate for a few epochs. The slices
//    of one scan (the first 3 digits of the name) stay together, so the test slices come from scans it never saw.
//    (ImageJ takes the first of a key given twice: the settings given as argument win.)
run("Train UNet", settings + " images_folder=[" + data + File.separator + "images] masks_folder=[" + data + File.separator + "masks] model_file=[" + model + "] report_folder=[" + report + "] image_size=128 depth=4 base_features=16 batch_size=4 epochs=10 learning_rate=0.003 augment=[flip,rot90] group_by=^(...) seed=7");
print("train_then_segment: test Dice " + pooledDice(report + File.separator + "metrics.csv"));

// 2. segment a held-back test slice (seed 7 holds back scans 126, 141, 154, 161, 163 and 170); its haemorrhages go
//    into the ROI Manager and a ROI set file
slice = "126022.png";
if (!File.exists(data + File.separator + "images" + File.separator + slice)) slice = getFileList(data + File.separator + "images")[0];
open(data + File.separator + "images" + File.separator + slice);
roiManager("reset");
run("Segment with UNet", "image=[" + slice + "] model_file=[" + model + "]");
count = roiManager("count");
print("train_then_segment: " + count + " ROIs on " + slice);
if (count > 0) roiManager("save", output + File.separator + "rois.zip");
print("train_then_segment: results in " + output);

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
