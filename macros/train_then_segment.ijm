// The whole loop on the sample data shipped with the plugin's sources (sample-data/isles22-case0009: 73 DWI slices
// of one stroke patient, 112x112, with lesion masks): train a small UNet, segment the slice with the largest lesion,
// put the lesions into the ROI Manager and save them, and measure the model on its held-back test slices.
// On a CPU this takes a few minutes; settings=[epochs=1] makes it a quick smoke test.
//
// Keys (all optional, as a macro argument):
//   data=[folder with images/ and masks/]   (default: sample-data/isles22-case0009 next to this macro's folder)
//   output=[folder for model, ROIs and report]   (default: unet-demo in ImageJ's temporary folder)
//   settings=[keys of "Train UNet" that replace the ones below]
// Headless:
//   ImageJ-linux64 --headless -batch macros/train_then_segment.ijm
//   xvfb-run -a java -jar ij.jar -batch macros/train_then_segment.ijm "data=[/path/to/sample-data/isles22-case0009]"

args = getArgument();
here = getInfo("macro.filepath");
defaultData = "";
if (here != "" && here != "null") defaultData = File.getParent(File.getParent(here)) + File.separator + "sample-data" + File.separator + "isles22-case0009";
data = argument(args, "data", defaultData);
output = argument(args, "output", getDirectory("temp") + "unet-demo");
settings = argument(args, "settings", "");
if (!File.isDirectory(data + File.separator + "images")) exit("No sample data at " + data + ": give data=[folder with images/ and masks/]");
File.makeDirectory(output);
model = output + File.separator + "model.zip";

setBatchMode(true);
// 1. train: a small network at the slices' own size; slices with and without lesion
run("Train UNet", settings + " images_folder=[" + data + File.separator + "images] masks_folder=[" + data + File.separator + "masks] model_file=[" + model + "] report_folder=[" + output + File.separator + "report] image_size=112 depth=3 base_features=16 batch_size=4 epochs=30 learning_rate=0.001 augment=[flip,rot90] seed=7");

// 2. segment the slice with the largest lesion
open(data + File.separator + "images" + File.separator + "sub-strokecase0009_z039.png");
roiManager("reset");
run("Segment with UNet", "image=[sub-strokecase0009_z039.png] model_file=[" + model + "] threshold=0.5");
count = roiManager("count");
print("train_then_segment: ROIs: " + count);
if (count > 0) roiManager("save", output + File.separator + "z039_rois.zip");

// 3. measure the model on all slices: per-slice Dice in the "UNet metrics" table, the summary in "UNet summary"
//    and in the Log (tables need a display; the Log line is there headless too)
run("Evaluate UNet", "model_file=[" + model + "] images_folder=[" + data + File.separator + "images] masks_folder=[" + data + File.separator + "masks] panel_count=0");
print("train_then_segment: results in " + output);

function argument(args, key, default) {
	return call("ij.Macro.getValue", args, key, default);
}
