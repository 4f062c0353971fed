#@ File (label = "Model (Train UNet .zip, TorchScript .pt or bioimage.io package)") model_file
#@ File (label = "Image to segment") image_file
#@ File (label = "Save the ROI set to (.zip)", style = "save") roi_set_file
#@ Double (label = "Threshold", value = 0.5, min = 0.01, max = 0.99) threshold
#@ String (label = "Other settings (key=value)", value = "", required = false) more
#@output Integer count

// Segments one image, puts one ROI per object into the ROI Manager (or the overlay when headless) for review,
// shows the probability map and saves the ROI set.
import ij.IJ
import java.awt.GraphicsEnvironment
import ij.gui.Overlay
import ij.plugin.frame.RoiManager
import org.lesionseg.unet.ij.RoiSets
import org.lesionseg.unet.script.UNet

def imp = IJ.openImage(image_file.path)
def model = UNet.model(model_file, UNet.settings([threshold: threshold], more))
try {
	def seg = model.segment(imp)
	def rois = seg.rois()
	count = rois.size()
	def overlay = new Overlay()
	rois.each { overlay.add(it) }
	imp.setOverlay(overlay)
	RoiSets.write(roi_set_file.toPath(), rois)
	if (!GraphicsEnvironment.isHeadless()) {
		imp.show()
		seg.probability().show()
		def manager = RoiManager.getRoiManager()
		rois.each { manager.addRoi(it) }
	}
	println "${count} object(s) in ${imp.title}; ROI set: ${roi_set_file}"
} finally {
	model.close()
}
