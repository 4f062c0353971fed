package org.lesionseg.unet.plugins;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.cli.UnetCli;
import org.lesionseg.unet.core.data.ImageFiles;
import org.lesionseg.unet.core.predict.ObjectTable;
import org.lesionseg.unet.ij.RoiSets;
import org.lesionseg.unet.workflow.FixedModels;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

import ij.IJ;
import ij.ImagePlus;
import ij.gui.Roi;
import ij.measure.Calibration;
import ij.measure.ResultsTable;

/**
 * The same request from Fiji and from the command line gives the same files and the same object table: Segment Folder
 * with UNet against {@code unet predict} on sample-data slices, and Segment with UNet on an opened slice against the
 * slice's rows of {@code objects.csv}. The model is written directly (fixed weights, no training), so the test does
 * not depend on how well a network learns; the threshold is taken from its probability map so that objects are found.
 */
class SameRequestEverywhereTest {

	private static final String[] SLICES = { "sub-strokecase0009_z036.png", "sub-strokecase0009_z038.png", "sub-strokecase0009_z040.png" };

	private static Context context;

	@TempDir
	Path dir;

	@BeforeAll
	static void startContext() {
		context = new Context(CommandService.class);
	}

	@AfterAll
	static void stopContext() {
		context.dispose();
	}

	private Path model() {
		return FixedModels.grey(dir.resolve("fixed.zip"), 7);
	}

