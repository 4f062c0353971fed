package org.lesionseg.unet.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.core.data.MaskPolicy;
import org.lesionseg.unet.core.data.Pairing;
import org.lesionseg.unet.core.report.Panel;

/**
 * Evaluation gives its panels as images and writes nothing unless asked; the report writer saves exactly those images.
 * Real sample-data slices and masks, a model with fixed weights.
 */
class EvaluationPanelsTest {

	@TempDir
	Path dir;

	private EvaluateRequest.Builder request(Path model) throws IOException {
		Path images = Files.createDirectories(dir.resolve("images")), masks = Files.createDirectories(dir.resolve("masks"));
		Path source = Paths.get("sample-data/isles22-case0009");
		for (int z : new int[] { 30, 36, 38, 40 }) {
			String name = String.format("sub-strokecase0009_z%03d.png", z);
			Files.copy(source.resolve("images").resolve(name), images.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
			Files.copy(source.resolve("masks").resolve(name), masks.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
		}
		return EvaluateRequest.builder(model, EvaluateRequest.folders(images, masks, Pairing.BY_NAME), Spelling.COMMAND_LINE)
			.device("cpu");
	}

	private static List<String> tree(Path dir) throws IOException {
		try (Stream<Path> s = Files.walk(dir)) {
			return s.map(p -> dir.relativize(p).toString()).sorted().collect(Collectors.toList());
		}
	}

	@Test
	void panelsAreImagesAndOnlyAReportWritesThem() throws IOException {
		Path model = FixedModels.grey(dir.resolve("fixed.zip"), 3);
		EvaluateRequest.Builder b = request(model);
		List<String> before = tree(dir);
		Evaluation.Outcome shown = Evaluation.run(b.panels(3).build(), new Evaluation.Listener() {
		});
		assertEquals(4, shown.images.size());
		assertEquals(3, shown.panels.size());
		for (Panel p : shown.panels) {
			// 112 px slices are enlarged 3x into three tiles: image | truth | prediction
			assertEquals(16 + 3 * 336 + 2 * 12 + 16, p.image().getWidth(), p.name());
			assertTrue(p.name().startsWith("sub-strokecase0009_z0"), p.name());
		}
		assertEquals(before, tree(dir), "without a report folder nothing is written, not even a temporary folder");

		Path report = dir.resolve("report");
		Evaluation.Outcome saved = Evaluation.run(request(model).panels(2).report(report).build(), new Evaluation.Listener() {
		});
		List<String> written = new ArrayList<>();
		try (Stream<Path> s = Files.list(report.resolve("panels"))) {
			s.forEach(p -> written.add(p.getFileName().toString()));
		}
		assertEquals(2, written.size(), written.toString());
		for (Panel p : saved.panels) {
			BufferedImage png = ImageIO.read(report.resolve("panels").resolve(p.name() + "_panel.png").toFile());
			assertEquals(p.image().getWidth(), png.getWidth());
			assertEquals(p.image().getRGB(200, 200), png.getRGB(200, 200));
		}
		assertEquals(5, Files.readAllLines(report.resolve("metrics.csv")).size());
	}

	@Test
	void panelsShowTheBestTheMedianAndTheWorstImage() throws IOException {
		assertEquals(List.of(0, 3, 6), Evaluation.spreadRanks(7, 3));
		assertEquals(List.of(0, 2, 3, 4, 6), Evaluation.spreadRanks(7, 5));
		assertEquals(List.of(0, 1), Evaluation.spreadRanks(2, 6));
		assertEquals(List.of(), Evaluation.spreadRanks(0, 6));
		// a real evaluation: the panels go from the best Dice to the worst, and say which is which
		Evaluation.Outcome o = Evaluation.run(request(FixedModels.grey(dir.resolve("fixed.zip"), 3)).panels(3).build(), new Evaluation.Listener() {
		});
		List<Double> dice = new ArrayList<>();
		for (org.lesionseg.unet.core.metrics.ImageMetrics m : o.images)
			dice.add(m.dice());
		dice.sort(java.util.Collections.reverseOrder());
		assertEquals(3, o.panels.size());
		for (int i = 0; i < 3; i++) {
			String name = o.panels.get(i).name();
			double d = o.images.stream().filter(m -> m.name().equals(name)).findFirst().get().dice();
			assertEquals(dice.get(i == 0 ? 0 : i == 1 ? 1 : 3), d, 1e-12, name);
		}
	}
}
