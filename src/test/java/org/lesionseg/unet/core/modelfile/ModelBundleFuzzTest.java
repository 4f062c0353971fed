package org.lesionseg.unet.core.modelfile;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.core.modelfile.ModelFileException.Problem;

import com.google.gson.JsonObject;

/**
 * Feeds {@link ModelBundle#read(Path)} more than 10,000 generated files and checks that each either reads
 * back exactly the original content or is refused with a {@link ModelFileException}; anything else
 * (another exception, an Error, a wrong content, a hang) fails with the case's seed.
 * <p>
 * Four kinds of case: random bytes; mutations (bit flips, overwrites, truncation, insertion, deletion,
 * chunk duplication) of small valid model files; zips with random entry names and contents; and valid
 * files whose headers are rewritten with extreme sizes, offsets, methods and counts. Everything derives
 * from {@link #SEED}, so a run is repeatable; replay one case with
 * {@code -Dbundle.fuzz.replay=MUTATED_BUNDLE:1234}.
 */
class ModelBundleFuzzTest {

	/** The seed of a normal run; {@code -Dbundle.fuzz.seed=N} explores others, {@code -Dbundle.fuzz.scale=K} runs K times more cases. */
	static final long SEED = Long.getLong("bundle.fuzz.seed", 0x5EED_B0D1EL);
	private static final int SCALE = Integer.getInteger("bundle.fuzz.scale", 1);

	/** Fixed creation time, so that the valid files, and hence every mutation of them, are the same each run. */
	private static final Instant CREATED = Instant.parse("2026-01-31T12:00:00Z");

	enum Kind {
		RANDOM_BYTES(2000), MUTATED_BUNDLE(6000), RANDOM_ZIP(2000), CRAFTED_HEADERS(2000);

		final int cases;

		Kind(int cases) {
			this.cases = cases;
		}
	}

	/** What a successful read must return. */
	private static final class Content {
		final JsonObject metadata;
		final byte[] weights;
		final Map<String, String> texts;

		Content(ModelBundle model) {
			metadata = model.metadata();
			weights = model.weights();
			texts = new TreeMap<>();
			for (String name : model.textEntryNames())
				texts.put(name, model.textEntry(name).orElseThrow());
		}

		boolean matches(ModelBundle model) {
			return new Content(model).equalsContent(this);
		}

		private boolean equalsContent(Content other) {
			return metadata.equals(other.metadata) && Arrays.equals(weights, other.weights) && texts.equals(other.texts);
		}
	}

	/** One generated file, the content it must read back as if it is accepted (null: it must be refused). */
	private static final class Case {
		final byte[] bytes;
		final Content expected;
		/** If not null, the problem a refusal must report (e.g. UNSAFE for a path-like name). */
		final Problem requiredProblem;

		Case(byte[] bytes, Content expected, Problem requiredProblem) {
			this.bytes = bytes;
			this.expected = expected;
			this.requiredProblem = requiredProblem;
		}
	}

	@TempDir
	Path dir;

	private final List<byte[]> baseFiles = new ArrayList<>();
	private final List<Content> baseContents = new ArrayList<>();

	@Test
	@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
	void everyCaseReadsBackTheOriginalOrIsRefusedWithAModelFileException() throws IOException {
		makeBaseFiles();
		Path file = dir.resolve("case.zip");
		Map<Kind, Map<String, Integer>> outcomes = new LinkedHashMap<>();
		Map<String, Integer> translatedCauses = new TreeMap<>();
		String replay = System.getProperty("bundle.fuzz.replay");
		long slowestNanos = 0;
		String slowestCase = "";
		int total = 0;
		long start = System.nanoTime();
		for (Kind kind : Kind.values()) {
			Map<String, Integer> counts = new TreeMap<>();
			outcomes.put(kind, counts);
			for (int index = 0; index < kind.cases * SCALE; index++) {
				String name = kind + ":" + index;
				if (replay != null && !replay.equals(name))
					continue;
				long seed = caseSeed(kind, index);
				long caseStart = System.nanoTime();
				String outcome = runCase(kind, index, seed, file, translatedCauses);
				long nanos = System.nanoTime() - caseStart;
				if (nanos > slowestNanos) {
					slowestNanos = nanos;
					slowestCase = name;
				}
				counts.merge(outcome, 1, Integer::sum);
				total++;
			}
		}
		double seconds = (System.nanoTime() - start) / 1e9;
		System.out.printf("ModelBundleFuzzTest: %d cases in %.1f s (seed %d); slowest %s took %.0f ms%n", total, seconds, SEED, slowestCase, slowestNanos / 1e6);
		outcomes.forEach((kind, counts) -> System.out.println("  " + kind + ": " + counts));
		System.out.println("  exceptions of java.util.zip and Gson turned into ModelFileException: " + translatedCauses);
		if (replay == null)
			assertTrue(total >= 10_000, "only " + total + " cases");
	}

