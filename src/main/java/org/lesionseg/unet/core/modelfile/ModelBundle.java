package org.lesionseg.unet.core.modelfile;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.google.gson.JsonObject;

/**
 * A trained model as one file: a zip archive holding {@code model.json} (metadata), {@code weights.params}
 * (the network weights, opaque bytes here) and optional text entries such as {@code history.csv}.
 * <p>
 * Writing is atomic: the file appears complete under its name or not at all, and an older file under
 * that name survives any failure. Reading trusts nothing in the file: every problem becomes a
 * {@link ModelFileException} whose one-line message names the file and says what to do.
 *
 * <pre>
 * JsonObject meta = new JsonObject();
 * meta.addProperty("architecture", "unet");
 * ModelBundle.write(path, meta, out -&gt; block.saveParameters(new DataOutputStream(out)), Map.of("history.csv", csv));
 *
 * ModelBundle model = ModelBundle.read(path);
 * block.loadParameters(manager, new DataInputStream(model.openWeights()));
 * </pre>
 *
 * The writer adds these keys to model.json, replacing any the caller gave: {@value #KEY_FORMAT},
 * {@value #KEY_FORMAT_VERSION}, {@value #KEY_CREATED}, {@value #KEY_WEIGHTS_BYTES},
 * {@value #KEY_WEIGHTS_SHA256} and {@value #KEY_TEXT_ENTRIES} (the names of the text entries, so that the
 * reader opens only entries it knows).
 */
public final class ModelBundle {

	/** The value of the {@value #KEY_FORMAT} key that marks our model files. */
	public static final String FORMAT = "lesionseg-unet-model";

	/** The format version this code writes and the highest it reads. */
	public static final int FORMAT_VERSION = 1;

	public static final String METADATA_ENTRY = "model.json";
	public static final String WEIGHTS_ENTRY = "weights.params";

	public static final String KEY_FORMAT = "format";
	public static final String KEY_FORMAT_VERSION = "format_version";
	public static final String KEY_CREATED = "created";
	public static final String KEY_WEIGHTS_BYTES = "weights_bytes";
	public static final String KEY_WEIGHTS_SHA256 = "weights_sha256";
	public static final String KEY_TEXT_ENTRIES = "text_entries";

	/** Largest model.json accepted. */
	public static final long MAX_METADATA_BYTES = 4L << 20;

	/** Largest text entry accepted (and written). */
	public static final long MAX_TEXT_ENTRY_BYTES = 64L << 20;

	/**
	 * Largest weights accepted (and written): the largest Java byte array, about 2 GB, since
	 * {@link #weights()} holds them in one array. A U-Net for segmentation needs well under 1 GB.
	 */
	public static final long MAX_WEIGHTS_BYTES = Integer.MAX_VALUE - 8;

	private final Path source;
	private final JsonObject metadata;
	private final int formatVersion;
	private final byte[] weights;
	private final Map<String, String> textEntries;

	ModelBundle(Path source, JsonObject metadata, int formatVersion, byte[] weights, Map<String, String> textEntries) {
		this.source = source;
		this.metadata = metadata;
		this.formatVersion = formatVersion;
		this.weights = weights;
		this.textEntries = Collections.unmodifiableMap(new LinkedHashMap<>(textEntries));
	}

	// ---- writing ------------------------------------------------------------------------------------

	/**
	 * Saves a model file atomically (see {@link #write(Path, JsonObject, WeightsWriter, Map)}).
	 *
	 * @param target the .zip file to create or replace; missing parent folders are created
	 * @param metadata the caller's keys for model.json (copied, not changed); may be null
	 * @param weights the weight bytes, at least one
	 * @param textEntries entry name to UTF-8 text, e.g. "history.csv"; may be null
	 * @throws ModelFileException if the file cannot be written; an existing target is then unchanged
	 */
	public static void write(Path target, JsonObject metadata, byte[] weights, Map<String, String> textEntries) {
		byte[] bytes = weights.clone(); // the caller cannot change them half way through the write
		write(target, metadata, out -> out.write(bytes), textEntries);
	}

