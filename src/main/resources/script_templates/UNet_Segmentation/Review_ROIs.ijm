#@ File (label = "Model (Train UNet .zip, TorchScript .pt or bioimage.io package)") model_file
#@ File (label = "Image to segment") image_file

// Segments one image and lists its objects in the ROI Manager for review (select one to see it on the image).
open(image_file);
run("Segment with UNet", "model_file=[" + model_file + "] probability_map");
roiManager("show all with labels");
print(roiManager("count") + " object(s) to review");