	/** A well-mixed seed per case, so that runs with nearby base seeds do not share cases. */
	private static long caseSeed(Kind kind, int index) {
		long z = SEED * 0x9E3779B97F4A7C15L + (kind.ordinal() + 1) * 0xBF58476D1CE4E5B9L + index * 0x94D049BB133111EBL;
		z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
		z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
		return z ^ (z >>> 31);
	}

	private String runCase(Kind kind, int index, long seed, Path file, Map<String, Integer> translatedCauses) throws IOException {
		Case c;
		try {
			c = generate(kind, new Random(seed));
		} catch (RuntimeException e) {
			throw new AssertionError("generator failed for " + kind + ":" + index, e);
		}
		Files.write(file, c.bytes);
		String where = kind + ":" + index + " (seed " + seed + ", " + c.bytes.length + " bytes)";
		try {
			ModelBundle model = ModelBundle.read(file);
			if (c.expected == null)
				throw new AssertionError("case " + where + " was accepted but must be refused; it read as " + model.metadata() + " with texts " + model.textEntryNames());
			if (!c.expected.matches(model))
				throw new AssertionError("case " + where + " was accepted with a content different from the original");
			return "read back identical";
		} catch (ModelFileException e) {
			if (c.requiredProblem != null && e.problem() != c.requiredProblem)
				throw new AssertionError("case " + where + " must be refused as " + c.requiredProblem + " but got " + e.problem() + ": " + e.getMessage(), e);
			if (e.getMessage().indexOf('\n') >= 0 || !e.getMessage().contains(file.toString()))
				throw new AssertionError("case " + where + ": the message must be one line naming the file: " + e.getMessage(), e);
			if (e.getCause() != null)
				translatedCauses.merge(e.getCause().getClass().getSimpleName(), 1, Integer::sum);
			return "refused " + e.problem();
		} catch (AssertionError e) {
			throw e;
		} catch (Throwable t) {
			throw new AssertionError("case " + where + " threw " + t + " instead of a ModelFileException", t);
		}
	}

	// ---- valid files to start from ------------------------------------------------------------------

	private void makeBaseFiles() throws IOException {
		Random random = new Random(SEED);
		int[] weightSizes = { 1, 37, 300, 1500 };
		for (int i = 0; i < weightSizes.length; i++) {
			JsonObject meta = new JsonObject();
			meta.addProperty("architecture", "unet");
			meta.addProperty("depth", 2 + i);
			meta.addProperty("note", "base file " + i + " ✓");
			Map<String, String> texts = new LinkedHashMap<>();
			for (int t = 0; t < i; t++)
				texts.put(t == 0 ? "history.csv" : "extra/text-" + t + ".txt", "epoch,loss\n" + "1,0.5\n".repeat(random.nextInt(20)));
			byte[] weights = new byte[weightSizes[i]];
			random.nextBytes(weights);
			Path base = dir.resolve("base" + i + ".zip");
			ModelBundleWriter.write(base, meta, out -> out.write(weights), texts, CREATED);
			baseFiles.add(Files.readAllBytes(base));
			baseContents.add(new Content(ModelBundle.read(base)));
		}
	}

	// ---- generators ---------------------------------------------------------------------------------

	private Case generate(Kind kind, Random random) {
		switch (kind) {
		case RANDOM_BYTES:
			return randomBytes(random);
		case MUTATED_BUNDLE:
			return mutatedBundle(random);
		case RANDOM_ZIP:
			return randomZip(random);
		case CRAFTED_HEADERS:
			return craftedHeaders(random);
		default:
			throw new IllegalArgumentException(kind.toString());
		}
	}

