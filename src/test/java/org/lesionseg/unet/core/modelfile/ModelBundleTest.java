package org.lesionseg.unet.core.modelfile;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.modelfile.ModelFileException.Problem;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

/** Writing and reading good model files: round trip, the keys the writer adds, atomic replacement. */
class ModelBundleTest {

	@TempDir
	Path dir;

	static byte[] randomBytes(int n, long seed) {
		byte[] bytes = new byte[n];
		new Random(seed).nextBytes(bytes);
		return bytes;
	}

	static JsonObject sampleMetadata() {
		JsonObject meta = new JsonObject();
		meta.addProperty("architecture", "unet");
		meta.addProperty("depth", 4);
		meta.addProperty("best_val_dice", 0.8125);
		JsonArray channels = new JsonArray();
		channels.add("DWI");
		channels.add("ADC");
		meta.add("channels", channels);
		return meta;
	}

	static Map<String, String> sampleTexts() {
		Map<String, String> texts = new LinkedHashMap<>();
		texts.put("history.csv", "epoch,loss,val_dice\n1,0.9,0.1\n2,0.5,0.42\n");
		texts.put("split.json", "{\"train\":[\"a.png\"],\"val\":[\"b.png\"]}");
		texts.put("notes/README.txt", "Läsion ∂ segmentation – ünïcode text\n");
		return texts;
	}

	static String sha256Hex(byte[] bytes) throws Exception {
		byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
		StringBuilder sb = new StringBuilder();
		for (byte b : digest)
			sb.append(String.format("%02x", b & 0xFF));
		return sb.toString();
	}

	private List<String> filesIn(Path folder) throws IOException {
		try (Stream<Path> files = Files.list(folder)) {
			return files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
		}
	}

	@Test
	void roundTripKeepsMetadataWeightsAndTexts() {
		Path file = dir.resolve("model.zip");
		byte[] weights = randomBytes(10_000, 1);
		ModelBundle.write(file, sampleMetadata(), weights, sampleTexts());

		ModelBundle model = ModelBundle.read(file);
		assertArrayEquals(weights, model.weights());
		assertEquals(10_000, model.weightsSize());
		assertEquals("unet", model.metadata().get("architecture").getAsString());
		assertEquals(4, model.metadata().get("depth").getAsInt());
		assertEquals(0.8125, model.metadata().get("best_val_dice").getAsDouble());
		assertEquals("ADC", model.metadata().getAsJsonArray("channels").get(1).getAsString());
		assertEquals(List.of("history.csv", "split.json", "notes/README.txt"), List.copyOf(model.textEntryNames()));
		for (Map.Entry<String, String> text : sampleTexts().entrySet())
			assertEquals(text.getValue(), model.textEntry(text.getKey()).orElseThrow());
		assertTrue(model.textEntry("missing.txt").isEmpty());
		assertEquals(1, model.formatVersion());
		assertEquals(file, model.source());
	}

	@Test
	void openWeightsStreamsTheSameBytes() throws IOException {
		Path file = dir.resolve("model.zip");
		byte[] weights = randomBytes(5000, 2);
		ModelBundle.write(file, null, weights, null);
		try (InputStream in = ModelBundle.read(file).openWeights()) {
			assertArrayEquals(weights, in.readAllBytes());
		}
	}

	@Test
	void writerAddsFormatKeysWithTheRightChecksum() throws Exception {
		Path file = dir.resolve("model.zip");
		byte[] weights = randomBytes(777, 3);
		Instant before = Instant.now();
		ModelBundle.write(file, sampleMetadata(), weights, Map.of("history.csv", "x"));
		Instant after = Instant.now();

		JsonObject meta = ModelBundle.read(file).metadata();
		assertEquals("lesionseg-unet-model", meta.get("format").getAsString());
		assertEquals(1, meta.get("format_version").getAsInt());
		assertEquals(777, meta.get("weights_bytes").getAsLong());
		assertEquals(sha256Hex(weights), meta.get("weights_sha256").getAsString());
		assertEquals("[\"history.csv\"]", meta.get("text_entries").toString());
		Instant created = Instant.parse(meta.get("created").getAsString());
		assertFalse(created.isBefore(before) || created.isAfter(after), created + " not in [" + before + ", " + after + "]");
		assertEquals(created, ModelBundle.read(file).created());
	}

	@Test
	void writerOverwritesReservedKeysButNotTheCallersObject() throws Exception {
		JsonObject meta = sampleMetadata();
		meta.addProperty("format", "something-else");
		meta.addProperty("weights_sha256", "0000");
		meta.addProperty("format_version", 99);
		String callerCopy = meta.toString();
		Path file = dir.resolve("model.zip");
		ModelBundle.write(file, meta, new byte[] { 1, 2, 3 }, null);

		assertEquals(callerCopy, meta.toString());
		JsonObject read = ModelBundle.read(file).metadata();
		assertEquals("lesionseg-unet-model", read.get("format").getAsString());
		assertEquals(1, read.get("format_version").getAsInt());
		assertEquals(sha256Hex(new byte[] { 1, 2, 3 }), read.get("weights_sha256").getAsString());
		assertEquals("unet", read.get("architecture").getAsString());
	}

