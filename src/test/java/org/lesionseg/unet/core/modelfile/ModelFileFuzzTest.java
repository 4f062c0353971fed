package org.lesionseg.unet.core.modelfile;

import org.lesionseg.unet.core.model.UNetConfig;
import org.lesionseg.unet.core.model.UNetBlock;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.core.io.Json;
import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.modelfile.ModelBundle;
import org.lesionseg.unet.core.train.TrainingOptimizer;
import org.lesionseg.unet.core.modelfile.TrainingSettings;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

/**
 * Feeds {@link ModelFile#load} thousands of model files that pass the bundle's checks (valid zip, right sizes,
 * matching SHA-256) but whose content is hostile: {@code model.json} with mutated, missing or foreign values, and
 * weights whose DJL parameter stream is mutated (bit flips, overwritten counts and shapes, cuts, insertions). These
 * reach the description parser and DJL's {@code loadParameters}. Each case must either load (every eighth accepted
 * file must also predict and, for checkpoints, restore its optimizer) or end in a {@link UnetException}; any other exception,
 * an Error, or a case slower than {@link #SLOW_CASE_MS} fails with the case number. Everything derives from
 * {@link #SEED}; replay one case with {@code -Dmodel.fuzz.replay=N}.
 */
@Timeout(600)
class ModelFileFuzzTest {

	static final long SEED = Long.getLong("model.fuzz.seed", 0x0DE1F11EL);
	private static final int SCALE = Integer.getInteger("model.fuzz.scale", 1);
	private static final long SLOW_CASE_MS = 10_000;

	/** The kinds of case, with how many of each. */
	enum Kind {
		/** model.json with 1 to 4 keys (also inside "settings") replaced, removed or added. */
		JSON_VALUES(1000),
		/** weights with 1 to 3 random mutations of their bytes. */
		WEIGHT_BYTES(1000),
		/** weights whose ints at random places (counts, shapes, lengths) take extreme values. */
		WEIGHT_FIELDS(700),
		/** both at once. */
		BOTH(300);

		final int cases;

		Kind(int cases) {
			this.cases = cases;
		}
	}

	@TempDir
	static Path dir;

	/** Valid model files as (model.json, weights) to mutate: plain models and checkpoints with optimizer state. */
	private static final List<JsonObject> BASE_JSON = new ArrayList<>();
	private static final List<byte[]> BASE_WEIGHTS = new ArrayList<>();

	@BeforeAll
	static void writeValidModels() throws IOException {
		Object[][] bases = { { new UNetConfig().depth(1).baseFeatures(2), null }, { new UNetConfig().depth(2).baseFeatures(2).inputChannels(3).dropout(0.2f), null },
			{ new UNetConfig().depth(1).baseFeatures(2), TrainingOptimizer.Kind.ADAM }, { new UNetConfig().depth(1).baseFeatures(3), TrainingOptimizer.Kind.MOMENTUM } };
		try (NDManager manager = NDManager.newBaseManager()) {
			for (Object[] base : bases) {
				UNetConfig config = (UNetConfig) base[0];
				TrainingOptimizer.Kind optimizerKind = (TrainingOptimizer.Kind) base[1];
				UNetBlock block = new UNetBlock(config);
				block.initialize(manager, DataType.FLOAT32, new Shape(2, config.inputChannels(), 16, 16));
				ModelInfo info = ModelInfo.of(config);
				info.normalization = "scale01";
				info.trainingSize = 16;
				info.inputMode = "resize";
				info.settings = new TrainingSettings();
				ModelFile.TrainingState state = null;
				if (optimizerKind != null) {
					info.settings.optimizer = optimizerKind.key();
					TrainingOptimizer optimizer = new TrainingOptimizer(optimizerKind, () -> 0.01f, 0f, 0.9f, block);
					for (Parameter p : block.getParameters().values())
						if (p.requiresGradient())
							optimizer.update(p.getId(), p.getArray(), p.getArray().onesLike());
					state = new ModelFile.TrainingState(optimizer, new double[] { 0.5, 3 });
				}
				Path file = dir.resolve("base" + BASE_JSON.size() + ".zip");
				ModelFile.save(file, block, info, state, Map.of("history.csv", "epoch,loss\n1,0.5\n"));
				ModelBundle bundle = ModelBundle.read(file);
				BASE_JSON.add(bundle.metadata());
				BASE_WEIGHTS.add(bundle.weights());
				try (NDManager check = manager.newSubManager()) {
					ModelFile.Loaded loaded = ModelFile.load(file, check);
					assertTrue(optimizerKind == null || loaded.hasTrainingState());
				}
			}
		}
	}