	/** Random bytes of random length; often with a zip signature in front or a zip end record behind. */
	private static Case randomBytes(Random random) {
		byte[] bytes = new byte[random.nextInt(1 << (2 + random.nextInt(11)))];
		random.nextBytes(bytes);
		int head = random.nextInt(10);
		if (bytes.length >= 4 && head < 4)
			System.arraycopy(new byte[] { 'P', 'K', 3, 4 }, 0, bytes, 0, 4);
		else if (bytes.length >= 4 && head == 4)
			System.arraycopy(new byte[] { 'P', 'K', 5, 6 }, 0, bytes, 0, 4);
		if (bytes.length >= 26 && random.nextInt(3) == 0) {
			// an end record, so that the central directory parser runs: either a consistent empty
			// directory (the archive opens) or one pointing at random places
			int end = bytes.length - 22;
			System.arraycopy(new byte[] { 'P', 'K', 5, 6 }, 0, bytes, end, 4);
			Arrays.fill(bytes, end + 4, bytes.length, (byte) 0);
			if (random.nextBoolean()) {
				for (int i = 0; i < 4; i++)
					bytes[end + 16 + i] = (byte) (end >>> (8 * i)); // directory offset: right here, size 0
			} else {
				for (int i = end + 4; i < bytes.length - 2; i++)
					bytes[i] = random.nextInt(3) == 0 ? 0 : (byte) random.nextInt(Math.max(1, Math.min(256, end)));
			}
		}
		return new Case(bytes, null, null);
	}

	/** A small valid file with 1 to 4 random mutations. */
	private Case mutatedBundle(Random random) {
		int base = random.nextInt(baseFiles.size());
		byte[] bytes = baseFiles.get(base).clone();
		int mutations = 1 + random.nextInt(4);
		for (int m = 0; m < mutations; m++)
			bytes = mutate(bytes, random);
		return new Case(bytes, baseContents.get(base), null);
	}

	static byte[] mutate(byte[] bytes, Random random) {
		int n = bytes.length;
		if (n == 0)
			return new byte[] { (byte) random.nextInt() };
		int position = random.nextInt(n);
		switch (random.nextInt(7)) {
		case 0: { // flip a bit
			byte[] out = bytes.clone();
			out[position] ^= 1 << random.nextInt(8);
			return out;
		}
		case 1: { // overwrite a few bytes with random ones
			byte[] out = bytes.clone();
			for (int i = position; i < Math.min(n, position + 1 + random.nextInt(8)); i++)
				out[i] = (byte) random.nextInt();
			return out;
		}
		case 2: { // overwrite four bytes with an extreme little-endian number (sizes, offsets, counts)
			byte[] out = bytes.clone();
			int[] extremes = { 0, 1, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0xFFFF, 0x10000 };
			int value = extremes[random.nextInt(extremes.length)];
			for (int i = 0; i < 4 && position + i < n; i++)
				out[position + i] = (byte) (value >>> (8 * i));
			return out;
		}
		case 3: // truncate
			return Arrays.copyOf(bytes, position);
		case 4: { // insert random bytes
			byte[] inserted = new byte[1 + random.nextInt(16)];
			random.nextBytes(inserted);
			return splice(bytes, position, 0, inserted);
		}
		case 5: { // delete a chunk
			return splice(bytes, position, Math.min(n - position, 1 + random.nextInt(64)), new byte[0]);
		}
		default: { // duplicate a chunk somewhere else
			int length = Math.min(n - position, 1 + random.nextInt(128));
			byte[] chunk = Arrays.copyOfRange(bytes, position, position + length);
			return splice(bytes, random.nextInt(n + 1), 0, chunk);
		}
		}
	}

	private static byte[] splice(byte[] bytes, int at, int removed, byte[] inserted) {
		byte[] out = new byte[bytes.length - removed + inserted.length];
		System.arraycopy(bytes, 0, out, 0, at);
		System.arraycopy(inserted, 0, out, at, inserted.length);
		System.arraycopy(bytes, at + removed, out, at + inserted.length, bytes.length - at - removed);
		return out;
	}

	private static final String[] SAFE_NAME_PIECES = { "a", "b.txt", "history.csv", "model.json", "weights.params", "split.json", ".", "é", "dir/", "x".repeat(300) };
	private static final String[] UNSAFE_NAME_PIECES = { "..", "/", "\\", "\0", "\n", "C:", "" };

