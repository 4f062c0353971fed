// Train a UNet on two folders: images/ and masks/ (paired by name; masks 0 = background, non-zero = lesion).
// Uses the defaults of the original workflow (Adam, learning rate 1e-4, batch 16, 20 epochs, 256x256, BCE + Dice)
// unless the argument "settings" changes them. Writes the model file, MODEL.last.zip (to resume) and a report.
//
// Keys (as a macro argument; any missing path is asked for):
//   images=[folder]  masks=[folder]  model=[model file to write, .zip]  report=[folder, optional]
//   settings=[any keys of "Train UNet", e.g. epochs=50 batch_size=8 image_size=128 device=gpu]
// Headless:
//   ImageJ-linux64 --headless -batch macros/train_from_folders.ijm "images=[/data/images] masks=[/data/masks] model=[/data/model.zip] settings=[epochs=50]"

args = getArgument();
images = argument(args, "images", "");
masks = argument(args, "masks", "");
model = argument(args, "model", "");
report = argument(args, "report", "");
settings = argument(args, "settings", "");
if (images == "") images = getDirectory("Choose the folder of training images");
if (masks == "") masks = getDirectory("Choose the folder of their masks");
if (model == "") model = File.openDialog("Choose the model file to write (.zip)");

options = "images_folder=[" + images + "] masks_folder=[" + masks + "] model_file=[" + model + "]";
if (report != "") options = options + " report_folder=[" + report + "]";
// the given settings come first: for a key given twice, ImageJ takes the first
run("Train UNet", settings + " " + options);
print("train_from_folders: model written to " + model);

function argument(args, key, default) {
	return call("ij.Macro.getValue", args, key, default);
}
