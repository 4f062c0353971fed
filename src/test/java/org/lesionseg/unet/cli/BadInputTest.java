package org.lesionseg.unet.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.cli.TestImages.Kind;
import org.lesionseg.unet.core.modelfile.ModelBundle;
import org.lesionseg.unet.core.data.ImageFiles;
import org.lesionseg.unet.core.modelfile.ModelFile;
import org.lesionseg.unet.core.modelfile.ModelInfo;
import org.lesionseg.unet.core.model.UNetBlock;
import org.lesionseg.unet.core.model.UNetConfig;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Bad input through the command line, one case at a time: wrong folders, odd images and masks, invalid settings
 * and damaged or hostile model files. Each mistake must give exactly one line {@code error: ...} that names the
 * problem, exit code 2 and no stack trace; inputs that are unusual but valid (16-bit, float, RGB, stacks, label
 * masks, a 1-pixel or a 6000×6000 image) must work. The number of cases is printed at the end and written to
 * {@code target/robustness/bad-input-cases.txt}.
 */
class BadInputTest {

	/** The number of command lines checked by all tests of this class. */
	private static final AtomicInteger CASES = new AtomicInteger();

	@TempDir
	static Path shared;
	/** A tiny grey model trained once on 32×32 squares, for the prediction cases. */
	static Path greyModel;

	@TempDir
	Path dir;

	private final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();

	/** The options of a very small, fast training. */
	private static final String[] TINY = { "--epochs", "1", "--batch-size", "2", "--image-size", "32", "--base-features", "2", "--depth", "2",
		"--device", "cpu", "--augment", "none", "--val-fraction", "0.25", "--test-fraction", "0", "--loader-threads", "1" };

	@BeforeAll
	static void trainTheSharedModel() throws IOException {
		Path images = shared.resolve("images"), masks = shared.resolve("masks");
		TestImages.pairs(images, masks, 8, 32, Kind.GREY8);
		greyModel = shared.resolve("grey.zip");
		ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
		int code = new UnetCli(new PrintStream(o, true), new PrintStream(e, true)).run(concat(new String[] { "train", "--images", images.toString(),
			"--masks", masks.toString(), "--model", greyModel.toString() }, TINY));
		assertEquals(0, code, e.toString());
	}

	@AfterAll
	static void recordTheCount() throws IOException {
		String line = "bad-input cases checked through the command line: " + CASES.get();
		System.out.println(line);
		Path record = Path.of("target", "robustness", "bad-input-cases.txt");
		Files.createDirectories(record.getParent());
		Files.write(record, (line + "\n").getBytes(UTF_8));
	}

	// ---------------------------------------------------------------- helpers

	private static String[] concat(String[] a, String... b) {
		String[] all = Arrays.copyOf(a, a.length + b.length);
		System.arraycopy(b, 0, all, a.length, b.length);
		return all;
	}

