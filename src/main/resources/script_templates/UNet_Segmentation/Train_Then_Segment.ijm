#@ File (label = "Training images", style = "directory") images_folder
#@ File (label = "Training masks (same names)", style = "directory") masks_folder
#@ File (label = "Model file to write (.zip)", style = "save") model_file
#@ File (label = "Images to segment", style = "directory") input_folder
#@ File (label = "Output folder", style = "directory") output_folder
#@ Integer (label = "Epochs", value = 20) epochs

// Trains a U-Net on two folders, then segments a folder with it (keys: docs/macros.md).
run("Train UNet", "images_folder=[" + images_folder + "] masks_folder=[" + masks_folder + "] model_file=[" + model_file + "] epochs=" + epochs);
run("Segment Folder with UNet", "model_file=[" + model_file + "] input_folder=[" + input_folder + "] output_folder=[" + output_folder + "]");
