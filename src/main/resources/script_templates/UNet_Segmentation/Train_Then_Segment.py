#@ File (label = "Training images", style = "directory") images_folder
#@ File (label = "Training masks (same names)", style = "directory") masks_folder
#@ File (label = "Model file to write (.zip)", style = "save") model_file
#@ File (label = "Images to segment", style = "directory") input_folder
#@ File (label = "Output folder", style = "directory") output_folder
#@ Integer (label = "Epochs", value = 20, min = 1) epochs
#@ Integer (label = "Training image size", value = 256, min = 16) image_size
#@ String (label = "Other Train UNet settings (key=value)", value = "", required = false) more
#@output Double test_dice
#@output Integer objects

# Trains a U-Net on two folders (as "Train UNet" does: best model by validation Dice, test metrics), then segments a folder.
from org.lesionseg.unet.script import UNet

outcome = UNet.train(UNet.settings({"images_folder": images_folder, "masks_folder": masks_folder, "model_file": model_file,
	"epochs": epochs, "image_size": image_size}, more))
test_dice = float("nan") if outcome.test is None else outcome.test.summary.pooledDice()
print("best epoch %d, validation Dice %.4f, test pooled Dice %.4f" % (outcome.training.bestEpoch, outcome.training.bestValDice, test_dice))

model = UNet.model(model_file)
try:
	objects = model.segmentFolder(input_folder, output_folder).objectCount()
	print("%d object(s) -> %s" % (objects, output_folder))
finally:
	model.close()
