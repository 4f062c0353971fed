package org.lesionseg.unet.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.data.MaskPolicy;
import org.lesionseg.unet.core.data.Normalization;
import org.lesionseg.unet.core.modelfile.ModelFile;
import org.lesionseg.unet.core.modelfile.TrainingSettings;
import org.lesionseg.unet.core.train.EpochRecord;
import org.lesionseg.unet.core.train.TrainingListener;
import org.lesionseg.unet.workflow.options.Option;
import org.lesionseg.unet.workflow.options.TrainOptions;

/** Settings given as "auto": chosen from the data, the device's memory, the optimizer and the epochs, and recorded. */
class AutoSettingsTest {

	private static final long GB = 1_000_000_000L;
	private static final String[] ALL_AUTO = { "batch_size", "auto", "image_size", "auto", "learning_rate", "auto", "scheduler", "auto", "patience", "auto" };

	@TempDir
	Path dir;

	/** Images of side x side with a square lesion in the middle, as an open image would give them. */
	private static LabelledSource planes(int count, int side) {
		List<LabelledSource.Plane> planes = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			float[] image = new float[side * side], mask = new float[side * side];
			for (int y = 0; y < side; y++)
				for (int x = 0; x < side; x++) {
					boolean lesion = Math.abs(x - side / 2) < side / 8 + i % 3 && Math.abs(y - side / 2) < side / 8;
					image[y * side + x] = lesion ? 200 : 30 + (x * 7 + y * 3 + i) % 40;
					mask[y * side + x] = lesion ? 255 : 0;
				}
			planes.add(new LabelledSource.Plane("p" + i, image, side, side, 1, "p" + i + " mask", mask));
		}
		return LabelledSource.planes("open", planes, 8);
	}

	private TrainRequest request(LabelledSource data, String... keyValues) {
		Map<String, String> m = new LinkedHashMap<>();
		m.put("model_file", dir.resolve("m.zip").toString());
		for (int i = 0; i < keyValues.length; i += 2)
			m.put(keyValues[i], keyValues[i + 1]);
		return TrainRequest.of(TrainOptions.SET.parse(m, Option.Where.EVERYWHERE), data, dir.resolve("m.zip"), null, false, null);
	}

	private static String[] with(String[] first, String... more) {
		List<String> all = new ArrayList<>(Arrays.asList(first));
		all.addAll(Arrays.asList(more));
		return all.toArray(new String[0]);
	}

	private static TrainingSettings chosen(TrainRequest r, LabelledSource data, long memory) {
		return r.chooseAuto(data.read(Normalization.SCALE_01, MaskPolicy.STRICT), memory, "cpu").settings;
	}

	@Test
	void autoValuesFollowTheDataTheDeviceMemoryTheOptimizerAndTheEpochs() {
		LabelledSource big = planes(20, 384), few = planes(5, 384);
		TrainRequest adam = request(big, with(ALL_AUTO, "epochs", "40", "base_features", "32"));
		assertEquals(Arrays.asList("image_size", "batch_size", "learning_rate", "scheduler", "patience"), new ArrayList<>(adam.auto));
		TrainingSettings roomy = chosen(adam, big, 64 * GB), tight = chosen(adam, big, 8 * GB), tiny = chosen(adam, big, GB);
		// the image size is the data's (a multiple of 2^4) while a batch of 2 fits; less memory halves it
		assertEquals(384, roomy.imageSize);
		assertEquals(384, tight.imageSize);
		assertTrue(tiny.imageSize < 384 && tiny.imageSize % 16 == 0, "1 GB: " + tiny.imageSize);
		// the batch grows with the memory, up to the 12 training images (20 less 20% validation and 20% test)
		assertEquals(12, roomy.batchSize);
		assertTrue(tight.batchSize >= 2 && tight.batchSize < roomy.batchSize, "8 GB: " + tight.batchSize);
		assertTrue(chosen(request(few, ALL_AUTO), few, 64 * GB).batchSize <= 3, "5 images leave 3 for training");
		assertEquals(1e-3f, roomy.learningRate);
		assertEquals("cosine:warmup=1,min=0.00001", roomy.scheduler, "40 epochs: warm up, then decay to 1% of adam's rate");
		assertEquals(10, roomy.patience);
		assertEquals(Arrays.asList("image_size", "batch_size", "learning_rate", "scheduler", "patience"), new ArrayList<>(roomy.auto.keySet()));
		// sgd's usual rate; no validation images: nothing to stop early on
		TrainingSettings sgd = chosen(request(big, with(ALL_AUTO, "optimizer", "sgd", "val_fraction", "0")), big, 64 * GB);
		assertEquals(1e-2f, sgd.learningRate);
		assertEquals(0, sgd.patience);
		assertEquals("constant", chosen(request(big, with(ALL_AUTO, "epochs", "9")), big, 64 * GB).scheduler, "9 epochs are too few to decay over");
		// a given value stays as given, and is not noted as auto
		TrainingSettings given = chosen(request(big, "batch_size", "3", "image_size", "auto"), big, 64 * GB);
		assertEquals(3, given.batchSize);
		assertEquals(Arrays.asList("image_size"), new ArrayList<>(given.auto.keySet()));
		String line = adam.chooseAuto(big.read(Normalization.SCALE_01, MaskPolicy.STRICT), 8 * GB, "cpu").line;
		assertTrue(line.startsWith("auto settings: batch " + tight.batchSize + " (8.0 GB cpu memory, about "), line);
		assertTrue(line.contains("image size 384 (median image 384×384)") && line.contains("learning rate 0.001 (adam's usual)")
			&& line.contains("patience 10 (a quarter of 40 epochs, at least 5)") && !line.contains("\n"), line);
	}

	@Test
	void autoOnAnOptionWithoutItIsOneLine() {
		Map<String, String> epochs = new LinkedHashMap<>();
		epochs.put("epochs", "auto");
		assertEquals("epochs has no auto setting: give a whole number at least 1; auto works for image_size, batch_size, learning_rate, scheduler or patience",
			assertThrows(UnetException.class, () -> TrainOptions.SET.parse(epochs, Option.Where.FIJI)).getMessage());
		Map<String, String> dropout = new LinkedHashMap<>();
		dropout.put("--dropout", "AUTO");
		assertEquals("--dropout has no auto setting: give a number at least 0 and less than 1; auto works for --image-size, --batch-size, --learning-rate, --scheduler or --patience",
			assertThrows(UnetException.class, () -> TrainOptions.SET.parse(dropout, Option.Where.COMMAND_LINE)).getMessage());
		// without auto the defaults stand, and nothing is noted
		assertTrue(request(planes(4, 32)).auto.isEmpty());
	}

	@Test
	void aTinyTrainingStoresTheChosenValuesInTheModelFile() {
		Path model = dir.resolve("m.zip");
		TrainRequest r = request(planes(8, 32),
			with(ALL_AUTO, "epochs", "1", "depth", "2", "base_features", "4", "val_fraction", "0.25", "test_fraction", "0", "augment", "none", "device", "cpu",
				"loader_threads", "1"));
		List<String> messages = new ArrayList<>();
		TrainingJob.run(r, new TrainingListener() {
			@Override
			public void message(String text) {
				messages.add(text);
			}

			@Override
			public void epochDone(EpochRecord record, int epochs, boolean improved, double etaSeconds) {
			}
		}, new AtomicBoolean());
		String line = messages.stream().filter(m -> m.startsWith("auto settings: ")).findFirst().orElse("none in " + messages);
		TrainingSettings stored = ModelFile.readInfo(model).settings;
		assertTrue(line.startsWith("auto settings: batch " + stored.batchSize + " ("), line);
		assertEquals(6, stored.batchSize, "as many as fit: the 6 training images");
		assertEquals(32, stored.imageSize);
		assertEquals(1e-3f, stored.learningRate);
		assertEquals(5, stored.patience);
		assertEquals("constant", stored.scheduler, "one epoch: nothing to decay");
		assertEquals(Arrays.asList("image_size", "batch_size", "learning_rate", "scheduler", "patience"), new ArrayList<>(stored.auto.keySet()));
		assertFalse(stored.auto.get("batch_size").isEmpty());
		// unet info (and UNet Engine Info) says which were chosen and why
		assertTrue(InfoReport.lines(model, Spelling.COMMAND_LINE).contains("  auto batch_size: " + stored.auto.get("batch_size")), InfoReport.lines(model,
			Spelling.COMMAND_LINE).toString());
		assertNull(new TrainingSettings().auto, "settings that were given have no note");
	}
}