	@Test
	void metadataCanHoldNaNFromADivergedTraining() {
		JsonObject meta = new JsonObject();
		meta.addProperty("last_loss", Double.NaN);
		Path file = dir.resolve("model.zip");
		ModelBundle.write(file, meta, new byte[] { 1 }, null);
		assertTrue(Double.isNaN(ModelBundle.read(file).metadata().get("last_loss").getAsDouble()));
	}

	@Test
	void streamingWriterRoundTripOfSeveralMegabytes() throws Exception {
		Path file = dir.resolve("big.zip");
		byte[] weights = randomBytes(3 << 20, 4);
		ModelBundle.write(file, null, out -> {
			for (int offset = 0; offset < weights.length; offset += 1000)
				out.write(weights, offset, Math.min(1000, weights.length - offset));
			out.close(); // ignored, as documented
		}, null);
		ModelBundle model = ModelBundle.read(file);
		assertArrayEquals(weights, model.weights());
		assertEquals(sha256Hex(weights), model.metadata().get("weights_sha256").getAsString());
		// stored, not deflated: the file is hardly larger than the weights
		assertTrue(Files.size(file) < weights.length + 2000, "size " + Files.size(file));
	}

	@Test
	void weightsAreCopiedSoCallersCannotChangeThem() {
		Path file = dir.resolve("model.zip");
		ModelBundle.write(file, null, new byte[] { 5, 6, 7 }, null);
		ModelBundle model = ModelBundle.read(file);
		model.weights()[0] = 99;
		model.metadata().addProperty("architecture", "changed");
		assertArrayEquals(new byte[] { 5, 6, 7 }, model.weights());
		assertFalse(model.metadata().has("architecture"));
	}

	@Test
	void writeCreatesParentFoldersAndLeavesNoTemporaryFiles() throws IOException {
		Path file = dir.resolve("runs/2026/model.zip");
		ModelBundle.write(file, null, new byte[] { 1, 2 }, null);
		assertEquals(List.of("model.zip"), filesIn(dir.resolve("runs/2026")));
		assertArrayEquals(new byte[] { 1, 2 }, ModelBundle.read(file).weights());
	}

	@Test
	void relativeTargetPathWorks() throws IOException {
		// a relative path is resolved against the working folder; use a unique name there and clean up
		Path relative = Paths.get("target", "bundle-test-" + System.nanoTime() + ".zip");
		try {
			ModelBundle.write(relative, null, new byte[] { 9 }, null);
			assertArrayEquals(new byte[] { 9 }, ModelBundle.read(relative).weights());
		} finally {
			Files.deleteIfExists(relative);
		}
	}

	@Test
	void writeReplacesAnExistingFile() throws IOException {
		Path file = dir.resolve("model.zip");
		ModelBundle.write(file, null, new byte[] { 1 }, Map.of("a.txt", "old"));
		ModelBundle.write(file, null, new byte[] { 2, 2 }, Map.of("b.txt", "new"));
		ModelBundle model = ModelBundle.read(file);
		assertArrayEquals(new byte[] { 2, 2 }, model.weights());
		assertEquals(Set.of("b.txt"), model.textEntryNames());
		assertEquals(List.of("model.zip"), filesIn(dir));
	}