	/**
	 * A well-formed zip with random entries, added to a valid file, to a valid file missing one entry, or
	 * to nothing. A path-like name must make the file refused as UNSAFE; otherwise it may only read back
	 * as the valid file.
	 */
	private Case randomZip(Random random) {
		int variant = random.nextInt(3);
		boolean withBase = variant == 0;
		int base = random.nextInt(baseFiles.size());
		RawZip zip = variant == 2 ? new RawZip() : RawZip.copyOf(baseFiles.get(base));
		String removed = variant == 1 ? new String(zip.entries.remove(random.nextInt(zip.entries.size())).name, UTF_8) : null;
		boolean unsafe = false;
		int entries = 1 + random.nextInt(4);
		for (int e = 0; e < entries; e++) {
			StringBuilder name = new StringBuilder();
			int pieces = 1 + random.nextInt(3);
			for (int p = 0; p < pieces; p++)
				name.append(random.nextInt(12) == 0 ? UNSAFE_NAME_PIECES[random.nextInt(UNSAFE_NAME_PIECES.length)]
						: SAFE_NAME_PIECES[random.nextInt(SAFE_NAME_PIECES.length)]);
			if (name.toString().equals(removed))
				name.append(".bak"); // putting the removed entry back with other content would make a valid file
			byte[] content = new byte[random.nextInt(1 << random.nextInt(9))];
			if (random.nextBoolean())
				random.nextBytes(content);
			else
				Arrays.fill(content, (byte) 'z');
			zip.add(new RawZip.Entry(name.toString(), content, random.nextBoolean() ? RawZip.DEFLATED : RawZip.STORED));
			unsafe |= EntryNames.unsafeReason(name.toString()) != null;
		}
		return new Case(zip.toBytes(), withBase ? baseContents.get(base) : null, unsafe ? Problem.UNSAFE : null);
	}

	/** A valid file whose headers get extreme or random sizes, CRCs, offsets, methods, names and counts. */
	private Case craftedHeaders(Random random) {
		int base = random.nextInt(baseFiles.size());
		RawZip zip = RawZip.copyOf(baseFiles.get(base));
		long[] extremes = { 0, 1, 0x7FFFFFFFL, 0x80000000L, 0xFFFFFFFEL, 0xFFFFFFFFL, random.nextInt() & 0xFFFFFFFFL, random.nextInt(5000) };
		int changes = 1 + random.nextInt(3);
		for (int c = 0; c < changes; c++) {
			RawZip.Entry entry = zip.entries.get(random.nextInt(zip.entries.size()));
			long extreme = extremes[random.nextInt(extremes.length)];
			switch (random.nextInt(9)) {
			case 0:
				entry.size = extreme;
				break;
			case 1:
				entry.compressedSize = extreme;
				break;
			case 2:
				entry.crc = random.nextInt() & 0xFFFFFFFFL;
				break;
			case 3:
				entry.localOffset = extreme;
				break;
			case 4:
				entry.method = new int[] { 0, 8, 9, 12, 14, 99, random.nextInt(1 << 16) }[random.nextInt(7)];
				break;
			case 5: { // zip64: the 32-bit fields say "see the extra field", which holds huge or negative values
				long[] values = new long[1 + random.nextInt(3)];
				for (int v = 0; v < values.length; v++)
					values[v] = new long[] { Long.MAX_VALUE, -1L, 1L << 40, 1L << 31, random.nextLong(), 0 }[random.nextInt(6)];
				entry.size = 0xFFFFFFFFL;
				if (random.nextBoolean())
					entry.compressedSize = 0xFFFFFFFFL;
				entry.centralExtra = RawZip.zip64Extra(values);
				break;
			}
			case 6: { // a random name, possibly not valid UTF-8
				byte[] name = new byte[random.nextInt(20)];
				random.nextBytes(name);
				entry.name = name;
				break;
			}
			case 7:
				zip.endEntryCount = random.nextBoolean() ? 0xFFFFL : (long) random.nextInt(10);
				break;
			default:
				if (random.nextBoolean())
					zip.endDirectorySize = extreme;
				else
					zip.endDirectoryOffset = extreme;
				break;
			}
		}
		return new Case(zip.toBytes(), baseContents.get(base), null);
	}

	@Test
	void mutationsChangeTheBytes() {
		// guards the generator itself: a mutation that did nothing would make the fuzzing weaker than claimed
		Random random = new Random(SEED);
		byte[] original = "PK\3\4 some bytes of a file".getBytes(UTF_8);
		int changed = 0;
		for (int i = 0; i < 1000; i++)
			if (!Arrays.equals(original, mutate(original, random)))
				changed++;
		assertTrue(changed > 950, changed + " of 1000 mutations changed the bytes");
	}
}