	private String cli(String... args) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
		int code = new UnetCli(new PrintStream(out, true), new PrintStream(err, true)).run(args);
		String text = new String(out.toByteArray(), StandardCharsets.UTF_8) + new String(err.toByteArray(), StandardCharsets.UTF_8);
		assertEquals(0, code, text);
		return text;
	}

	/** A threshold that marks about the brightest tenth of a probability map, so that the fixed network finds objects. */
	private double thresholdFor(Path model, Path images) throws IOException {
		Path probe = dir.resolve("probe");
		cli("predict", "--model", model.toString(), "--input", images.resolve(SLICES[1]).toString(), "--output", probe.toString(), "--no-mask",
			"--no-rois", "--device", "cpu");
		float[] p = ImageFiles.read(probe.resolve(SLICES[1].replace(".png", "_prob.tif"))).plane(0).clone();
		Arrays.sort(p);
		double t = p[(int) (0.9 * (p.length - 1))];
		assertTrue(t > 0 && t < 1 && p[p.length - 1] > t, "the probability map varies: " + p[0] + ".." + p[p.length - 1]);
		return t;
	}

	private static List<String> names(Path folder) throws IOException {
		try (Stream<Path> s = Files.list(folder)) {
			return s.map(f -> f.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().collect(Collectors.toList());
		}
	}

	@Test
	void fijiAndTheCommandLineGiveTheSameFilesAndTheSameObjects() throws IOException {
		Path images = Files.createDirectories(dir.resolve("images"));
		for (String s : SLICES)
			Files.copy(Paths.get("sample-data/isles22-case0009/images").resolve(s), images.resolve(s));
		Path model = model();
		double threshold = thresholdFor(model, images);

		Path fromCli = dir.resolve("cli"), fromFiji = dir.resolve("fiji");
		cli("predict", "--model", model.toString(), "--input", images.toString(), "--output", fromCli.toString(), "--threshold",
			Double.toString(threshold), "--min-size", "3", "--device", "cpu");
		CommandModule folder = PluginTests.run(context, SegmentFolderWithUNet.class, "model_file", model.toFile(), "input_folder", images.toFile(),
			"output_folder", fromFiji.toFile(), "threshold", threshold, "min_size", 3, "device", "cpu");
		assertFalse(folder.isCanceled(), String.valueOf(folder.getCancelReason()));

		// the same files, with the same content
		List<String> files = names(fromCli);
		assertEquals(files, names(fromFiji));
		assertEquals(3 * SLICES.length + 1, files.size(), files.toString());
		for (String f : files) {
			if (f.endsWith("_rois.zip")) {
				List<Roi> a = RoiSets.read(fromCli.resolve(f)), b = RoiSets.read(fromFiji.resolve(f));
				assertEquals(a.size(), b.size(), f);
				for (int i = 0; i < a.size(); i++) {
					assertEquals(a.get(i).getName(), b.get(i).getName(), f);
					assertEquals(a.get(i).getBounds(), b.get(i).getBounds(), f);
					assertArrayEquals(a.get(i).getContainedPoints(), b.get(i).getContainedPoints(), f);
				}
			} else {
				assertArrayEquals(Files.readAllBytes(fromCli.resolve(f)), Files.readAllBytes(fromFiji.resolve(f)), f);
			}
		}
		List<String> csv = Files.readAllLines(fromCli.resolve("objects.csv"));
		assertEquals(String.join(",", ObjectTable.PIXEL_COLUMNS), csv.get(0));
		assertTrue(csv.size() > 1, "the fixed network finds objects at threshold " + threshold);

		// an opened slice through Segment with UNet: the table has the columns and rows of objects.csv for that slice
		String slice = SLICES[1];
		String name = slice.replace(".png", "");
		List<String[]> rows = new ArrayList<>();
		for (String line : csv.subList(1, csv.size()))
			if (line.startsWith(name + ","))
				rows.add(line.split(","));
		assertFalse(rows.isEmpty(), "objects on " + name);
		ImagePlus opened = IJ.openImage(images.resolve(slice).toString());
		ResultsTable table = segmentOpen(opened, model, threshold);
		assertEquals(ObjectTable.PIXEL_COLUMNS, Arrays.asList(table.getHeadings()));
		sameRows(rows, table);
		assertEquals(RoiSets.read(fromCli.resolve(name + "_rois.zip")).size(), table.size());

		// calibrated: the same pixel columns, plus the area and centroid in the image's unit
		ImagePlus calibrated = IJ.openImage(images.resolve(slice).toString());
		Calibration cal = calibrated.getCalibration();
		cal.pixelWidth = 0.5;
		cal.pixelHeight = 0.25;
		cal.setUnit("mm");
		ResultsTable mm = segmentOpen(calibrated, model, threshold);
		List<String> header = new ArrayList<>(ObjectTable.PIXEL_COLUMNS);
		header.addAll(ObjectTable.CALIBRATED_COLUMNS);
		assertEquals(header, Arrays.asList(mm.getHeadings()));
		sameRows(rows, mm);
		for (int r = 0; r < mm.size(); r++) {
			assertEquals(mm.getValue("area_px", r) * 0.125, mm.getValue("area_calibrated", r), 1e-9);
			assertEquals(mm.getValue("centroid_x", r) * 0.5, mm.getValue("centroid_x_calibrated", r), 1e-9);
			assertEquals(mm.getValue("centroid_y", r) * 0.25, mm.getValue("centroid_y_calibrated", r), 1e-9);
			assertEquals("mm", mm.getStringValue("unit", r));
		}
	}

	private static ResultsTable segmentOpen(ImagePlus imp, Path model, double threshold) {
		CommandModule m = PluginTests.run(context, SegmentWithUNet.class, "image", imp, "model_file", model.toFile(), "threshold", threshold, "min_size", 3,
			"device", "cpu");
		assertFalse(m.isCanceled(), String.valueOf(m.getCancelReason()));
		return ((SegmentWithUNet) m.getCommand()).objectsTable();
	}

	/** The CSV rows (6 significant digits) and the table's rows hold the same values, column by column. */
	private static void sameRows(List<String[]> csvRows, ResultsTable table) {
		assertEquals(csvRows.size(), table.size());
		for (int r = 0; r < csvRows.size(); r++) {
			String[] row = csvRows.get(r);
			assertEquals(row[0], table.getStringValue("image", r));
			for (int c = 1; c < ObjectTable.PIXEL_COLUMNS.size(); c++) {
				String column = ObjectTable.PIXEL_COLUMNS.get(c);
				double expected = Double.parseDouble(row[c]);
				assertEquals(expected, table.getValue(column, r), Math.abs(expected) * 1e-5 + 1e-9, column + " of row " + r);
			}
		}
	}
}