	@Test
	void failingWeightsWriterKeepsTheExistingFileIntact() throws IOException {
		Path file = dir.resolve("model.zip");
		ModelBundle.write(file, sampleMetadata(), randomBytes(3000, 5), sampleTexts());
		byte[] before = Files.readAllBytes(file);

		ModelFileException e = assertThrows(ModelFileException.class, () -> ModelBundle.write(file, null, out -> {
			out.write(randomBytes(100_000, 6));
			throw new IOException("No space left on device");
		}, null));
		assertEquals(Problem.WRITE_FAILED, e.problem());
		assertEquals("could not save the model to " + file + " (No space left on device); check free disk space and write permission; the previous file is unchanged",
				e.getMessage());
		assertArrayEquals(before, Files.readAllBytes(file));
		assertEquals(List.of("model.zip"), filesIn(dir));

		// an unchecked exception from the writer passes through unchanged, with the same clean-up
		IllegalStateException bug = new IllegalStateException("bug in the weights writer");
		IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> ModelBundle.write(file, null, out -> {
			out.write(1);
			throw bug;
		}, null));
		assertSame(bug, thrown);
		assertArrayEquals(before, Files.readAllBytes(file));
		assertEquals(List.of("model.zip"), filesIn(dir));
	}

	@Test
	void failingWriteOfANewFileLeavesNothing() throws IOException {
		Path file = dir.resolve("new.zip");
		ModelFileException e = assertThrows(ModelFileException.class, () -> ModelBundle.write(file, null, out -> {
			throw new IOException("disk gone");
		}, null));
		assertEquals("could not save the model to " + file + " (disk gone); check free disk space and write permission", e.getMessage());
		assertEquals(List.of(), filesIn(dir));
	}

	@Test
	void weightsWriterThatWritesNothingIsABug() throws IOException {
		Path file = dir.resolve("model.zip");
		assertThrows(IllegalStateException.class, () -> ModelBundle.write(file, null, out -> {}, null));
		assertEquals(List.of(), filesIn(dir));
	}

	@Test
	void writingToAFolderOrAReadOnlyFolderFailsClearly() throws IOException {
		Path folder = Files.createDirectory(dir.resolve("model.zip"));
		ModelFileException e = assertThrows(ModelFileException.class, () -> ModelBundle.write(folder, null, new byte[] { 1 }, null));
		assertEquals(Problem.WRITE_FAILED, e.problem());
		assertEquals("cannot save the model as " + folder + ": it is a folder; choose a file name ending in .zip", e.getMessage());

		Path readOnly = Files.createDirectory(dir.resolve("readonly"));
		Files.setPosixFilePermissions(readOnly, Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_EXECUTE));
		try {
			// running as root, permissions are not enforced: reported as skipped, not as passed
			org.junit.jupiter.api.Assumptions.assumeFalse(Files.isWritable(readOnly), "running as root: permissions are not enforced");
			ModelFileException denied = assertThrows(ModelFileException.class, () -> ModelBundle.write(readOnly.resolve("m.zip"), null, new byte[] { 1 }, null));
			assertEquals("could not save the model to " + readOnly.resolve("m.zip") + " (permission denied); check free disk space and write permission",
					denied.getMessage());
		} finally {
			Files.setPosixFilePermissions(readOnly, Set.of(PosixFilePermission.values()));
		}
	}

	@Test
	void invalidTextEntryNamesAreRefusedBeforeWriting() throws IOException {
		Path file = dir.resolve("model.zip");
		for (String bad : Arrays.asList("", "../evil.txt", "/abs.txt", "a\\b.txt", "a//b.txt", "./a.txt", "model.json", "WEIGHTS.PARAMS", "sp ace.txt", "nul\0.txt",
				"dir/", "x".repeat(201)))
			assertThrows(IllegalArgumentException.class, () -> ModelBundle.write(file, null, new byte[] { 1 }, Map.of(bad, "text")), bad);
		assertEquals(List.of(), filesIn(dir));
	}

	@Test
	void peekReadsMetadataWithoutTheWeights() throws IOException {
		Path file = dir.resolve("model.zip");
		ModelBundle.write(file, sampleMetadata(), randomBytes(4000, 7), null);
		// damage the weights' bytes only: peek does not read them, read does
		RawZip zip = RawZip.copyOf(Files.readAllBytes(file));
		zip.entry("weights.params").data[10] ^= 1;
		Files.write(file, zip.toBytes());

		JsonObject meta = ModelBundle.peek(file);
		assertEquals("unet", meta.get("architecture").getAsString());
		assertEquals(4000, meta.get("weights_bytes").getAsLong());
		ModelFileException e = assertThrows(ModelFileException.class, () -> ModelBundle.read(file));
		assertEquals(Problem.DAMAGED, e.problem());
	}

	@Test
	void modelFileExceptionIsAUnetException() {
		assertTrue(UnetException.class.isAssignableFrom(ModelFileException.class));
		assertEquals("a?b", new ModelFileException(Problem.DAMAGED, "a\nb").getMessage());
	}

	@Test
	void copyNamesForTheBestModel() {
		Path folder = Paths.get("runs");
		assertEquals(folder.resolve("lesions.last.zip"), ModelBundle.checkpointOf(folder.resolve("lesions.zip")));
		assertEquals(folder.resolve("lesions.last.zip"), ModelBundle.checkpointOf(folder.resolve("lesions")));
		assertEquals(folder.resolve("lesions.last.zip"), ModelBundle.otherCopyOf(folder.resolve("lesions.zip")));
		assertEquals(folder.resolve("lesions.zip"), ModelBundle.otherCopyOf(folder.resolve("lesions.last.zip")));
	}

	@Test
	void sameInputAndTimeGiveTheSameBytes() throws IOException {
		Instant created = Instant.parse("2026-01-31T12:00:00Z");
		Path a = dir.resolve("a.zip");
		Path b = dir.resolve("b.zip");
		ModelBundleWriter.write(a, sampleMetadata(), out -> out.write(randomBytes(500, 8)), sampleTexts(), created);
		ModelBundleWriter.write(b, sampleMetadata(), out -> out.write(randomBytes(500, 8)), sampleTexts(), created);
		assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
		assertEquals(created, ModelBundle.read(a).created());
	}

	@Test
	void writtenArchiveHoldsWeightsFirstThenMetadataThenTexts() throws IOException {
		Path file = dir.resolve("model.zip");
		ModelBundle.write(file, null, new byte[] { 1 }, sampleTexts());
		List<String> order = List.copyOf(RawZip.contents(Files.readAllBytes(file)).keySet());
		assertEquals(List.of("weights.params", "model.json", "history.csv", "split.json", "notes/README.txt"), order);
		assertEquals(new String(RawZip.contents(Files.readAllBytes(file)).get("notes/README.txt"), UTF_8), sampleTexts().get("notes/README.txt"));
	}
}
