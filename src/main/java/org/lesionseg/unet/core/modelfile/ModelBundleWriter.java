package org.lesionseg.unet.core.modelfile;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.lesionseg.unet.core.io.AtomicFiles;
import org.lesionseg.unet.core.io.Json;
import org.lesionseg.unet.core.modelfile.ModelFileException.Problem;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/**
 * Writes a {@link ModelBundle} (the zip format of model files) through {@link AtomicFiles}, so that a crash, a
 * full disk or a failing weights writer never leaves a half written file under the target name. model.json is
 * written with {@link Json#GSON} (pretty, for people; NaN and infinities kept, e.g. a diverged loss).
 */
final class ModelBundleWriter {

	private ModelBundleWriter() {}

	static void write(Path target, JsonObject metadata, WeightsWriter weights, Map<String, String> textEntries) {
		write(target, metadata, weights, textEntries, Instant.now());
	}

	/** As {@link #write(Path, JsonObject, WeightsWriter, Map)} with a given creation time: same input, same bytes. */
	static void write(Path target, JsonObject metadata, WeightsWriter weights, Map<String, String> textEntries, Instant created) {
		Objects.requireNonNull(target, "target");
		Objects.requireNonNull(weights, "weights");
		Map<String, byte[]> texts = encodedTextEntries(textEntries == null ? Map.of() : textEntries);
		Path absolute = target.toAbsolutePath();
		Path folder = absolute.getParent();
		if (folder == null || absolute.getFileName() == null)
			throw new IllegalArgumentException("not a file path: " + target);
		try {
			Files.createDirectories(folder);
		} catch (IOException e) {
			throw new ModelFileException(Problem.WRITE_FAILED, "could not create the folder " + folder + " for the model file (" + ModelBundleReader.describe(e)
					+ "); check the path and your write permission", e);
		}
		if (Files.isDirectory(absolute))
			throw new ModelFileException(Problem.WRITE_FAILED, "cannot save the model as " + target + ": it is a folder; choose a file name ending in .zip");

		boolean targetExisted = Files.exists(absolute);
		JsonObject callerMetadata = metadata == null ? new JsonObject() : metadata;
		try {
			AtomicFiles.writeOrThrow(absolute, out -> writeArchive(out, callerMetadata, weights, texts, created));
		} catch (IOException e) {
			String reason = e instanceof AccessDeniedException ? "permission denied" : ModelBundleReader.describe(e);
			throw new ModelFileException(Problem.WRITE_FAILED, "could not save the model to " + target + " (" + reason + "); check free disk space and write permission"
					+ (targetExisted ? "; the previous file is unchanged" : ""), e);
		}
	}

	/** Validates names and encodes the texts once, before anything is written. */
	private static Map<String, byte[]> encodedTextEntries(Map<String, String> textEntries) {
		Map<String, byte[]> encoded = new LinkedHashMap<>();
		if (textEntries.size() > ModelBundleReader.MAX_TEXT_ENTRIES)
			throw new IllegalArgumentException("at most " + ModelBundleReader.MAX_TEXT_ENTRIES + " text entries, got " + textEntries.size());
		long total = 0;
		for (Map.Entry<String, String> entry : textEntries.entrySet()) {
			String name = entry.getKey();
			if (!EntryNames.isValidTextEntryName(name))
				throw new IllegalArgumentException("invalid text entry name " + (name == null ? "null" : EntryNames.quote(name))
						+ ": use letters, digits, '.', '_', '-' and '/' between folders, not " + ModelBundle.METADATA_ENTRY + " or " + ModelBundle.WEIGHTS_ENTRY);
			byte[] bytes = Objects.requireNonNull(entry.getValue(), "text of " + name).getBytes(UTF_8);
			if (bytes.length > ModelBundle.MAX_TEXT_ENTRY_BYTES)
				throw new IllegalArgumentException("text entry " + name + " has " + bytes.length + " bytes, at most " + ModelBundle.MAX_TEXT_ENTRY_BYTES + " are allowed");
			total += bytes.length;
			if (total > ModelBundleReader.MAX_TOTAL_TEXT_BYTES)
				throw new IllegalArgumentException("text entries have more than " + ModelBundleReader.MAX_TOTAL_TEXT_BYTES + " bytes together");
			encoded.put(name, bytes);
		}
		return encoded;
	}

