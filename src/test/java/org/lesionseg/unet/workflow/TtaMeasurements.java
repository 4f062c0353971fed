package org.lesionseg.unet.workflow;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.lesionseg.unet.core.data.ImageFiles;
import org.lesionseg.unet.core.data.LoadedImage;
import org.lesionseg.unet.core.data.MaskPolicy;
import org.lesionseg.unet.core.engine.DeviceChoice;
import org.lesionseg.unet.core.interop.OnnxRuntime;
import org.lesionseg.unet.core.predict.MaskPostprocessing;
import org.lesionseg.unet.core.predict.Segmenter;
import org.lesionseg.unet.core.predict.TestTimeAugmentation;
import org.lesionseg.unet.core.predict.TiledPredictor;
import org.lesionseg.unet.core.predict.UncertaintyScore;

/**
 * The measurements of the "Uncertainty" section of docs/command-line.md (not a test: run by hand). For each runtime
 * (torch, onnx) and test-time augmentation (none, flips, dihedral): seconds per image, pooled Dice of the mean
 * probability at 0.5, and with augmentation the mean uncertainty on wrong and right pixels, the AUC of the uncertainty
 * as a detector of wrong pixels, and each slice's uncertainty score beside its Dice.
 * <p>
 * Arguments: model file, images folder, masks folder (same names).
 */
public final class TtaMeasurements {

	private TtaMeasurements() {
	}

	public static void main(String[] args) throws Exception {
		Path model = Paths.get(args[0]), images = Paths.get(args[1]), masks = Paths.get(args[2]);
		List<Path> files;
		try (Stream<Path> list = Files.list(images)) {
			files = list.sorted().collect(Collectors.toList());
		}
		for (String runtime : new String[] { "onnx", "torch" })
			for (TestTimeAugmentation.Transforms tta : TestTimeAugmentation.Transforms.values()) {
				TiledPredictor.Options tiling = new TiledPredictor.Options();
				tiling.augmentation = tta;
				Segmenter.Runtime rt = "onnx".equals(runtime) ? new OnnxRuntime(0) : Segmenter.ENGINE;
				try (Segmenter segmenter = new Segmenter(Collections.singletonList(model), DeviceChoice.parse("cpu"), tiling, rt)) {
					List<double[]> pairs = new ArrayList<>();
					long tp = 0, fp = 0, fn = 0;
					double seconds = 0;
					StringBuilder slices = new StringBuilder();
					for (int f = -1; f < files.size(); f++) {
						Path file = files.get(Math.max(0, f)); // the first image once more as a warm-up, not timed
						LoadedImage image = ImageFiles.read(file);
						byte[] truth = ImageFiles.readMask(masks.resolve(file.getFileName()), MaskPolicy.STRICT);
						long start = System.nanoTime();
						float[][] maps = segmenter.maps(image.name(), image.plane(0), image.width(), image.height(), 1, image.bitDepth());
						if (f < 0)
							continue;
						seconds += (System.nanoTime() - start) / 1e9;
						byte[] predicted = new byte[truth.length];
						long stp = 0, sfp = 0, sfn = 0;
						for (int i = 0; i < truth.length; i++) {
							boolean t = truth[i] != 0, p = maps[0][i] > 0.5f;
							predicted[i] = (byte) (p ? 1 : 0);
							stp += t && p ? 1 : 0;
							sfp += !t && p ? 1 : 0;
							sfn += t && !p ? 1 : 0;
							if (maps.length > 1)
								pairs.add(new double[] { maps[1][i], t != p ? 1 : 0 });
						}
						tp += stp;
						fp += sfp;
						fn += sfn;
						if (maps.length > 1) {
							MaskPostprocessing.Result objects = MaskPostprocessing.process(maps[0], image.width(), image.height(), new MaskPostprocessing.Options());
							UncertaintyScore score = UncertaintyScore.of(maps[0], maps[1], objects.mask(), image.width(), image.height());
							slices.append(String.format(Locale.ROOT, "  %s: score %.4f over %d px, Dice %.3f, truth %d px%n", image.name(), score.score(),
								score.regionPixels(), 2.0 * stp / Math.max(1, 2 * stp + sfp + sfn), stp + sfn));
						}
					}
					System.out.printf(Locale.ROOT, "%s, tta %s: %.3f s per image; pooled Dice %.4f", runtime, tta.key(), seconds / files.size(),
						2.0 * tp / Math.max(1, 2 * tp + fp + fn));
					if (!pairs.isEmpty()) {
						double wrong = 0, right = 0;
						long nWrong = 0;
						for (double[] p : pairs)
							if (p[1] == 1) {
								wrong += p[0];
								nWrong++;
							} else
								right += p[0];
						System.out.printf(Locale.ROOT, "; mean uncertainty on wrong pixels %.4f (%d), on right pixels %.5f (%d); AUC %.3f", wrong / nWrong, nWrong,
							right / (pairs.size() - nWrong), pairs.size() - nWrong, DiffusionMeasurements.auc(pairs));
					}
					System.out.println();
					System.out.print(slices);
				}
			}
	}
}
