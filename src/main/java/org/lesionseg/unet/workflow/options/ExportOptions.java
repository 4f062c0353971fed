package org.lesionseg.unet.workflow.options;

import java.nio.file.Path;

/**
 * The options of an export to a bioimage.io model package: Export UNet to bioimage.io and {@code unet export}. Empty
 * texts mean "the sensible default" (the model file's name, the user's name, the U-Net paper), chosen by the request.
 */
public final class ExportOptions {

	private ExportOptions() {
	}

	public static final Option<Path> PACKAGE_FILE = Option
		.file("package_file", "The bioimage.io package (.zip) to write; not the model file").flag("--output").required().valueHint("FILE.zip");
	public static final Option<String> NAME = Option.text("name", "", "The model's name in the package; empty for the model file's name");
	public static final Option<String> DESCRIPTION = Option.text("description", "", "One or two sentences on what the model segments; empty for a generated one");
	public static final Option<String> AUTHORS = Option.text("authors", "", "Authors' names, separated by ';'; empty for your user name");
	public static final Option<String> LICENSE = Option.text("license", "CC-BY-4.0", "SPDX licence identifier of the model, e.g. CC-BY-4.0 or MIT")
		.check(l -> l.matches("[A-Za-z0-9.+-]+"), l -> "licence '" + l + "' is not an SPDX identifier such as CC-BY-4.0, MIT or BSD-3-Clause");
	public static final Option<String> CITATION = Option.text("citation", "",
		"What to cite for this model (your paper or data set); the U-Net paper is always cited");
	public static final Option<String> CITATION_LINK = Option.text("citation_link", "", "DOI (10.xxx/...) or URL of the citation");
	public static final Option<String> TAGS = Option.text("tags", "unet,segmentation,2d,binary-segmentation,fiji",
		"Tags, separated by ','");
	public static final Option<Path> TEST_IMAGE = Option
		.file("test_image", "An image for the test tensors and the cover; empty for the first test image the model was evaluated on").valueHint("FILE");

	public static final OptionSet SET = OptionSet.builder("export")
		.section("files").add(SegmentOptions.MODEL_FILE, PACKAGE_FILE, TEST_IMAGE)
		.section("description").add(NAME, DESCRIPTION, AUTHORS, LICENSE, CITATION, CITATION_LINK, TAGS)
		.section("prediction").add(CommonOptions.THRESHOLD)
		.note("Writes one .zip: rdf.yaml (bioimage.io format 0.5), weights.onnx, test_input.npy, test_output.npy, cover.png,")
		.note("documentation.md and the model file itself. Prints the package's path, size and the ONNX check.")
		.build();
}
