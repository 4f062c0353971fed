#@ File (label = "Model (Train UNet .zip, TorchScript .pt or bioimage.io package)") model_file
#@ File (label = "Folder of images", style = "directory") input_folder
#@ File (label = "Output folder (not the input folder)", style = "directory") output_folder
#@ Double (label = "Threshold", value = 0.5, min = 0.01, max = 0.99) threshold
#@ Integer (label = "Minimum object size (pixels)", value = 0, min = 0) min_size
#@ String (label = "Other settings (key=value, as in Segment Folder with UNet)", value = "", required = false) more
#@output Integer objects

# Segments every image of a folder with a U-Net, as "Segment Folder with UNet" does: NAME_prob.tif, NAME_mask.png,
# NAME_rois.zip and objects.csv in the output folder. For a TorchScript file add e.g. "size_multiple=16 output_kind=logits".
from org.lesionseg.unet.script import UNet

model = UNet.model(model_file, UNet.settings({"threshold": threshold, "min_size": min_size}, more))
try:
	print("%s; %s" % (model.description(), model.device()))
	outcome = model.segmentFolder(input_folder, output_folder)
	objects = outcome.objectCount()
	print("%d image(s), %d object(s) -> %s" % (outcome.images.size(), objects, output_folder))
finally:
	model.close()