	/**
	 * Saves a model file atomically, streaming the weights so they are never held twice in memory.
	 * <p>
	 * The archive is written through {@link org.lesionseg.unet.core.io.AtomicFiles}: a hidden temporary file
	 * {@code .<name>.tmp-<random>} in the target's folder, forced to the disk, then renamed over the target in one
	 * step. If anything fails (the disk is full, or the weights writer throws) the temporary file is deleted and an
	 * existing target is unchanged.
	 *
	 * @param target the .zip file to create or replace; missing parent folders are created
	 * @param metadata the caller's keys for model.json (copied, not changed); may be null
	 * @param weights writes at least one and at most {@link #MAX_WEIGHTS_BYTES} bytes
	 * @param textEntries entry name to UTF-8 text; names are letters, digits, '.', '_', '-' with '/'
	 *        between folders (not model.json or weights.params); may be null
	 * @throws ModelFileException with {@link ModelFileException.Problem#WRITE_FAILED} if the file
	 *         cannot be written, {@link ModelFileException.Problem#TOO_LARGE} if the weights are too large
	 * @throws IllegalArgumentException for an invalid or too large text entry
	 */
	public static void write(Path target, JsonObject metadata, WeightsWriter weights, Map<String, String> textEntries) {
		ModelBundleWriter.write(target, metadata, weights, textEntries);
	}

	// ---- reading ------------------------------------------------------------------------------------

	/**
	 * Reads and checks a whole model file: names, sizes, CRCs, the weights' SHA-256 and byte count.
	 *
	 * @throws ModelFileException for any problem with the file (and nothing else for bad content)
	 */
	public static ModelBundle read(Path file) {
		return new ModelBundleReader(file).read(false);
	}

	/**
	 * Only the metadata, cheaply (for showing a model's information): the archive's entry names and
	 * model.json are checked as in {@link #read(Path)}, the weights are not read or verified.
	 *
	 * @throws ModelFileException for any problem found on the way
	 */
	public static JsonObject peek(Path file) {
		return new ModelBundleReader(file).read(true).metadata();
	}

	/** The file this model was read from. */
	public Path source() {
		return source;
	}

	/** A copy of model.json, including the keys the writer added. */
	public JsonObject metadata() {
		return metadata.deepCopy();
	}

	/** The format version of the file (1 to {@link #FORMAT_VERSION}). */
	public int formatVersion() {
		return formatVersion;
	}

	/** When the file was written. */
	public Instant created() {
		return Instant.parse(metadata.get(KEY_CREATED).getAsString());
	}

	/** A copy of the weight bytes. {@link #openWeights()} gives them without copying. */
	public byte[] weights() {
		return weights.clone();
	}

	/** The weight bytes as a stream, without copying them (e.g. for DJL's loadParameters). */
	public InputStream openWeights() {
		return new ByteArrayInputStream(weights);
	}

	/** The number of weight bytes. */
	public int weightsSize() {
		return weights.length;
	}

	/** The text entry of that name, if the file has one. */
	public Optional<String> textEntry(String name) {
		return Optional.ofNullable(textEntries.get(name));
	}

	/** The names of all text entries, in the order they were written. */
	public Set<String> textEntryNames() {
		return textEntries.keySet();
	}

	// ---- helpers ------------------------------------------------------------------------------------

	/**
	 * Where training keeps the last-epoch checkpoint next to the best model {@code model}: "run.zip" gives
	 * "run.last.zip" in the same folder ("run" also gives "run.last.zip").
	 */
	public static Path checkpointOf(Path model) {
		String name = model.getFileName().toString();
		String stem = name.toLowerCase(java.util.Locale.ROOT).endsWith(".zip") ? name.substring(0, name.length() - 4) : name;
		return model.resolveSibling(stem + ".last.zip");
	}

	/**
	 * The other copy a user can fall back on when {@code model} is damaged: "run.last.zip" for "run.zip" and
	 * "run.zip" for "run.last.zip". Null for a path without a file name.
	 */
	public static Path otherCopyOf(Path model) {
		if (model.getFileName() == null)
			return null;
		String name = model.getFileName().toString();
		if (name.toLowerCase(java.util.Locale.ROOT).endsWith(".last.zip"))
			return model.resolveSibling(name.substring(0, name.length() - ".last.zip".length()) + ".zip");
		return checkpointOf(model);
	}

	static MessageDigest newSha256() {
		return org.lesionseg.unet.core.io.Checksums.newSha256();
	}

	static String hex(byte[] bytes) {
		return org.lesionseg.unet.core.io.Checksums.hex(bytes);
	}
}
