package org.lesionseg.unet.core.modelfile;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.core.modelfile.ModelFileException.Problem;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/** Every kind of bad model file gives a ModelFileException with a clear one-line message. */
@Timeout(30)
class ModelBundleBadFileTest {

	@TempDir
	Path dir;

	private Path file;
	private byte[] valid;
	private String restore;

	@BeforeEach
	void writeAValidModel() throws IOException {
		file = dir.resolve("lesions.zip");
		ModelBundle.write(file, ModelBundleTest.sampleMetadata(), ModelBundleTest.randomBytes(2000, 11), Map.of("history.csv", "epoch,loss\n1,0.5\n"));
		valid = Files.readAllBytes(file);
		restore = "restore it from a backup or retrain the model";
	}

	private ModelFileException refused(Problem problem, byte[] content) throws IOException {
		Files.write(file, content);
		return refused(problem);
	}

	private ModelFileException refused(Problem problem) {
		ModelFileException e = assertThrows(ModelFileException.class, () -> ModelBundle.read(file));
		assertEquals(problem, e.problem(), e.getMessage());
		assertTrue(e.getMessage().contains(file.toString()), "message names the file: " + e.getMessage());
		assertTrue(!e.getMessage().contains("\n") && e.getMessage().length() < 400, e.getMessage());
		return e;
	}

	/** A valid model file whose entries are replaced or added (null content removes an entry). */
	private byte[] validWith(Map<String, byte[]> changes) {
		Map<String, byte[]> entries = new java.util.LinkedHashMap<>(RawZip.contents(valid));
		changes.forEach((name, content) -> {
			if (content == null)
				entries.remove(name);
			else
				entries.put(name, content);
		});
		return zipOf(entries);
	}

	static byte[] zipOf(Map<String, byte[]> entries) {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (ZipOutputStream zip = new ZipOutputStream(bytes, UTF_8)) {
			for (Map.Entry<String, byte[]> e : entries.entrySet()) {
				zip.putNextEntry(new ZipEntry(e.getKey()));
				zip.write(e.getValue());
				zip.closeEntry();
			}
		} catch (IOException e) {
			throw new AssertionError(e);
		}
		return bytes.toByteArray();
	}

	private JsonObject validMetadata() {
		return JsonParser.parseString(new String(RawZip.contents(valid).get("model.json"), UTF_8)).getAsJsonObject();
	}

	private byte[] withMetadata(JsonObject meta) {
		return validWith(Map.of("model.json", meta.toString().getBytes(UTF_8)));
	}

	// ---- the file as a whole ------------------------------------------------------------------------

	@Test
	void missingFile() {
		Path missing = dir.resolve("nothing-here.zip");
		ModelFileException e = assertThrows(ModelFileException.class, () -> ModelBundle.read(missing));
		assertEquals(Problem.NOT_FOUND, e.problem());
		assertEquals("model file " + missing + " does not exist; check the folder and the file name", e.getMessage());
	}

	@Test
	void folder() {
		ModelFileException e = assertThrows(ModelFileException.class, () -> ModelBundle.read(dir));
		assertEquals(Problem.NOT_A_FILE, e.problem());
		assertEquals("model file " + dir + " is a folder, not a model file; choose the model's .zip file", e.getMessage());
	}

	@Test
	void emptyFile() throws IOException {
		ModelFileException e = refused(Problem.EMPTY, new byte[0]);
		assertEquals("model file " + file + " is empty (0 bytes), probably from an interrupted save; " + restore, e.getMessage());
	}

	@Test
	void plainTextFile() throws IOException {
		ModelFileException e = refused(Problem.NOT_A_ZIP, "epoch,loss\n1,0.5\n".getBytes(UTF_8));
		assertEquals(file + " is not a model file (not a zip archive); choose a .zip model saved by UNet Segmentation", e.getMessage());
		refused(Problem.NOT_A_ZIP, new byte[] { 'P' , 'X' }); // too short to be anything
	}

