#@ File (label = "Model (Train UNet .zip, TorchScript .pt or bioimage.io package)") model_file
#@ File (label = "Folder of images", style = "directory") input_folder
#@ File (label = "Output folder (not the input folder)", style = "directory") output_folder
#@ Double (label = "Threshold", value = 0.5) threshold

// Segments every image of a folder: NAME_prob.tif, NAME_mask.png, NAME_rois.zip and objects.csv in the output folder.
// Every key of the command is in docs/macros.md (e.g. size_multiple=16 output_kind=logits for a TorchScript file).
run("Segment Folder with UNet", "model_file=[" + model_file + "] input_folder=[" + input_folder + "] output_folder=[" + output_folder
	+ "] threshold=" + threshold);
