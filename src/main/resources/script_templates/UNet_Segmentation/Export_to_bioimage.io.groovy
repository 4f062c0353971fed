#@ File (label = "Model file written by Train UNet (.zip)") model_file
#@ File (label = "bioimage.io package to write (.zip)", style = "save") package_file
#@ String (label = "Other export settings (key=value: name, authors, license, ...)", value = "", required = false) more

// Exports a trained model to a bioimage.io package (rdf.yaml 0.5, ONNX weights, test tensors, cover) for deepImageJ,
// the bioimage.io model zoo or bioimageio.core, as "Export UNet to bioimage.io" does.
import org.lesionseg.unet.script.UNet

def written = UNet.exportToBioImageIo(model_file, package_file, UNet.settings([:], more))
println "bioimage.io package: ${written.packageFile} (${written.bytes} bytes; ONNX within ${written.maxDifference} of the engine on the test image)"