	/**
	 * Weights first (so their checksum is known when model.json is written), then model.json, then the
	 * texts. Weights are stored without compression: trained float weights barely compress, this is
	 * faster both ways, and their expansion ratio stays far below the reader's bomb limit.
	 */
	private static void writeArchive(OutputStream out, JsonObject callerMetadata, WeightsWriter weights, Map<String, byte[]> texts, Instant created)
			throws IOException {
		LocalDateTime entryTime = LocalDateTime.ofInstant(created, ZoneOffset.UTC); // no time zone in the bytes
		try (ZipOutputStream zip = new ZipOutputStream(out, UTF_8)) {
			zip.setLevel(Deflater.NO_COMPRESSION);
			zip.putNextEntry(newEntry(ModelBundle.WEIGHTS_ENTRY, entryTime));
			WeightsSink sink = new WeightsSink(zip);
			weights.write(sink);
			sink.finish();
			zip.closeEntry();

			zip.setLevel(Deflater.DEFAULT_COMPRESSION);
			JsonObject metadata = withFormatKeys(callerMetadata, created, ModelBundle.hex(sink.sha256.digest()), sink.count, texts);
			putEntry(zip, newEntry(ModelBundle.METADATA_ENTRY, entryTime), Json.GSON.toJson(metadata).getBytes(UTF_8));
			for (Map.Entry<String, byte[]> text : texts.entrySet())
				putEntry(zip, newEntry(text.getKey(), entryTime), text.getValue());
			zip.finish();
		}
	}

	/** Our keys first (in a fixed order, for people reading the file), then the caller's other keys. */
	private static JsonObject withFormatKeys(JsonObject callerMetadata, Instant created, String sha256, long weightsBytes, Map<String, byte[]> texts) {
		JsonObject metadata = new JsonObject();
		metadata.addProperty(ModelBundle.KEY_FORMAT, ModelBundle.FORMAT);
		metadata.addProperty(ModelBundle.KEY_FORMAT_VERSION, ModelBundle.FORMAT_VERSION);
		metadata.addProperty(ModelBundle.KEY_CREATED, created.toString());
		metadata.addProperty(ModelBundle.KEY_WEIGHTS_BYTES, weightsBytes);
		metadata.addProperty(ModelBundle.KEY_WEIGHTS_SHA256, sha256);
		JsonArray names = new JsonArray();
		texts.keySet().forEach(names::add);
		metadata.add(ModelBundle.KEY_TEXT_ENTRIES, names);
		for (Map.Entry<String, JsonElement> entry : callerMetadata.entrySet())
			if (!metadata.has(entry.getKey()))
				metadata.add(entry.getKey(), entry.getValue().deepCopy());
		return metadata;
	}

	private static ZipEntry newEntry(String name, LocalDateTime time) {
		ZipEntry entry = new ZipEntry(name);
		entry.setTimeLocal(time);
		return entry;
	}

	private static void putEntry(ZipOutputStream zip, ZipEntry entry, byte[] bytes) throws IOException {
		zip.putNextEntry(entry);
		zip.write(bytes);
		zip.closeEntry();
	}

	/**
	 * The stream handed to a {@link WeightsWriter}: counts, hashes, refuses more than the reader accepts,
	 * and ignores close() so the writer cannot close the archive under us.
	 */
	private static final class WeightsSink extends OutputStream {
		private final OutputStream zip;
		final MessageDigest sha256 = ModelBundle.newSha256();
		long count;
		private boolean finished;

		WeightsSink(OutputStream zip) {
			this.zip = zip;
		}

		@Override
		public void write(int b) throws IOException {
			checkRoom(1);
			zip.write(b);
			sha256.update((byte) b);
			count++;
		}

		@Override
		public void write(byte[] b, int off, int len) throws IOException {
			Objects.checkFromIndexSize(off, len, b.length);
			checkRoom(len);
			zip.write(b, off, len);
			sha256.update(b, off, len);
			count += len;
		}

		private void checkRoom(int len) throws IOException {
			if (finished)
				throw new IOException("the weights writer wrote after it returned");
			if (count + len > ModelBundle.MAX_WEIGHTS_BYTES)
				throw new ModelFileException(Problem.TOO_LARGE, "the weights have more than " + ModelBundle.MAX_WEIGHTS_BYTES
						+ " bytes, more than a model file can hold; use a smaller network");
		}

		/** Called after the writer returns; an empty weights file means the writer did nothing. */
		void finish() {
			finished = true;
			if (count == 0)
				throw new IllegalStateException("the weights writer wrote no bytes");
		}

		@Override
		public void flush() {
			// Flushed once at the end: flushing the archive on every call would only slow it down.
		}

		@Override
		public void close() {
			// The archive is closed by us, after the writer has returned.
		}
	}
}