	@Test
	void unreadableFile() throws IOException {
		Files.setPosixFilePermissions(file, Set.of());
		try {
			// running as root, permissions are not enforced: reported as skipped, not as passed
			org.junit.jupiter.api.Assumptions.assumeFalse(Files.isReadable(file), "running as root: permissions are not enforced");
			ModelFileException e = refused(Problem.UNREADABLE);
			assertEquals("model file " + file + " cannot be read (permission denied); check the file's permissions", e.getMessage());
		} finally {
			Files.setPosixFilePermissions(file, Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
		}
	}

	@Test
	void truncatedCopiesAtManyLengthsAreDamaged() throws IOException {
		int[] lengths = { 1, 2, 3, 4, 10, 30, 100, valid.length / 2, valid.length - 100, valid.length - 22, valid.length - 10, valid.length - 1 };
		for (int length : lengths) {
			ModelFileException e = refused(Problem.DAMAGED, Arrays.copyOf(valid, length));
			assertTrue(e.getMessage().startsWith("model file " + file + " is damaged (truncated or corrupted"), e.getMessage());
			assertTrue(e.getMessage().endsWith("); " + restore), e.getMessage());
		}
	}

	@Test
	void damagedFilePointsToTheBestCopyWhenThereIsOne() throws IOException {
		Files.write(dir.resolve("lesions.last.zip"), valid);
		ModelFileException e = refused(Problem.DAMAGED, Arrays.copyOf(valid, valid.length / 2));
		assertTrue(e.getMessage().endsWith("); use the copy saved as lesions.last.zip or retrain the model"), e.getMessage());
	}

	@Test
	void flippedByteInTheWeightsFailsTheCrc() throws IOException {
		byte[] damaged = valid.clone();
		int weightsData = 30 + "weights.params".length() + 5; // after the local header and the first deflate block header
		damaged[weightsData + 100] ^= 0x10;
		ModelFileException e = refused(Problem.DAMAGED, damaged);
		assertEquals("model file " + file + " is damaged (truncated or corrupted: 'weights.params' fails its CRC check); " + restore, e.getMessage());
	}

	@Test
	void weightsThatDoNotMatchTheirChecksum() throws IOException {
		byte[] other = ModelBundleTest.randomBytes(2000, 12); // same length, valid CRC, other bytes
		ModelFileException e = refused(Problem.DAMAGED, validWith(Map.of("weights.params", other)));
		assertEquals("model file " + file + " is damaged (truncated or corrupted: the weights do not match their checksum in model.json); " + restore, e.getMessage());
	}

	@Test
	void weightsOfAnotherSizeThanModelJsonSays() throws IOException {
		ModelFileException e = refused(Problem.DAMAGED, validWith(Map.of("weights.params", new byte[1999])));
		assertEquals("model file " + file + " is damaged (truncated or corrupted: weights.params has 1999 bytes but model.json says 2000); " + restore, e.getMessage());
	}

	@Test
	void missingWeightsOrListedTextEntry() throws IOException {
		ModelFileException e = refused(Problem.DAMAGED, validWith(Collections.singletonMap("weights.params", null)));
		assertEquals("model file " + file + " is damaged (truncated or corrupted: no weights.params entry); " + restore, e.getMessage());
		e = refused(Problem.DAMAGED, validWith(Collections.singletonMap("history.csv", null)));
		assertEquals("model file " + file + " is damaged (truncated or corrupted: the text entry 'history.csv' listed in model.json is missing); " + restore,
				e.getMessage());
	}

	@Test
	void textEntryThatIsNotUtf8() throws IOException {
		ModelFileException e = refused(Problem.DAMAGED, validWith(Map.of("history.csv", new byte[] { 'a', (byte) 0xC3, (byte) 0x28 })));
		assertEquals("model file " + file + " is damaged (truncated or corrupted: 'history.csv' is not UTF-8 text); " + restore, e.getMessage());
	}

	@Test
	void unlistedExtraEntriesAreIgnored() throws IOException {
		Files.write(file, validWith(Map.of("extra/notes.txt", "by hand".getBytes(UTF_8))));
		ModelBundle model = ModelBundle.read(file);
		assertEquals(Set.of("history.csv"), model.textEntryNames());
		assertTrue(model.textEntry("extra/notes.txt").isEmpty());
	}

	// ---- not ours -----------------------------------------------------------------------------------

	@Test
	void zipFromAnotherTool() throws IOException {
		byte[] other = zipOf(Map.of("saved_model.pb", new byte[] { 8, 1, 2 }, "variables/variables.index", new byte[] { 0 }));
		ModelFileException e = refused(Problem.NOT_A_MODEL, other);
		assertEquals(file + " is a zip file but not a UNet Segmentation model (no model.json); was it made by another tool?", e.getMessage());
		refused(Problem.NOT_A_MODEL, zipOf(Map.of())); // an empty archive
		refused(Problem.NOT_A_MODEL, zipOf(Map.of("model.json/", new byte[0]))); // a folder is not the entry
	}

	@Test
	void modelJsonOfAnotherFormat() throws IOException {
		ModelFileException e = refused(Problem.NOT_A_MODEL, validWith(Map.of("model.json", "{\"format\":\"keras\"}".getBytes(UTF_8))));
		assertEquals(file + " is a zip file but not a UNet Segmentation model (format 'keras'); was it made by another tool?", e.getMessage());
		e = refused(Problem.NOT_A_MODEL, validWith(Map.of("model.json", "{\"layers\":[]}".getBytes(UTF_8))));
		assertEquals(file + " is a zip file but not a UNet Segmentation model (no 'format' in model.json); was it made by another tool?", e.getMessage());
		e = refused(Problem.NOT_A_MODEL, validWith(Map.of("model.json", "[1, 2]".getBytes(UTF_8))));
		assertEquals(file + " is a zip file but not a UNet Segmentation model (its model.json is not a JSON object); was it made by another tool?", e.getMessage());
	}

	@Test
	void modelJsonThatIsNotJson() throws IOException {
		ModelFileException e = refused(Problem.DAMAGED, validWith(Map.of("model.json", "{\"format\": \"lesionseg-unet-model\", ".getBytes(UTF_8))));
		assertTrue(e.getMessage().startsWith("model file " + file + " has a model.json that is not valid JSON ("), e.getMessage());
		assertTrue(e.getMessage().endsWith("); was it edited by hand? Restore it from a backup or retrain the model"), e.getMessage());
		refused(Problem.DAMAGED, validWith(Map.of("model.json", new byte[] { '{', (byte) 0xFF, '}' }))); // not UTF-8
		// deeply nested JSON must not overflow the stack
		refused(Problem.DAMAGED, validWith(Map.of("model.json", "[".repeat(1_000_000).getBytes(UTF_8))));
	}

	@Test
	void validButDeeplyNestedModelJsonIsRefusedBeforeAnythingCopiesIt() throws IOException {
		// JsonObject.deepCopy (and Gson's mapping to a record) recurse once per level: this used to overflow the stack
		String deep = "[".repeat(200_000) + "]".repeat(200_000);
		ModelFileException e = refused(Problem.UNSAFE,
			validWith(Map.of("model.json", ("{\"format\": \"lesionseg-unet-model\", \"x\": " + deep + "}").getBytes(UTF_8))));
		assertTrue(e.getMessage().contains("nested more than 64 levels deep"), e.getMessage());
		assertEquals(4, ModelBundleReader.nestingDepth("{\"a\": \"[[[{\\\"\", \"b\": [1, {\"c\": []}]}"), "brackets in strings do not count");
	}

	@Test
	void newerFormatVersion() throws IOException {
		JsonObject meta = validMetadata();
		meta.addProperty("format_version", 2);
		ModelFileException e = refused(Problem.NEWER_VERSION, withMetadata(meta));
		assertEquals("model file " + file + " was written by a newer version (format 2, this plugin reads up to 1); update the plugin", e.getMessage());
		meta.add("format_version", JsonParser.parseString("123456789012345678901234567890"));
		e = refused(Problem.NEWER_VERSION, withMetadata(meta));
		assertTrue(e.getMessage().contains("(format 123456789012..., this plugin reads up to 1)"), e.getMessage());
	}

	@Test
	void missingOrMalformedRequiredKeys() throws IOException {
		String[][] cases = { // key, JSON value (null: removed), what the message says is expected
				{ "format_version", null, "a whole number" }, { "format_version", "\"1\"", "a whole number" }, { "format_version", "1.5", "a whole number" },
				{ "format_version", "0", "a whole number from 1" }, { "format_version", "-1", "a whole number" },
				{ "weights_sha256", null, "64 hexadecimal digits" }, { "weights_sha256", "\"abc\"", "64 hexadecimal digits" },
				{ "weights_sha256", "\"" + "g".repeat(64) + "\"", "64 hexadecimal digits" },
				{ "weights_bytes", null, "a whole number" }, { "weights_bytes", "\"2000\"", "a whole number" }, { "weights_bytes", "-5", "a whole number" },
				{ "weights_bytes", "1e999999999", "a whole number" }, { "weights_bytes", "2000.0", "a whole number" },
				{ "created", null, "a date and time" }, { "created", "\"yesterday\"", "a date and time such as 2026-01-31T12:00:00Z" },
				{ "text_entries", "\"history.csv\"", "a list of at most 1000 entry names" },
				{ "text_entries", "[\"../history.csv\"]", "a list of distinct simple entry names" },
				{ "text_entries", "[\"history.csv\", \"history.csv\"]", "a list of distinct simple entry names" },
				{ "text_entries", "[\"weights.params\"]", "a list of distinct simple entry names" } };
		for (String[] c : cases) {
			JsonObject meta = validMetadata();
			if (c[1] == null)
				meta.remove(c[0]);
			else
				meta.add(c[0], JsonParser.parseString(c[1]));
			ModelFileException e = refused(Problem.DAMAGED, withMetadata(meta));
			assertEquals("model file " + file + " has a model.json whose '" + c[0] + "' is missing or not " + c[2]
					+ "; was it edited by hand? Restore it from a backup or retrain the model", e.getMessage(), Arrays.toString(c));
		}
	}

	@Test
	void checksumInCapitalsIsAccepted() throws IOException {
		JsonObject meta = validMetadata();
		meta.addProperty("weights_sha256", meta.get("weights_sha256").getAsString().toUpperCase());
		Files.write(file, withMetadata(meta));
		assertEquals(2000, ModelBundle.read(file).weightsSize());
	}

	@Test
	void weightsTooLargeToLoad() throws IOException {
		JsonObject meta = validMetadata();
		meta.addProperty("weights_bytes", 5_000_000_000L);
		ModelFileException e = refused(Problem.TOO_LARGE, withMetadata(meta));
		assertEquals("model file " + file + " declares 5000000000 bytes of weights, more than this plugin can load (at most 2147483639); it is damaged or was not made by this plugin",
				e.getMessage());
	}

	// ---- crafted: zip slip, duplicates, oversized entries, bombs ------------------------------------

	@Test
	void pathLikeEntryNamesRefuseTheWholeFile() throws IOException {
		String[][] cases = { { "../evil.txt", "'..'" }, { "a/../../evil.txt", "'..'" }, { "/etc/passwd", "an absolute path" }, { "C:/Windows/evil.dll", "an absolute path" },
				{ "a\\..\\evil.txt", "a backslash" }, { "evil\0.txt", "a NUL character" }, { "line\nbreak.txt", "a control character" } };
		for (String[] c : cases) {
			RawZip zip = RawZip.copyOf(valid).add(c[0], "evil");
			ModelFileException e = refused(Problem.UNSAFE, zip.toBytes());
			assertEquals("model file " + file + " contains an unsafe entry name " + EntryNames.quote(c[0]) + " (" + c[1]
					+ "); refusing to open it: it was not made by this plugin", e.getMessage(), c[0]);
		}
	}

	@Test
	void duplicateEntries() throws IOException {
		RawZip zip = RawZip.copyOf(valid).add("model.json", "{\"format\":\"lesionseg-unet-model\",\"format_version\":1}");
		ModelFileException e = refused(Problem.UNSAFE, zip.toBytes());
		assertEquals("model file " + file + " contains the entry 'model.json' twice; refusing to open it: it was not made by this plugin", e.getMessage());
		refused(Problem.UNSAFE, RawZip.copyOf(valid).add("weights.params", new byte[2000]).toBytes());
	}

	@Test
	void oversizedModelJson() throws IOException {
		// valid JSON of 5 MB: refused from its declared size before it is read
		String big = "{\"format\":\"lesionseg-unet-model\",\"padding\":\"" + "x".repeat(5 << 20) + "\"}";
		ModelFileException e = refused(Problem.TOO_LARGE, validWith(Map.of("model.json", big.getBytes(UTF_8))));
		assertEquals("model file " + file + " has an entry 'model.json' of " + big.length()
				+ " bytes, more than this plugin accepts (at most 4194304); it is damaged or was not made by this plugin", e.getMessage());
	}

	@Test
	void oversizedTextEntryByItsDeclaredSize() throws IOException {
		RawZip zip = RawZip.copyOf(valid);
		zip.entry("history.csv").size = 100L << 20; // claims 100 MB
		ModelFileException e = refused(Problem.TOO_LARGE, zip.toBytes());
		assertEquals("model file " + file + " has an entry 'history.csv' of 104857600 bytes, more than this plugin accepts (at most 67108864); "
				+ "it is damaged or was not made by this plugin", e.getMessage());
	}

	@Test
	void hugeDeclaredSizesInCraftedHeaders() throws IOException {
		RawZip zip = RawZip.copyOf(valid);
		zip.entry("model.json").size = 0xFFFFFFFFL;
		refused(Problem.TOO_LARGE, zip.toBytes());

		zip = RawZip.copyOf(valid);
		RawZip.Entry json = zip.entry("model.json");
		json.size = 0xFFFFFFFFL;
		json.compressedSize = 0xFFFFFFFFL;
		json.centralExtra = RawZip.zip64Extra(Long.MAX_VALUE, Long.MAX_VALUE);
		Files.write(file, zip.toBytes());
		assertThrows(ModelFileException.class, () -> ModelBundle.read(file));

		zip = RawZip.copyOf(valid);
		zip.entry("weights.params").compressedSize = 0x7FFFFFFFL;
		refused(Problem.DAMAGED, zip.toBytes());

		zip = RawZip.copyOf(valid);
		zip.endEntryCount = 0xFFFFL;
		zip.endDirectorySize = 0xFFFFFFF0L;
		refused(Problem.DAMAGED, zip.toBytes());
	}

	@Test
	void entryThatExpandsBeyondItsDeclaredSizeIsStoppedEarly() throws IOException {
		// declares 100 bytes, holds 50 MB of zeros deflated to about 50 kB: reading stops after 100 bytes
		RawZip zip = RawZip.copyOf(valid);
		RawZip.Entry history = zip.entry("history.csv");
		history.data = RawZip.deflate(new byte[50 << 20]);
		history.compressedSize = history.data.length;
		history.size = 100;
		ModelFileException e = refused(Problem.DAMAGED, zip.toBytes());
		assertEquals("model file " + file + " is damaged (truncated or corrupted: 'history.csv' holds more data than its header says); " + restore, e.getMessage());
	}

	@Test
	void decompressionBombsAreRefused() throws IOException {
		// a text entry honestly declaring 50 MB of zeros stored in about 50 kB: a ratio of 1000
		RawZip zip = RawZip.copyOf(valid);
		RawZip.Entry history = zip.entry("history.csv");
		byte[] zeros = new byte[50 << 20];
		RawZip.Entry bomb = new RawZip.Entry("history.csv", zeros, RawZip.DEFLATED);
		zip.entries.set(zip.entries.indexOf(history), bomb);
		ModelFileException e = refused(Problem.UNSAFE, zip.toBytes());
		assertEquals("model file " + file + " has an entry 'history.csv' that expands to more than 100 times its stored size (a decompression bomb?); "
				+ "refusing to open it: it was not made by this plugin", e.getMessage());

		// the weights: model.json agrees with the bomb's size, so only the ratio stops it
		JsonObject meta = validMetadata();
		meta.addProperty("weights_bytes", zeros.length);
		meta.addProperty("weights_sha256", "0".repeat(64));
		zip = RawZip.copyOf(withMetadata(meta));
		zip.entries.set(zip.entries.indexOf(zip.entry("weights.params")), new RawZip.Entry("weights.params", zeros, RawZip.DEFLATED));
		e = refused(Problem.UNSAFE, zip.toBytes());
		assertTrue(e.getMessage().contains("'weights.params' that expands to more than 100 times its stored size"), e.getMessage());
	}

	@Test
	void wellCompressedSmallEntriesAreFine() throws IOException {
		// 1 MB of one repeated line compresses far more than 100x but stays within the grace amount
		String history = "1,0.5\n".repeat((1 << 20) / 6);
		Path ok = dir.resolve("ok.zip");
		ModelBundle.write(ok, null, new byte[] { 1 }, Map.of("history.csv", history));
		assertEquals(history, ModelBundle.read(ok).textEntry("history.csv").orElseThrow());
	}

	@Test
	void unsupportedCompressionMethod() throws IOException {
		RawZip zip = RawZip.copyOf(valid);
		zip.entry("model.json").method = 12; // bzip2
		refused(Problem.DAMAGED, zip.toBytes());
	}

	@Test
	void peekRefusesTheSameBadFiles() throws IOException {
		Files.write(file, RawZip.copyOf(valid).add("../evil.txt", "x").toBytes());
		assertEquals(Problem.UNSAFE, assertThrows(ModelFileException.class, () -> ModelBundle.peek(file)).problem());
		Files.write(file, Arrays.copyOf(valid, 500));
		assertEquals(Problem.DAMAGED, assertThrows(ModelFileException.class, () -> ModelBundle.peek(file)).problem());
		Files.write(file, "text".getBytes(UTF_8));
		assertEquals(Problem.NOT_A_ZIP, assertThrows(ModelFileException.class, () -> ModelBundle.peek(file)).problem());
	}
}