	private int run(String... args) {
		out.reset();
		err.reset();
		return new UnetCli(new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8)).run(args);
	}

	private String out() {
		return new String(out.toByteArray(), UTF_8);
	}

	private String err() {
		return new String(err.toByteArray(), UTF_8);
	}

	/** Runs a command that must fail with one {@code error:} line containing every fragment; returns that line. */
	private String expectError(String[] args, String... fragments) {
		CASES.incrementAndGet();
		int code = run(args);
		String e = err();
		String context = String.join(" ", args) + "\nstdout: " + out() + "\nstderr: " + e;
		assertEquals(2, code, "exit code 2 for a user error: " + context);
		String[] lines = e.trim().split("\n");
		assertEquals(1, lines.length, "exactly one line on stderr: " + context);
		assertTrue(lines[0].startsWith("error: "), context);
		assertFalse(e.contains("\tat ") || e.contains("unexpected failure"), "no stack trace: " + context);
		for (String f : fragments)
			assertTrue(lines[0].contains(f), "'" + f + "' in: " + context);
		System.out.println("case " + CASES.get() + ": " + lines[0]);
		return lines[0];
	}

	/** Runs a command that must succeed; returns its standard output. */
	private String expectOk(String... args) {
		CASES.incrementAndGet();
		int code = run(args);
		assertEquals(0, code, String.join(" ", args) + "\nstdout: " + out() + "\nstderr: " + err());
		return out();
	}

	private String[] train(Path images, Path masks, String... extra) {
		return concat(concat(new String[] { "train", "--images", images.toString(), "--masks", masks.toString(), "--model",
			dir.resolve("m.zip").toString() }, TINY), extra);
	}

	/** A predict command; an option in {@code extra} replaces the default one (an option given twice is an error). */
	private String[] predict(Path model, Path input, String... extra) {
		java.util.List<String> args = new java.util.ArrayList<>(java.util.Arrays.asList("predict", "--model", model.toString(), "--input",
			input.toString()));
		java.util.List<String> more = java.util.Arrays.asList(extra);
		if (!more.contains("--output"))
			args.addAll(java.util.Arrays.asList("--output", dir.resolve("out").toString()));
		if (!more.contains("--device"))
			args.addAll(java.util.Arrays.asList("--device", "cpu"));
		args.addAll(more);
		return args.toArray(new String[0]);
	}

	private Path images() {
		return dir.resolve("images");
	}

	private Path masks() {
		return dir.resolve("masks");
	}

	private void greyPairs(int count) throws IOException {
		TestImages.pairs(images(), masks(), count, 32, Kind.GREY8);
	}

	// ---------------------------------------------------------------- folders and pairing

	@Test
	void foldersThatDoNotPair() throws IOException {
		greyPairs(6);
		Files.delete(masks().resolve("img002.png"));
		expectError(train(images(), masks()), "do not match", "6 images", "5 masks", "no mask for img002.png");
		expectError(train(images(), masks(), "--pairing", "sorted"), "6 images", "5 masks", "sorted pairing");

		TestImages.mask255(masks().resolve("img002_typo.png"), new byte[32 * 32], 32, 32);
		expectError(train(images(), masks()), "no mask for img002.png", "no image for img002_typo.png");

		Files.delete(masks().resolve("img002_typo.png"));
		TestImages.mask255(masks().resolve("img002.png"), new byte[40 * 40], 40, 40);
		expectError(train(images(), masks()), "img002.png is 32x32 but its mask img002.png is 40x40");

		Path empty = Files.createDirectories(dir.resolve("empty"));
		expectError(train(empty, masks()), "image folder", "contains no image files");
		expectError(train(images(), empty), "mask folder", "contains no image files");
		expectError(train(dir.resolve("nowhere"), masks()), "does not exist");
		expectError(predict(greyModel, empty), "contains no image files");
		expectError(predict(greyModel, dir.resolve("nowhere.png")), "does not exist");
	}

	@Test
	void filesThatAreNotImages() throws IOException {
		greyPairs(8);
		Files.write(images().resolve("notes.txt"), "scanner settings".getBytes(UTF_8));
		Files.write(masks().resolve("README"), "masks by hand".getBytes(UTF_8));
		String trained = expectOk(train(images(), masks()));
		assertTrue(trained.contains("warning: skipped notes.txt"), trained);
		assertTrue(trained.contains("warning: skipped README"), trained);
		String predicted = expectOk(predict(greyModel, images()));
		assertTrue(predicted.contains("warning: skipped notes.txt"), predicted);
		assertTrue(predicted.contains("segmented 8 image(s)"), predicted);

		Files.write(images().resolve("img003.png"), "this is not a PNG".getBytes(UTF_8));
		expectError(train(images(), masks()), "img003.png", "not an image");
		Files.write(images().resolve("img003.png"), new byte[0]);
		expectError(train(images(), masks()), "img003.png", "empty (0 bytes)");
	}

	@Test
	void aCorruptImageIsNamedAndTheOtherPredictionsAreKept() throws IOException {
		greyPairs(6);
		byte[] png = Files.readAllBytes(images().resolve("img004.png"));
		Files.write(images().resolve("img004.png"), Arrays.copyOf(png, png.length / 2));
		expectError(train(images(), masks()), "img004.png", "corrupt");

		byte[] flipped = png.clone();
		for (int i = 60; i < flipped.length - 20; i += 7)
			flipped[i] ^= 0x5A;
		Files.write(images().resolve("img004.png"), flipped);
		expectError(train(images(), masks()), "img004.png", "corrupt");

		String line = expectError(predict(greyModel, images()), "1 of 6 images could not be segmented", "img004.png");
		assertTrue(line.contains(dir.resolve("out").toString()), line);
		assertTrue(out().contains("segmented 5 image(s)"), out());
		assertTrue(Files.isRegularFile(dir.resolve("out/img005_mask.png")), "the images after the bad one are segmented");
		assertTrue(Files.isRegularFile(dir.resolve("out/objects.csv")), "objects.csv is written for the good images");
	}

	@Test
	void unreadableFiles() throws IOException {
		greyPairs(6);
		Path locked = images().resolve("img001.png");
		Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
		// root reads everything: chmod cannot make a file unreadable here, so the test is reported as skipped
		org.junit.jupiter.api.Assumptions.assumeFalse(Files.isReadable(locked), "running as root: chmod 000 does not block reads");
		expectError(train(images(), masks()), "img001.png", "cannot be read", "permissions");
		expectError(predict(greyModel, locked), "img001.png", "cannot be read");
	}

	// ---------------------------------------------------------------- masks

	@Test
	void masksThatAreNotBinary() throws IOException {
		greyPairs(8);
		TestImages.jpegMask(masks().resolve("img003.jpg"), TestImages.squareMask(32, 32, 3), 32, 32);
		Files.delete(masks().resolve("img003.png"));
		expectError(train(images(), masks()), "img003.jpg", "not binary", "mask policy to threshold_half");
		expectOk(train(images(), masks(), "--mask-policy", "threshold_half"));
		expectError(train(images(), masks(), "--mask-policy", "loose"), "mask policy 'loose'", "strict", "threshold_half");

		Files.delete(masks().resolve("img003.jpg"));
		TestImages.image(masks().resolve("img003.png"), TestImages.greyOf(TestImages.squareMask(32, 32, 3), 3), 32, 32, Kind.GREY8);
		expectError(train(images(), masks()), "img003.png", "not binary", "grey image");
	}

	@Test
	void zeroOneMasksLabelMasksAndSomeEmptyMasksAreFine() throws IOException {
		greyPairs(8);
		for (int i = 0; i < 8; i++) {
			Path mask = masks().resolve(String.format("img%03d.png", i));
			byte[] m = TestImages.squareMask(32, 32, i);
			if (i % 4 == 0)
				TestImages.maskValue(mask, m, 32, 32, 1); // 0/1
			else if (i % 4 == 1)
				TestImages.maskValue(mask, new byte[m.length], 32, 32, 255); // empty
			else if (i % 4 == 2) {
				byte[] labels = new byte[m.length];
				for (int p = 0; p < m.length; p++)
					labels[p] = (byte) (m[p] != 0 ? 1 + p % 3 : 0); // labels 1, 2, 3
				ImageFiles.writePng8(mask, labels, 32, 32);
			}
		}
		assertEquals(3, distinctNonZero(ImageFiles.read(masks().resolve("img002.png")).plane(0)), "a label image with 3 labels");
		assertEquals(32 * 32 / 9 * 0 + count(TestImages.squareMask(32, 32, 2)), count(ImageFiles.readMask(masks().resolve("img002.png"),
			org.lesionseg.unet.core.data.MaskPolicy.STRICT)), "every label is lesion");
		expectOk(train(images(), masks()));
	}

	private static int count(byte[] mask) {
		int n = 0;
		for (byte b : mask)
			n += b != 0 ? 1 : 0;
		return n;
	}

	private static int distinctNonZero(float[] values) {
		java.util.Set<Float> set = new java.util.HashSet<>();
		for (float v : values)
			if (v != 0)
				set.add(v);
		return set.size();
	}

	@Test
	void allEmptyMasksAreRefused() throws IOException {
		greyPairs(8);
		for (int i = 0; i < 8; i++)
			TestImages.mask255(masks().resolve(String.format("img%03d.png", i)), new byte[32 * 32], 32, 32);
		expectError(train(images(), masks()), "every training mask is empty");
	}

	// ---------------------------------------------------------------- image types

	@Test
	void sixteenBitFloatAndRgbImagesTrainAndPredict() throws IOException {
		for (Kind kind : new Kind[] { Kind.GREY16, Kind.FLOAT32, Kind.RGB }) {
			Path images = dir.resolve(kind + "/images"), masks = dir.resolve(kind + "/masks");
			TestImages.pairs(images, masks, 6, 32, kind);
			Path model = dir.resolve(kind + ".zip");
			String[] args = train(images, masks);
			args[6] = model.toString();
			expectOk(args);
			ModelInfo info = ModelFile.readInfo(model);
			assertEquals(kind == Kind.RGB ? 3 : 1, info.inputChannels, kind.toString());
			assertEquals(kind == Kind.GREY16 ? 16 : kind == Kind.FLOAT32 ? 32 : 8, info.bitDepth, kind.toString());
			String predicted = expectOk(predict(model, images));
			assertTrue(predicted.contains("segmented 6 image(s)"), predicted);
			// and the shared grey model applied to these images
			predicted = expectOk(predict(greyModel, images));
			assertTrue(predicted.contains("segmented 6 image(s)"), predicted);
			if (kind == Kind.RGB)
				assertTrue(predicted.contains("RGB") && predicted.contains("grey"), "says that colour images were converted: " + predicted);
		}
	}

	@Test
	void greyAndRgbMixedInOneTrainingSet() throws IOException {
		greyPairs(6);
		TestImages.image(images().resolve("img002.png"), TestImages.greyOf(TestImages.squareMask(32, 32, 2), 2), 32, 32, Kind.RGB);
		expectError(train(images(), masks()), "img002.png", "3 channel(s)", "all as RGB");
	}

	@Test
	void stacks() throws IOException {
		Files.createDirectories(images());
		Files.createDirectories(masks());
		for (int f = 0; f < 3; f++) {
			List<int[]> pages = new ArrayList<>(), maskPages = new ArrayList<>();
			for (int z = 0; z < 3; z++) {
				byte[] m = TestImages.squareMask(32, 32, f * 10 + z);
				pages.add(TestImages.greyOf(m, z));
				int[] m255 = new int[m.length];
				for (int i = 0; i < m.length; i++)
					m255[i] = m[i] != 0 ? 255 : 0;
				maskPages.add(m255);
			}
			TestImages.stack(images().resolve("vol" + f + ".tif"), pages, 32, 32);
			TestImages.stack(masks().resolve("vol" + f + ".tif"), maskPages, 32, 32);
		}
		String trained = expectOk(train(images(), masks()));
		assertTrue(trained.contains("read 9 labelled images"), trained);
		String predicted = expectOk(predict(greyModel, images()));
		assertTrue(predicted.contains("segmented 3 image(s)"), predicted);
		assertTrue(Files.isRegularFile(dir.resolve("out/vol1_s003_mask.png")), "one mask per slice");

		TestImages.mask255(masks().resolve("vol1.tif"), TestImages.squareMask(32, 32, 1), 32, 32);
		expectError(train(images(), masks()), "vol1.tif", "3 slice(s)", "has 1");
	}

	@Test
	void aOnePixelImage() throws IOException {
		Files.createDirectories(images());
		ImageFiles.writePng8(images().resolve("dot.png"), new byte[] { (byte) 200 }, 1, 1);
		String predicted = expectOk(predict(greyModel, images().resolve("dot.png")));
		assertTrue(predicted.contains("segmented 1 image(s)"), predicted);
		assertEquals(1, ImageFiles.read(dir.resolve("out/dot_mask.png")).width());
	}

	/**
	 * A 6000×6000 image through a tiny model that was trained on images scaled to an eighth (as a model trained at
	 * 256 on 2048-pixel slices would be): the image is scaled, cut into 32-pixel tiles and put back together at
	 * full size. (At full scale the same tiling takes a minute on two cores: the network, not the tiling, is slow.)
	 */
	@Test
	void onePixelImagesInATrainingSet() throws IOException {
		Files.createDirectories(images());
		Files.createDirectories(masks());
		for (int i = 0; i < 6; i++) {
			ImageFiles.writePng8(images().resolve("dot" + i + ".png"), new byte[] { (byte) (40 * i) }, 1, 1);
			ImageFiles.writePng8(masks().resolve("dot" + i + ".png"), new byte[] { (byte) (i % 2 == 0 ? 255 : 0) }, 1, 1);
		}
		expectOk(train(images(), masks()));
	}

	@Test
	void outputsThatCannotBeWritten() throws IOException {
		greyPairs(8);
		Path aFile = Files.write(dir.resolve("file.txt"), "in the way".getBytes(UTF_8));
		String[] args = train(images(), masks());
		args[6] = aFile.resolve("m.zip").toString();
		expectError(args, "as the model file folder", "file.txt is a file, not a folder");
		args = train(images(), masks(), "--report", aFile.resolve("report").toString());
		expectError(args, "as the report folder", "file.txt is a file, not a folder");
		expectError(predict(greyModel, images(), "--output", aFile.toString()), "as the output folder", "file.txt is a file, not a folder");
		expectError(new String[] { "evaluate", "--model", greyModel.toString(), "--images", images().toString(), "--masks", masks().toString(), "--device",
			"cpu", "--report", aFile.resolve("report").toString() }, "as the report folder", "file.txt is a file, not a folder");
	}

	@Test
	void evaluateWithMasksThatDoNotFit() throws IOException {
		greyPairs(4);
		TestImages.mask255(masks().resolve("img001.png"), new byte[20 * 20], 20, 20);
		expectError(new String[] { "evaluate", "--model", greyModel.toString(), "--images", images().toString(), "--masks", masks().toString(),
			"--device", "cpu" }, "img001.png is 32x32 but its mask img001.png is 20x20");
		Files.delete(masks().resolve("img001.png"));
		expectError(new String[] { "evaluate", "--model", greyModel.toString(), "--images", images().toString(), "--masks", masks().toString(),
			"--device", "cpu" }, "no mask for img001.png");
	}

	@Test
	void aHugeImageIsTiled() throws IOException {
		int side = 6000;
		Files.createDirectories(images());
		byte[] pixels = new byte[side * side];
		for (int y = 2000; y < 2600; y++)
			Arrays.fill(pixels, y * side + 3000, y * side + 3700, (byte) 180);
		ImageFiles.writePng8(images().resolve("huge.png"), pixels, side, side);
		Path model = tinyModel(1, 0.125);
		String predicted = expectOk(predict(model, images().resolve("huge.png"), "--no-probability", "--no-rois"));
		assertTrue(predicted.contains("tiles of 32 px"), predicted);
		assertTrue(predicted.contains("segmented 1 image(s)"), predicted);
		assertEquals(side, ImageFiles.read(dir.resolve("out/huge_mask.png")).width());
	}

	/** An untrained model file of depth 2, base 2, trained size 32 (written directly, no training needed). */
	private Path tinyModel(int channels, double inputScale) {
		Path model = dir.resolve("tiny-" + channels + ".zip");
		UNetConfig config = new UNetConfig().depth(2).baseFeatures(2).inputChannels(channels);
		try (NDManager manager = NDManager.newBaseManager()) {
			UNetBlock block = new UNetBlock(config);
			block.initialize(manager, DataType.FLOAT32, new Shape(1, channels, 32, 32));
			ModelInfo info = ModelInfo.of(config);
			info.normalization = "scale01";
			info.trainingSize = 32;
			info.inputMode = "resize";
			info.inputScale = inputScale;
			ModelFile.save(model, block, info, null, null);
		}
		return model;
	}

	@Test
	void aModelWhoseChannelsNoConversionCanMake() throws IOException {
		Path model = tinyModel(2, 1);
		TestImages.pairs(images(), masks(), 1, 32, Kind.RGB);
		expectError(predict(model, images()), "img000", "3 channels but 2 are needed");
	}

	// ---------------------------------------------------------------- settings

	@Test
	void invalidSettings() throws IOException {
		greyPairs(8);
		expectError(train(images(), masks(), "--batch-size", "0"), "--batch-size must be at least 1, got 0");
		expectError(train(images(), masks(), "--batch-size", "100"), "batch size 100", "lower it to at most 6");
		expectError(train(images(), masks(), "--learning-rate", "-0.001"), "--learning-rate must be greater than 0");
		expectError(train(images(), masks(), "--learning-rate", "fast"), "--learning-rate needs a number, got 'fast'");
		expectError(train(images(), masks(), "--epochs", "0"), "epochs must be at least 1");
		expectError(train(images(), masks(), "--epochs", "2.5"), "--epochs needs a whole number");
		expectError(train(images(), masks(), "--image-size", "30"), "image size 30", "multiple of 4");
		expectError(train(images(), masks(), "--image-size", "100", "--depth", "4"), "image size 100", "multiple of 16", "try 96 or 112");
		expectError(train(images(), masks(), "--depth", "9"), "depth must be between 1 and 7");
		expectError(train(images(), masks(), "--val-fraction", "0.6", "--test-fraction", "0.4"), "fraction");
		expectError(train(images(), masks(), "--val-fraction", "0.5", "--test-fraction", "0.45"), "leave no training images");
		expectError(train(images(), masks(), "--val-fraction", "1"), "fraction");
		expectError(train(images(), masks(), "--loss", "hinge"), "hinge");
		expectError(train(images(), masks(), "--loss-params", "alpha"), "loss_params takes name=value pairs");
		expectError(train(images(), masks(), "--optimizer", "lbfgs"), "unknown optimizer 'lbfgs'");
		expectError(train(images(), masks(), "--scheduler", "sawtooth"), "unknown learning-rate schedule 'sawtooth'");
		expectError(train(images(), masks(), "--device", "tpu"), "unknown device 'tpu'");
		expectError(train(images(), masks(), "--device", "gpu:x"), "device");
		expectError(train(images(), masks(), "--augment", "flip,twirl"), "unknown augmentation 'twirl'");
		expectError(train(images(), masks(), "--augment", "rotate=999"), "rotate", "out of range");
		expectError(train(images(), masks(), "--init", "xavier"), "unknown init 'xavier': use kaiming or pytorch");
		expectError(train(images(), masks(), "--normalization", "percentil"), "unknown normalization 'percentil': use scale01, minmax, zscore, percentile or none");
		expectError(train(images(), masks(), "--input-mode", "crop"), "unknown input mode 'crop': use resize or patch");
		expectError(train(images(), masks(), "--pairing", "fuzzy"), "unknown pairing 'fuzzy'");
		expectError(train(images(), masks(), "--group-by", "(unclosed"), "group pattern", "not a valid regular expression");
		expectError(train(images(), masks(), "--dropout", "1.5"), "dropout");
		expectError(train(images(), masks(), "--momentum", "1"), "momentum");
		expectError(train(images(), masks(), "--patience", "-1"), "patience");
		expectError(train(images(), masks(), "--epocs", "3"), "unknown option --epocs");
		expectError(new String[] { "train", "--images", images().toString(), "--masks" }, "--masks", "needs a value");
		expectError(train(images(), masks(), "--resume"), "nothing to resume");

		expectError(predict(greyModel, images(), "--threshold", "1.5"), "--threshold must be between 0 and 1 (exclusive)");
		expectError(predict(greyModel, images(), "--threshold", "0"), "--threshold must be between 0 and 1 (exclusive)");
		expectError(predict(greyModel, images(), "--min-size", "-3"), "--min-size must be at least 0");
		expectError(predict(greyModel, images(), "--tile", "-64"), "--tile must be at least 0");
		expectError(predict(greyModel, images(), "--tile-batch", "0"), "--tile-batch must be at least 1");
		expectError(predict(greyModel, images(), "--tile", "64", "--overlap", "64"), "overlap 64 must be smaller than the tile size 64");
		expectError(predict(greyModel, images(), "--device", "gpu:7"), "GPU");
		expectError(new String[] { "evaluate", "--model", greyModel.toString(), "--images", images().toString(), "--masks", masks().toString(),
			"--threshold", "2" }, "--threshold must be between 0 and 1 (exclusive)");
	}

	// ---------------------------------------------------------------- model files

	/** A copy of the shared model whose model.json is changed by {@code edit} (the weights and checksum stay valid). */
	private Path modelWithJson(String name, java.util.function.Consumer<JsonObject> edit) throws IOException {
		Map<String, byte[]> entries = entries(Files.readAllBytes(greyModel));
		JsonObject json = JsonParser.parseString(new String(entries.get(ModelBundle.METADATA_ENTRY), UTF_8)).getAsJsonObject();
		edit.accept(json);
		entries.put(ModelBundle.METADATA_ENTRY, json.toString().getBytes(UTF_8));
		return writeZip(dir.resolve(name), entries);
	}

	private static Map<String, byte[]> entries(byte[] zip) throws IOException {
		Map<String, byte[]> map = new LinkedHashMap<>();
		try (ZipInputStream in = new ZipInputStream(new java.io.ByteArrayInputStream(zip), UTF_8)) {
			ZipEntry e;
			while ((e = in.getNextEntry()) != null)
				map.put(e.getName(), in.readAllBytes());
		}
		return map;
	}

	private static Path writeZip(Path file, Map<String, byte[]> entries) throws IOException {
		try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file), UTF_8)) {
			for (Map.Entry<String, byte[]> e : entries.entrySet()) {
				zip.putNextEntry(new ZipEntry(e.getKey()));
				zip.write(e.getValue());
				zip.closeEntry();
			}
		}
		return file;
	}

	/** Checks a bad model file through predict, info and evaluate: each must name it and give the fragments. */
	private void refusedEverywhere(Path model, String... fragments) {
		String[] withFile = Arrays.copyOf(fragments, fragments.length + 1);
		withFile[fragments.length] = model.getFileName().toString();
		expectError(predict(model, images()), withFile);
		expectError(new String[] { "info", "--model", model.toString() }, withFile);
		expectError(new String[] { "evaluate", "--model", model.toString(), "--images", images().toString(), "--masks", masks().toString(),
			"--device", "cpu" }, withFile);
	}

	@Test
	void badModelFiles() throws IOException {
		greyPairs(2);
		byte[] valid = Files.readAllBytes(greyModel);

		refusedEverywhere(dir.resolve("missing.zip"), "does not exist");
		refusedEverywhere(Files.createDirectories(dir.resolve("folder.zip")), "is a folder");
		refusedEverywhere(Files.write(dir.resolve("empty.zip"), new byte[0]), "empty (0 bytes)");
		refusedEverywhere(Files.write(dir.resolve("truncated.zip"), Arrays.copyOf(valid, valid.length / 2)), "damaged");
		refusedEverywhere(Files.write(dir.resolve("text.zip"), "not a model".getBytes(UTF_8)), "not a model file (not a zip archive)");
		Map<String, byte[]> foreign = new LinkedHashMap<>();
		foreign.put("readme.txt", "hello".getBytes(UTF_8));
		foreign.put("data/values.csv", "1,2,3".getBytes(UTF_8));
		refusedEverywhere(writeZip(dir.resolve("foreign.zip"), foreign), "not a UNet Segmentation model", "another tool");
		refusedEverywhere(modelWithJson("newer.zip", j -> j.addProperty(ModelBundle.KEY_FORMAT_VERSION, 99)), "newer version", "update the plugin");
		refusedEverywhere(modelWithJson("no-depth.zip", j -> j.remove("depth")), "incomplete model description");
		refusedEverywhere(modelWithJson("deep.zip", j -> j.addProperty("depth", 12)), "depth must be between 1 and 7");

		Map<String, byte[]> slip = entries(valid);
		slip.put("../../evil.sh", "rm -rf ~".getBytes(UTF_8));
		refusedEverywhere(writeZip(dir.resolve("slip.zip"), slip), "unsafe entry name");

		Map<String, byte[]> bomb = entries(valid);
		bomb.put("history.csv", new byte[40 << 20]); // 40 MB of zeros deflate about 1000-fold
		Path bombFile = modelWithBomb(bomb);
		refusedEverywhere(bombFile, "decompression bomb");

		// a flipped byte inside the weights: info only reads model.json, so it must still check the weights
		byte[] flipped = valid.clone();
		int at = indexOf(valid, "NDAR".getBytes(UTF_8)) + 200;
		flipped[at] ^= 0x10;
		refusedEverywhere(Files.write(dir.resolve("flipped.zip"), flipped), "damaged");

		// model.json of a wider network with the weights of the tiny one (checksum still valid)
		refusedEverywhere(modelWithJson("wider.zip", j -> j.addProperty("base_features", 8)), "weights that do not fit");
	}

	/** A zip with the bomb entry listed as a text entry, so that the reader opens it. */
	private Path modelWithBomb(Map<String, byte[]> entries) throws IOException {
		JsonObject json = JsonParser.parseString(new String(entries.get(ModelBundle.METADATA_ENTRY), UTF_8)).getAsJsonObject();
		com.google.gson.JsonArray texts = new com.google.gson.JsonArray();
		texts.add("history.csv");
		json.add(ModelBundle.KEY_TEXT_ENTRIES, texts);
		entries.put(ModelBundle.METADATA_ENTRY, json.toString().getBytes(UTF_8));
		return writeZip(dir.resolve("bomb.zip"), entries);
	}

	private static int indexOf(byte[] data, byte[] pattern) {
		outer: for (int i = 0; i + pattern.length <= data.length; i++) {
			for (int j = 0; j < pattern.length; j++)
				if (data[i + j] != pattern[j])
					continue outer;
			return i;
		}
		throw new AssertionError("pattern not found");
	}

	@Test
	void damagedInitialModelOrCheckpoint() throws IOException {
		greyPairs(8);
		Path damaged = Files.write(dir.resolve("start.zip"), Arrays.copyOf(Files.readAllBytes(greyModel), 500));
		expectError(train(images(), masks(), "--initial-model", damaged.toString()), "start.zip", "damaged");
		expectOk(train(images(), masks()));
		Path checkpoint = dir.resolve("m.last.zip");
		byte[] bytes = Files.readAllBytes(checkpoint);
		Files.write(checkpoint, Arrays.copyOf(bytes, bytes.length - 100));
		expectError(train(images(), masks(), "--resume", "--epochs", "2"), "m.last.zip", "damaged", "cannot be resumed", "m.zip as the initial model");
	}
}