	// ---------------------------------------------------------------- generating cases

	/** A bundle with this model.json and these weights, with correct sizes and checksums (as ModelBundle writes them). */
	static byte[] bundle(JsonObject metadata, byte[] weights) throws IOException {
		JsonObject json = metadata.deepCopy();
		json.addProperty(ModelBundle.KEY_FORMAT, ModelBundle.FORMAT);
		json.addProperty(ModelBundle.KEY_FORMAT_VERSION, ModelBundle.FORMAT_VERSION);
		json.addProperty(ModelBundle.KEY_CREATED, "2026-01-31T12:00:00Z");
		json.addProperty(ModelBundle.KEY_WEIGHTS_BYTES, weights.length);
		json.addProperty(ModelBundle.KEY_WEIGHTS_SHA256, sha256(weights));
		json.remove(ModelBundle.KEY_TEXT_ENTRIES);
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (ZipOutputStream zip = new ZipOutputStream(bytes, UTF_8)) {
			zip.putNextEntry(new ZipEntry(ModelBundle.METADATA_ENTRY));
			zip.write(deepNesting(json.toString()).getBytes(UTF_8));
			zip.closeEntry();
			zip.putNextEntry(new ZipEntry(ModelBundle.WEIGHTS_ENTRY));
			zip.write(weights);
			zip.closeEntry();
		}
		return bytes.toByteArray();
	}

	/** Marks a value to be written as that many nested arrays (Gson's own writer would overflow the stack). */
	private static final String DEEP = "@deep:";

