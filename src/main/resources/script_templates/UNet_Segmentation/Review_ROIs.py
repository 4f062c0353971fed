#@ File (label = "Model (Train UNet .zip, TorchScript .pt or bioimage.io package)") model_file
#@ File (label = "Image to segment") image_file
#@ File (label = "Save the ROI set to (.zip)", style = "save") roi_set_file
#@ Double (label = "Threshold", value = 0.5, min = 0.01, max = 0.99) threshold
#@ String (label = "Other settings (key=value)", value = "", required = false) more
#@output Integer count

# Segments one image, puts one ROI per object into the ROI Manager (or the overlay when headless) for review,
# shows the probability map and saves the ROI set.
from ij import IJ
from ij.gui import Overlay
from ij.plugin.frame import RoiManager
from java.awt import GraphicsEnvironment
from org.lesionseg.unet.ij import RoiSets
from org.lesionseg.unet.script import UNet

imp = IJ.openImage(image_file.getPath())
model = UNet.model(model_file, UNet.settings({"threshold": threshold}, more))
try:
	seg = model.segment(imp)
	rois = seg.rois()
	count = rois.size()
	overlay = Overlay()
	for roi in rois:
		overlay.add(roi)
	imp.setOverlay(overlay)
	RoiSets.write(roi_set_file.toPath(), rois)
	if not GraphicsEnvironment.isHeadless():
		imp.show()
		seg.probability().show()
		manager = RoiManager.getRoiManager()
		for roi in rois:
			manager.addRoi(roi)
	print("%d object(s) in %s; ROI set: %s" % (count, imp.getTitle(), roi_set_file))
finally:
	model.close()
