// Segment every image of a folder with a trained UNet model.
// Writes, per image, NAME_mask.png (255 = lesion), NAME_prob.tif (probabilities) and NAME_rois.zip (ROI set),
// and objects.csv with one line per lesion object, into the output folder. Opens no window.
//
// Keys (as a macro argument; any missing path is asked for):
//   model=[path to model.zip]  input=[folder of images]  output=[folder for the results]
//   threshold=0.5  min_size=0   (probability threshold, smallest object in pixels)
// Headless, on a server:
//   ImageJ-linux64 --headless -batch macros/segment_folder.ijm "model=[/data/model.zip] input=[/data/scans] output=[/data/results]"
//   xvfb-run -a java -jar ij.jar -batch macros/segment_folder.ijm "model=[...] input=[...] output=[...]"

args = getArgument();
model = argument(args, "model", "");
input = argument(args, "input", "");
output = argument(args, "output", "");
threshold = argument(args, "threshold", "0.5");
minSize = argument(args, "min_size", "0");
if (model == "") model = File.openDialog("Choose the model file (.zip)");
if (input == "") input = getDirectory("Choose the folder of images to segment");
if (output == "") output = getDirectory("Choose the folder for the results");

setBatchMode(true);
run("Segment Folder with UNet", "model_file=[" + model + "] input_folder=[" + input + "] output_folder=[" + output + "] threshold=" + threshold + " min_size=" + minSize);
lines = split(File.openAsString(output + File.separator + "objects.csv"), "\n");
print("segment_folder: " + (lines.length - 1) + " lesion object(s); results in " + output);

// key=value from the macro argument (values with spaces in [brackets]), or the default
function argument(args, key, default) {
	return call("ij.Macro.getValue", args, key, default);
}