	private static String deepNesting(String json) {
		java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"" + DEEP + "(\\d+)\"").matcher(json);
		StringBuffer out = new StringBuffer();
		while (m.find()) {
			int levels = Integer.parseInt(m.group(1));
			m.appendReplacement(out, "[".repeat(levels) + "1" + "]".repeat(levels));
		}
		m.appendTail(out);
		return out.toString();
	}

	private static String sha256(byte[] bytes) {
		try {
			StringBuilder hex = new StringBuilder();
			for (byte b : MessageDigest.getInstance("SHA-256").digest(bytes))
				hex.append(String.format("%02x", b));
			return hex.toString();
		} catch (java.security.NoSuchAlgorithmException e) {
			throw new AssertionError(e);
		}
	}

	private static final String[] STRINGS = { "", "abc", "NaN", "Infinity", "-1", "kaiming", "pytorch", "scale01", "zscore", "minmax", "none", "patch",
		"resize", "adam", "../../etc/passwd", "/dev/zero", "http://example.com/model.zip", "java.lang.Runtime", "${jndi:ldap://x}", "\u0000\u202e",
		"\uD800", "square%03d" };
	private static final double[] NUMBERS = { 0, 1, -1, 2, 3, 7, 8, 16, 17, 64, 1024, 1025, 65536, Integer.MAX_VALUE, Integer.MIN_VALUE, Long.MAX_VALUE,
		1e10, 1e308, -1e308, 0.5, 1e-300, 2.5, -0.0 };

	/** A random JSON value: extreme numbers, odd strings, lists, objects, deep nesting. */
	static JsonElement randomValue(Random random, int depth) {
		switch (random.nextInt(depth > 2 ? 5 : 8)) {
			case 0:
			case 1:
				return new JsonPrimitive(NUMBERS[random.nextInt(NUMBERS.length)]);
			case 2:
				return new JsonPrimitive(random.nextInt(40) - 5);
			case 3:
				return random.nextInt(4) == 0 ? new JsonPrimitive("x".repeat(random.nextInt(100_000))) : new JsonPrimitive(STRINGS[random.nextInt(STRINGS.length)]);
			case 4:
				return random.nextBoolean() ? new JsonPrimitive(random.nextBoolean()) : JsonNull.INSTANCE;
			case 5: {
				JsonArray array = new JsonArray();
				for (int i = random.nextInt(4); i > 0; i--)
					array.add(randomValue(random, depth + 1));
				return array;
			}
			case 6: {
				JsonObject object = new JsonObject();
				for (int i = random.nextInt(4); i > 0; i--)
					object.add(STRINGS[random.nextInt(STRINGS.length)], randomValue(random, depth + 1));
				return object;
			}
			default:
				// nesting far deeper than any reader expects; spelt out when the bundle is written (see deepNesting)
				return new JsonPrimitive(DEEP + random.nextInt(20_000));
		}
	}

	static JsonObject mutateJson(JsonObject base, Random random) {
		JsonObject json = base.deepCopy();
		for (int m = 1 + random.nextInt(4); m > 0; m--) {
			JsonObject target = json;
			if (random.nextInt(4) == 0 && json.has("settings") && json.get("settings").isJsonObject())
				target = json.getAsJsonObject("settings");
			List<String> keys = new ArrayList<>(target.keySet());
			int action = random.nextInt(10);
			if (keys.isEmpty() || action == 0)
				target.add(random.nextBoolean() ? "class" : STRINGS[random.nextInt(STRINGS.length)], randomValue(random, 0));
			else if (action == 1)
				target.remove(keys.get(random.nextInt(keys.size())));
			else if (action == 2 && target.get(keys.get(0)) != null) {
				// a value of the right kind but a neighbouring number (depth 3 instead of 1, channels 2 instead of 1, ...)
				String key = keys.get(random.nextInt(keys.size()));
				JsonElement value = target.get(key);
				if (value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber())
					target.addProperty(key, value.getAsDouble() + random.nextInt(5) - 2);
				else
					target.add(key, randomValue(random, 0));
			} else
				target.add(keys.get(random.nextInt(keys.size())), randomValue(random, 0));
		}
		return json;
	}

	private static final int[] INTS = { 0, 1, -1, 2, 3, 4, 7, 8, 127, 128, 255, 65535, 65536, 1 << 20, 1 << 24, 1 << 30, Integer.MAX_VALUE, Integer.MIN_VALUE,
		Integer.MAX_VALUE - 8 };

	static byte[] mutateBytes(byte[] base, Random random) {
		byte[] w = base.clone();
		for (int m = 1 + random.nextInt(3); m > 0 && w.length > 8; m--) {
			int at = random.nextInt(w.length);
			switch (random.nextInt(7)) {
				case 0:
					w[at] ^= 1 << random.nextInt(8);
					break;
				case 1:
					w[at] = (byte) new int[] { 0, 0xFF, 0x7F, 0x80, 1, 'P', 'N' }[random.nextInt(7)];
					break;
				case 2:
					w = java.util.Arrays.copyOf(w, at); // cut
					break;
				case 3: { // insert random bytes
					byte[] extra = new byte[1 + random.nextInt(16)];
					random.nextBytes(extra);
					w = splice(w, at, 0, extra);
					break;
				}
				case 4: // delete
					w = splice(w, at, Math.min(w.length - at, 1 + random.nextInt(16)), new byte[0]);
					break;
				case 5: { // duplicate a chunk
					int length = Math.min(w.length - at, 1 + random.nextInt(64));
					w = splice(w, at, 0, java.util.Arrays.copyOfRange(w, at, at + length));
					break;
				}
				default:
					w = overwriteInt(w, random, at);
			}
		}
		return w;
	}

	static byte[] overwriteInt(byte[] w, Random random, int at) {
		byte[] copy = w.clone();
		int offset = Math.min(at, copy.length - 8);
		if (random.nextInt(4) == 0)
			ByteBuffer.wrap(copy, offset, 8).putLong(random.nextBoolean() ? Long.MAX_VALUE : -random.nextInt(5));
		else
			ByteBuffer.wrap(copy, offset, 4).putInt(INTS[random.nextInt(INTS.length)]);
		return copy;
	}

	private static byte[] splice(byte[] data, int at, int remove, byte[] insert) {
		byte[] out = new byte[data.length - remove + insert.length];
		System.arraycopy(data, 0, out, 0, at);
		System.arraycopy(insert, 0, out, at, insert.length);
		System.arraycopy(data, at + remove, out, at + insert.length, data.length - at - remove);
		return out;
	}

	/** Case {@code index} of the run: which base, which kind, which mutations. */
	static byte[] generate(int index, Kind kind) throws IOException {
		Random random = new Random(SEED * 1_000_003L + index);
		int base = random.nextInt(BASE_JSON.size());
		JsonObject json = BASE_JSON.get(base);
		byte[] weights = BASE_WEIGHTS.get(base);
		switch (kind) {
			case JSON_VALUES:
				return bundle(mutateJson(json, random), weights);
			case WEIGHT_BYTES:
				return bundle(json, mutateBytes(weights, random));
			case WEIGHT_FIELDS: {
				byte[] w = weights;
				for (int m = 1 + random.nextInt(2); m > 0; m--)
					w = overwriteInt(w, random, random.nextInt(w.length));
				return bundle(json, w);
			}
			default:
				return bundle(mutateJson(json, random), mutateBytes(weights, random));
		}
	}

	// ---------------------------------------------------------------- running cases

	/**
	 * Loads one file; returns true when accepted, false when refused with a UnetException. With {@code predict},
	 * an accepted network must also run (a forward pass costs more than the load, so the fuzz run samples it).
	 */
	static boolean runCase(Path file, NDManager parent, boolean predict) {
		try (NDManager manager = parent.newSubManager()) {
			try {
				ModelFile.readInfo(file);
			} catch (UnetException e) {
				assertOneLine(e);
			}
			ModelFile.Loaded loaded;
			try {
				loaded = ModelFile.load(file, manager);
			} catch (UnetException e) {
				assertOneLine(e);
				return false;
			}
			if (predict) {
				// an accepted file must give a working network
				int side = 1 << loaded.info.depth;
				NDArray x = manager.zeros(new Shape(1, loaded.info.inputChannels, side, side));
				NDArray y = loaded.block.forward(new ParameterStore(manager, false), new NDList(x), false).singletonOrThrow();
				assertArrayEquals(new long[] { 1, 1, side, side }, y.getShape().getShape());
			}
			if (loaded.hasTrainingState()) {
				// resuming uses the optimizer the user chose; here the one the (maybe mutated) description names, else Adam
				TrainingOptimizer.Kind kind = TrainingOptimizer.Kind.ADAM;
				for (TrainingOptimizer.Kind k : TrainingOptimizer.Kind.values())
					if (loaded.info.settings != null && k.key().equals(loaded.info.settings.optimizer))
						kind = k;
				try {
					TrainingOptimizer restored = new TrainingOptimizer(kind, () -> 0.01f, 0f, 0.9f, loaded.block);
					loaded.restoreTrainingState(restored, manager);
				} catch (UnetException e) {
					assertOneLine(e);
				}
			}
			return true;
		}
	}

	private static void assertOneLine(UnetException e) {
		String m = e.getMessage();
		assertTrue(m != null && !m.isEmpty() && m.length() < 2000 && !m.contains("\n"), "a one-line message: " + m);
	}

	@Test
	void everyMutatedButChecksumValidFileLoadsOrIsRefusedWithAUnetException() throws IOException {
		Integer replay = Integer.getInteger("model.fuzz.replay");
		Map<Kind, int[]> outcomes = new EnumMap<>(Kind.class);
		Path file = dir.resolve("case.zip");
		int index = 0, total = 0;
		long started = System.nanoTime();
		try (NDManager manager = NDManager.newBaseManager()) {
			for (Kind kind : Kind.values()) {
				int[] counts = new int[2];
				outcomes.put(kind, counts);
				for (int i = 0; i < kind.cases * SCALE; i++, index++) {
					if (replay != null && replay != index)
						continue;
					Files.write(file, generate(index, kind));
					long caseStart = System.nanoTime();
					boolean accepted;
					try {
						accepted = runCase(file, manager, index % 8 == 0 || replay != null);
					} catch (Throwable t) {
						throw new AssertionError("case " + index + " (" + kind + ") failed with " + t + "; replay with -Dmodel.fuzz.replay=" + index, t);
					}
					long ms = (System.nanoTime() - caseStart) / 1_000_000;
					assertTrue(ms < SLOW_CASE_MS, "case " + index + " took " + ms + " ms");
					counts[accepted ? 0 : 1]++;
					total++;
				}
			}
		}
		StringBuilder summary = new StringBuilder("model file fuzz: " + total + " cases in "
			+ String.format(java.util.Locale.ROOT, "%.1f s", (System.nanoTime() - started) / 1e9) + " (seed " + SEED + ")");
		outcomes.forEach((kind, c) -> summary.append("; ").append(kind).append(": ").append(c[0]).append(" loaded, ").append(c[1]).append(" refused"));
		System.out.println(summary);
		Path record = Path.of("target", "robustness", "model-file-fuzz.txt");
		Files.createDirectories(record.getParent());
		Files.write(record, (summary + "\n").getBytes(UTF_8));
		if (replay == null)
			assertTrue(total >= 2000, "at least 2,000 cases: " + total);
	}

	@Test
	void theGeneratorKeepsTheBundleValidSoThatCasesReachTheModelReader() throws IOException {
		// unmutated content through the test's own bundle writer loads: the cases test ModelFile, not the zip layer
		try (NDManager manager = NDManager.newBaseManager()) {
			for (int b = 0; b < BASE_JSON.size(); b++) {
				Path file = dir.resolve("rewritten" + b + ".zip");
				Files.write(file, bundle(BASE_JSON.get(b), BASE_WEIGHTS.get(b)));
				assertTrue(runCase(file, manager, true), "base " + b);
			}
		}
		JsonObject parsed = JsonParser.parseString(Json.GSON.toJson(BASE_JSON.get(0))).getAsJsonObject();
		assertTrue(parsed.has("depth"));
	}
}
