package org.lesionseg.unet.plugins;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import org.lesionseg.unet.core.data.MaskPolicy;
import org.lesionseg.unet.core.data.Normalization;
import org.lesionseg.unet.core.data.Pairing;
import org.lesionseg.unet.core.modelfile.TrainingSettings;
import org.lesionseg.unet.workflow.LabelledImages;
import org.lesionseg.unet.workflow.TrainingJob;
import org.scijava.Context;
import org.scijava.command.Command;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

import ij.ImagePlus;
import ij.WindowManager;
import ij.macro.Interpreter;

/** Shared helpers of the plugin tests: a model that segments {@link Blobs} well, and running commands as a macro would. */
final class PluginTests {

	private static Path blobModel;
	private static Path sharedDir;

	private PluginTests() {
	}

	/** The project's sample data. */
	static Path sampleData() {
		return Paths.get("sample-data").toAbsolutePath();
	}

	/** A temporary folder for the whole test run, deleted when the JVM ends. */
	static synchronized Path sharedDir() throws IOException {
		if (sharedDir == null) {
			sharedDir = Files.createTempDirectory("unet-plugin-tests");
			Path dir = sharedDir;
			Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
		}
		return sharedDir;
	}

	/**
	 * A small U-Net trained once per test run on 64 blob images of 32×32 (a few seconds). It is trained with the
	 * workflow directly, not with the commands under test, and must reach a test Dice above 0.8.
	 */
	static synchronized Path blobModel() throws IOException {
		if (blobModel != null)
			return blobModel;
		Path dir = sharedDir().resolve("blob-model");
		Blobs.writeFolders(dir, 64, 32, 3);
		TrainingSettings s = blobSettings();
		LabelledImages data = LabelledImages.fromFolders(dir.resolve("images"), dir.resolve("masks"), Pairing.BY_NAME, MaskPolicy.STRICT,
			Normalization.fromName(s.normalization));
		Path model = dir.resolve("blob-model.zip");
		TrainingJob.Outcome o = EngineContext.call(() -> TrainingJob.run(data, org.lesionseg.unet.core.train.TrainingConfig.of(s), model, null, false, null, null, new AtomicBoolean()));
		if (o.test.summary.pooledDice() < 0.8)
			throw new IllegalStateException("the blob model learned too little: test Dice " + o.test.summary.pooledDice());
		blobModel = model;
		return model;
	}

	/** Settings under which a tiny U-Net learns the blobs reliably. */
	static TrainingSettings blobSettings() {
		TrainingSettings s = new TrainingSettings();
		s.imageSize = 32;
		s.baseFeatures = 8;
		s.depth = 2;
		s.epochs = 14;
		s.batchSize = 4;
		s.learningRate = 1e-2f;
		s.augment = "none";
		s.seed = 1;
		s.device = "cpu";
		s.loaderThreads = 1;
		return s;
	}

	/** Runs a command with its inputs given as key, value pairs, as a macro would, and waits for it. */
	static CommandModule run(Context context, Class<? extends Command> command, Object... keysAndValues) {
		Map<String, Object> inputs = new LinkedHashMap<>();
		for (int i = 0; i < keysAndValues.length; i += 2)
			inputs.put((String) keysAndValues[i], keysAndValues[i + 1]);
		try {
			return context.service(CommandService.class).run(command, true, inputs).get();
		} catch (InterruptedException | ExecutionException e) {
			throw new IllegalStateException("command " + command.getSimpleName() + " failed: " + e, e);
		}
	}

	/** Makes images "open" the way a batch-mode macro opens them (no windows): commands find them by title. */
	static void open(ImagePlus... images) {
		Interpreter.batchMode = true;
		for (ImagePlus imp : images)
			Interpreter.addBatchModeImage(imp);
	}

	/** Closes every batch-mode image and leaves batch mode. */
	static void closeAll() {
		int[] ids = WindowManager.getIDList();
		if (ids != null)
			for (int id : ids)
				Interpreter.removeBatchModeImage(WindowManager.getImage(id));
		Interpreter.batchMode = false;
	}

	static void deleteTree(Path dir) {
		if (!Files.exists(dir))
			return;
		try (Stream<Path> walk = Files.walk(dir)) {
			walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}
}
