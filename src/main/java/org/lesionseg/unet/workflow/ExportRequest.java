package org.lesionseg.unet.workflow;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.interop.BioImageIoPackageWriter;
import org.lesionseg.unet.workflow.options.CommonOptions;
import org.lesionseg.unet.workflow.options.ExportOptions;
import org.lesionseg.unet.workflow.options.OptionValues;

/**
 * An export of a model file to a bioimage.io package, typed and checked once whichever entry point asked for it
 * (Export UNet to bioimage.io, {@code unet export}, a script): the model, the package file, the test image (or
 * none: the model's own first test image) and what the package says about itself.
 */
public final class ExportRequest {

	/** The U-Net paper, cited by every package. */
	static final BioImageIoPackageWriter.Citation UNET_PAPER = new BioImageIoPackageWriter.Citation(
		"Ronneberger, O., Fischer, P., Brox, T. U-Net: Convolutional Networks for Biomedical Image Segmentation. MICCAI 2015.",
		"10.1007/978-3-319-24574-4_28", null);

	private final Path model;
	private final Path packageFile;
	private final Path testImage;
	private final float threshold;
	private final String name;
	private final String description;
	private final List<String> authors;
	private final String license;
	private final BioImageIoPackageWriter.Citation citation;
	private final List<String> tags;

	private ExportRequest(Path model, Path packageFile, Path testImage, float threshold, String name, String description, List<String> authors,
		String license, BioImageIoPackageWriter.Citation citation, List<String> tags) {
		this.model = model;
		this.packageFile = packageFile;
		this.testImage = testImage;
		this.threshold = threshold;
		this.name = name;
		this.description = description;
		this.authors = authors;
		this.license = license;
		this.citation = citation;
		this.tags = tags;
	}

	/** The export the parsed values ask for ({@link ExportOptions#SET}). */
	public static ExportRequest of(OptionValues values, Spelling spelling) {
		Path model = values.get(org.lesionseg.unet.workflow.options.SegmentOptions.MODEL_FILE);
		RequestChecks.modelFile(model, spelling);
		Path out = values.get(ExportOptions.PACKAGE_FILE);
		if (out == null)
			throw new UnetException("export needs " + spelling.of(ExportOptions.PACKAGE_FILE) + ": the .zip file to write");
		if (!out.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".zip"))
			throw new UnetException(spelling.of(ExportOptions.PACKAGE_FILE) + " " + out + " must end in .zip (a bioimage.io package is one zip file)");
		if (Files.isDirectory(out))
			throw new UnetException(spelling.of(ExportOptions.PACKAGE_FILE) + " " + out + " is a folder: give a file name ending in .zip");
		if (RequestChecks.canonical(out).equals(RequestChecks.canonical(model)))
			throw new UnetException(spelling.of(ExportOptions.PACKAGE_FILE) + " is the model file itself: choose another name so that the model stays");
		Path test = values.get(ExportOptions.TEST_IMAGE);
		if (test != null && !Files.isRegularFile(test))
			throw new UnetException(spelling.of(ExportOptions.TEST_IMAGE) + " " + test + " is not a file");
		List<String> authors = split(values.get(ExportOptions.AUTHORS), ";");
		if (authors.isEmpty())
			authors.add(System.getProperty("user.name", "unknown"));
		String text = values.get(ExportOptions.CITATION).trim(), link = values.get(ExportOptions.CITATION_LINK).trim();
		if (text.isEmpty() && !link.isEmpty())
			throw new UnetException(spelling.of(ExportOptions.CITATION_LINK) + " is given without " + spelling.of(ExportOptions.CITATION)
				+ ": say what the link points to");
		BioImageIoPackageWriter.Citation citation = text.isEmpty() ? null
			: new BioImageIoPackageWriter.Citation(text, link.startsWith("10.") ? link : null, link.startsWith("10.") || link.isEmpty() ? null : link);
		if (citation != null && !link.isEmpty() && citation.url != null && !link.matches("https?://\\S+"))
			throw new UnetException(spelling.of(ExportOptions.CITATION_LINK) + " '" + link + "' is neither a DOI (10.xxx/...) nor a URL (https://...)");
		double threshold = values.get(CommonOptions.THRESHOLD);
		return new ExportRequest(model, out, test, (float) threshold, values.get(ExportOptions.NAME).trim(), values.get(ExportOptions.DESCRIPTION).trim(),
			authors, values.get(ExportOptions.LICENSE), citation, split(values.get(ExportOptions.TAGS), ","));
	}

	private static List<String> split(String text, String separator) {
		return Arrays.stream(text.split(separator)).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toCollection(ArrayList::new));
	}

	public Path model() {
		return model;
	}

	public Path packageFile() {
		return packageFile;
	}

	/** The test image, or null for the model's own first test image. */
	public Path testImage() {
		return testImage;
	}

	public float threshold() {
		return threshold;
	}

	/** The package's description: the user's texts, with defaults from the model file's name and description. */
	BioImageIoPackageWriter.Metadata metadata(String modelSummary) {
		BioImageIoPackageWriter.Metadata m = new BioImageIoPackageWriter.Metadata();
		String base = model.getFileName().toString().replaceAll("(?i)\\.zip$", "");
		// bioimage.io names: letters, digits, spaces and a few signs, at most 128 characters
		m.name = (name.isEmpty() ? "UNet " + base : name).replaceAll("[^A-Za-z0-9 _+().,-]", " ").replaceAll("\\s+", " ").trim();
		if (m.name.length() > 128)
			m.name = m.name.substring(0, 128).trim();
		m.description = description.isEmpty() ? "Binary segmentation of 2D images with a U-Net trained in Fiji (UNet Segmentation plugin): " + modelSummary
			: description;
		m.authors.addAll(authors);
		m.license = license;
		if (citation != null)
			m.cite.add(citation);
		m.cite.add(UNET_PAPER);
		m.tags.addAll(tags);
		return m;
	}
}
