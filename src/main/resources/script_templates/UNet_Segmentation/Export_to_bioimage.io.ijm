#@ File (label = "Model file written by Train UNet (.zip)") model_file
#@ File (label = "bioimage.io package to write (.zip)", style = "save") package_file

// Exports a trained model to a bioimage.io package (rdf.yaml 0.5, ONNX weights) for deepImageJ and the model zoo.
run("Export UNet to bioimage.io", "model_file=[" + model_file + "] package_file=[" + package_file + "]");
