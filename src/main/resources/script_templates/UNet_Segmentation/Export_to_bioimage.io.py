#@ File (label = "Model file written by Train UNet (.zip)") model_file
#@ File (label = "bioimage.io package to write (.zip)", style = "save") package_file
#@ String (label = "Other export settings (key=value: name, authors, license, ...)", value = "", required = false) more

# Exports a trained model to a bioimage.io package (rdf.yaml 0.5, ONNX weights, test tensors, cover) for deepImageJ,
# the bioimage.io model zoo or bioimageio.core, as "Export UNet to bioimage.io" does.
from org.lesionseg.unet.script import UNet

written = UNet.exportToBioImageIo(model_file, package_file, UNet.settings({}, more))
print("bioimage.io package: %s (%d bytes; ONNX within %g of the engine on the test image)" % (written.packageFile, written.bytes, written.maxDifference))
