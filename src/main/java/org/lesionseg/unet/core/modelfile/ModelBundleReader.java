package org.lesionseg.unet.core.modelfile;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

import org.lesionseg.unet.core.modelfile.ModelFileException.Problem;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;

/**
 * Reads a {@link ModelBundle} (the zip format of model files) defensively: the file may be truncated, corrupted,
 * made by another tool or crafted.
 * <p>
 * It uses {@link ZipFile} (the central directory at the end of the archive is the one source of entry
 * names and sizes), never extracts anything to disk and reads only the entries it knows: model.json,
 * weights.params and the text entries listed in model.json, each once. Every entry is read through a
 * counter that stops at a limit of our own, whatever sizes the archive declares, and checks the
 * expansion ratio, the declared size and the CRC. Whatever goes wrong becomes a {@link ModelFileException}.
 */
final class ModelBundleReader {

	/** Below this many expanded bytes any compression ratio is accepted: small files can compress well. */
	static final long RATIO_GRACE_BYTES = 1 << 20;

	/**
	 * Highest accepted ratio of expanded to stored size beyond {@link #RATIO_GRACE_BYTES}. Our writer stores
	 * weights uncompressed and JSON/CSV text compresses about 10x; deflate can reach about 1000x, so any
	 * entry above 100x is a decompression bomb, not a model.
	 */
	static final long MAX_EXPANSION_RATIO = 100;

	/** Sum of all text entries, so that many entries each under the limit cannot exhaust the memory. */
	static final long MAX_TOTAL_TEXT_BYTES = 128L << 20;

	/** How deeply arrays and objects may nest in model.json (ours nests 3 levels). */
	static final int MAX_JSON_NESTING = 64;

	/** How many text entries model.json may list. */
	static final int MAX_TEXT_ENTRIES = 1000;

	private static final byte[] LOCAL_HEADER_MAGIC = { 'P', 'K', 3, 4 };
	private static final byte[] EMPTY_ARCHIVE_MAGIC = { 'P', 'K', 5, 6 };
	private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");
	private static final Pattern DIGITS = Pattern.compile("[0-9]+");

	private final Path file;
	private long fileSize;

	ModelBundleReader(Path file) {
		this.file = Objects.requireNonNull(file, "file");
	}

	/** Reads and checks everything; with {@code metadataOnly} the weights and text entries are not read. */
	ModelBundle read(boolean metadataOnly) {
		checkIsNonEmptyZipFile();
		try (ZipFile zip = new ZipFile(file.toFile(), ZipFile.OPEN_READ, UTF_8)) {
			return readArchive(zip, metadataOnly);
		} catch (ModelFileException e) {
			throw e;
		} catch (AccessDeniedException e) {
			throw new ModelFileException(Problem.UNREADABLE, "model file " + file + " cannot be read (permission denied); check the file's permissions", e);
		} catch (ZipException | EOFException | RuntimeException | InternalError e) {
			// java.util.zip reports malformed archives with all of these (also IllegalArgumentException,
			// IndexOutOfBoundsException, ... on crafted headers); InternalError comes from zlib on broken streams.
			throw damaged(describe(e), e);
		} catch (IOException e) {
			throw new ModelFileException(Problem.UNREADABLE, "model file " + file + " could not be read (" + describe(e) + "); check the disk and that no other program is writing the file", e);
		}
	}

	// ---- the file as a whole ------------------------------------------------------------------------

	private void checkIsNonEmptyZipFile() {
		if (Files.isDirectory(file))
			throw new ModelFileException(Problem.NOT_A_FILE, "model file " + file + " is a folder, not a model file; choose the model's .zip file");
		if (!Files.exists(file))
			throw new ModelFileException(Problem.NOT_FOUND, "model file " + file + " does not exist; check the folder and the file name");
		if (!Files.isRegularFile(file))
			throw new ModelFileException(Problem.NOT_A_FILE, "model file " + file + " is not a regular file; choose the model's .zip file");
		byte[] head;
		try (InputStream in = Files.newInputStream(file)) {
			fileSize = Files.size(file);
			head = in.readNBytes(4);
		} catch (AccessDeniedException e) {
			throw new ModelFileException(Problem.UNREADABLE, "model file " + file + " cannot be read (permission denied); check the file's permissions", e);
		} catch (NoSuchFileException e) {
			throw new ModelFileException(Problem.NOT_FOUND, "model file " + file + " does not exist; check the folder and the file name", e);
		} catch (IOException e) {
			throw new ModelFileException(Problem.UNREADABLE, "model file " + file + " could not be read (" + describe(e) + "); check the disk and the file's permissions", e);
		}
		if (head.length == 0)
			throw new ModelFileException(Problem.EMPTY, "model file " + file + " is empty (0 bytes), probably from an interrupted save; " + remedy());
		if (Arrays.equals(head, LOCAL_HEADER_MAGIC) || Arrays.equals(head, EMPTY_ARCHIVE_MAGIC))
			return;
		if (head.length < 4 && Arrays.equals(head, Arrays.copyOf(LOCAL_HEADER_MAGIC, head.length)))
			throw damaged("only " + head.length + " bytes long", null);
		throw new ModelFileException(Problem.NOT_A_ZIP, file + " is not a model file (not a zip archive); choose a .zip model saved by UNet Segmentation");
	}

	// ---- the archive --------------------------------------------------------------------------------

	private ModelBundle readArchive(ZipFile zip, boolean metadataOnly) throws IOException {
		Map<String, ZipEntry> entries = checkedEntries(zip);

		ZipEntry metadataEntry = entries.get(ModelBundle.METADATA_ENTRY);
		if (metadataEntry == null)
			throw new ModelFileException(Problem.NOT_A_MODEL, file + " is a zip file but not a UNet Segmentation model (no " + ModelBundle.METADATA_ENTRY + "); was it made by another tool?");
		byte[] metadataBytes = readEntry(zip, metadataEntry, ModelBundle.MAX_METADATA_BYTES, null);
		JsonObject metadata = parseMetadata(metadataBytes);
		int formatVersion = checkFormat(metadata);
		String expectedSha = checkedSha256(metadata);
		long weightsBytes = checkedWeightsBytes(metadata);
		checkCreated(metadata);
		List<String> textNames = checkedTextEntryNames(metadata);

		ZipEntry weightsEntry = entries.get(ModelBundle.WEIGHTS_ENTRY);
		if (weightsEntry == null)
			throw damaged("no " + ModelBundle.WEIGHTS_ENTRY + " entry", null);
		if (weightsEntry.getSize() != weightsBytes)
			throw damaged(ModelBundle.WEIGHTS_ENTRY + " has " + weightsEntry.getSize() + " bytes but " + ModelBundle.METADATA_ENTRY + " says " + weightsBytes, null);
		for (String name : textNames)
			if (!entries.containsKey(name))
				throw damaged("the text entry " + EntryNames.quote(name) + " listed in " + ModelBundle.METADATA_ENTRY + " is missing", null);
		if (metadataOnly)
			return new ModelBundle(file, metadata, formatVersion, null, Collections.emptyMap());

		MessageDigest sha = ModelBundle.newSha256();
		byte[] weights = readEntry(zip, weightsEntry, weightsBytes, sha);
		if (!ModelBundle.hex(sha.digest()).equals(expectedSha))
			throw damaged("the weights do not match their checksum in " + ModelBundle.METADATA_ENTRY, null);

		Map<String, String> texts = new LinkedHashMap<>();
		long textTotal = 0;
		for (String name : textNames) {
			ZipEntry entry = entries.get(name);
			byte[] bytes = readEntry(zip, entry, Math.min(ModelBundle.MAX_TEXT_ENTRY_BYTES, MAX_TOTAL_TEXT_BYTES - textTotal), null);
			textTotal += bytes.length;
			texts.put(name, decodeUtf8(bytes, name));
		}
		return new ModelBundle(file, metadata, formatVersion, weights, texts);
	}

	/**
	 * All entries by name, after refusing path-like names (zip slip) and duplicates anywhere in the
	 * archive, also in entries we would never read: such a file was crafted or made by a broken tool.
	 */
	private Map<String, ZipEntry> checkedEntries(ZipFile zip) {
		Map<String, ZipEntry> byName = new HashMap<>();
		Enumeration<? extends ZipEntry> all = zip.entries();
		while (all.hasMoreElements()) {
			ZipEntry entry = all.nextElement();
			String name = entry.getName();
			String reason = EntryNames.unsafeReason(name);
			if (reason != null)
				throw new ModelFileException(Problem.UNSAFE, "model file " + file + " contains an unsafe entry name " + EntryNames.quote(name) + " (" + reason
						+ "); refusing to open it: it was not made by this plugin");
			if (byName.put(name, entry) != null)
				throw new ModelFileException(Problem.UNSAFE, "model file " + file + " contains the entry " + EntryNames.quote(name)
						+ " twice; refusing to open it: it was not made by this plugin");
		}
		return byName;
	}

	/**
	 * The bytes of one entry, read through our own limits: at most {@code limit} bytes, never more than
	 * the declared size, never more than {@link #MAX_EXPANSION_RATIO} times the stored size (after a grace
	 * amount), and the CRC must match. The declared sizes come from the file, so checking them first only
	 * refuses early; the bytes counted while inflating are what enforce the limits. The buffer grows with
	 * the bytes actually read, starting from at most about twice the stored size (itself at most the file
	 * size), so a crafted declared size cannot make us allocate much.
	 */
	private byte[] readEntry(ZipFile zip, ZipEntry entry, long limit, MessageDigest digest) throws IOException {
		String name = entry.getName();
		long declared = entry.getSize();
		long stored = entry.getCompressedSize();
		if (declared > limit)
			throw tooLarge(name, declared, limit);
		if (stored < 0 || declared < 0 || stored > fileSize)
			throw damaged("the sizes recorded for " + EntryNames.quote(name) + " are impossible", null);
		if (declared > RATIO_GRACE_BYTES && declared / MAX_EXPANSION_RATIO > stored)
			throw bomb(name);
		GrowingBuffer buffer = new GrowingBuffer((int) Math.min(declared, 2 * stored + 8192));
		CRC32 crc = new CRC32();
		byte[] chunk = new byte[(int) Math.min(1 << 16, Math.max(declared, 512))];
		long count = 0;
		try (InputStream in = zip.getInputStream(entry)) {
			int n;
			while ((n = in.read(chunk)) >= 0) {
				count += n;
				if (count > declared)
					throw damaged(EntryNames.quote(name) + " holds more data than its header says", null);
				if (count > RATIO_GRACE_BYTES && count / MAX_EXPANSION_RATIO > stored)
					throw bomb(name);
				crc.update(chunk, 0, n);
				if (digest != null)
					digest.update(chunk, 0, n);
				buffer.append(chunk, n);
			}
		}
		if (count != declared)
			throw damaged(EntryNames.quote(name) + " ends after " + count + " of " + declared + " bytes", null);
		if (crc.getValue() != entry.getCrc())
			throw damaged(EntryNames.quote(name) + " fails its CRC check", null);
		return buffer.toArray();
	}

	// ---- model.json ---------------------------------------------------------------------------------

	private JsonObject parseMetadata(byte[] bytes) {
		String text = decodeUtf8(bytes, ModelBundle.METADATA_ENTRY);
		if (text.startsWith("\uFEFF"))
			text = text.substring(1); // a byte-order mark from an editor is harmless
		JsonElement root;
		try {
			root = JsonParser.parseString(text);
		} catch (RuntimeException e) {
			// The CRC was right, so the file is as written: edited by hand or written by another tool.
			throw new ModelFileException(Problem.DAMAGED, "model file " + file + " has a " + ModelBundle.METADATA_ENTRY + " that is not valid JSON (" + describe(e)
					+ "); was it edited by hand? " + capitalize(remedy()), e);
		}
		// Gson parses deep nesting without recursion, but copying or mapping the tree recurses once per level
		if (nestingDepth(text) > MAX_JSON_NESTING)
			throw new ModelFileException(Problem.UNSAFE, "model file " + file + " has a " + ModelBundle.METADATA_ENTRY + " nested more than " + MAX_JSON_NESTING
					+ " levels deep; refusing to open it: it was not made by this plugin");
		if (!root.isJsonObject())
			throw new ModelFileException(Problem.NOT_A_MODEL, file + " is a zip file but not a UNet Segmentation model (its " + ModelBundle.METADATA_ENTRY
					+ " is not a JSON object); was it made by another tool?");
		return root.getAsJsonObject();
	}

	/**
	 * How deeply arrays and objects nest in a JSON text (brackets inside strings do not count). A crafted file of
	 * a few megabytes of brackets would overflow the stack of whatever copies or maps the parsed tree.
	 */
	static int nestingDepth(String json) {
		int depth = 0, max = 0;
		boolean inString = false;
		for (int i = 0; i < json.length(); i++) {
			char c = json.charAt(i);
			if (inString) {
				if (c == '\\')
					i++;
				else if (c == '"')
					inString = false;
			} else if (c == '"') {
				inString = true;
			} else if (c == '[' || c == '{') {
				max = Math.max(max, ++depth);
			} else if (c == ']' || c == '}') {
				depth--;
			}
		}
		return max;
	}

	/** Checks the format name and returns the format version, refusing newer versions with a clear hint. */
	private int checkFormat(JsonObject metadata) {
		String format = stringOrNull(metadata.get(ModelBundle.KEY_FORMAT));
		if (!ModelBundle.FORMAT.equals(format))
			throw new ModelFileException(Problem.NOT_A_MODEL, file + " is a zip file but not a UNet Segmentation model ("
					+ (format == null ? "no '" + ModelBundle.KEY_FORMAT + "' in " + ModelBundle.METADATA_ENTRY : "format " + EntryNames.quote(format))
					+ "); was it made by another tool?");
		String version = integerLiteralOrNull(metadata.get(ModelBundle.KEY_FORMAT_VERSION));
		if (version == null)
			throw badKey(ModelBundle.KEY_FORMAT_VERSION, "a whole number");
		if (version.length() > 9 || Integer.parseInt(version) > ModelBundle.FORMAT_VERSION)
			throw new ModelFileException(Problem.NEWER_VERSION, "model file " + file + " was written by a newer version (format "
					+ (version.length() > 12 ? version.substring(0, 12) + "..." : version) + ", this plugin reads up to " + ModelBundle.FORMAT_VERSION + "); update the plugin");
		int parsed = Integer.parseInt(version);
		if (parsed < 1)
			throw badKey(ModelBundle.KEY_FORMAT_VERSION, "a whole number from 1");
		return parsed;
	}

	private String checkedSha256(JsonObject metadata) {
		String sha = stringOrNull(metadata.get(ModelBundle.KEY_WEIGHTS_SHA256));
		if (sha == null || !SHA256_HEX.matcher(sha).matches())
			throw badKey(ModelBundle.KEY_WEIGHTS_SHA256, "64 hexadecimal digits");
		return sha.toLowerCase(Locale.ROOT);
	}

	private long checkedWeightsBytes(JsonObject metadata) {
		String literal = integerLiteralOrNull(metadata.get(ModelBundle.KEY_WEIGHTS_BYTES));
		if (literal == null)
			throw badKey(ModelBundle.KEY_WEIGHTS_BYTES, "a whole number");
		if (literal.length() > 18 || Long.parseLong(literal) > ModelBundle.MAX_WEIGHTS_BYTES)
			throw new ModelFileException(Problem.TOO_LARGE, "model file " + file + " declares " + (literal.length() > 18 ? "more than 10^18" : literal)
					+ " bytes of weights, more than this plugin can load (at most " + ModelBundle.MAX_WEIGHTS_BYTES + "); it is damaged or was not made by this plugin");
		return Long.parseLong(literal);
	}

	private void checkCreated(JsonObject metadata) {
		String created = stringOrNull(metadata.get(ModelBundle.KEY_CREATED));
		try {
			if (created == null)
				throw badKey(ModelBundle.KEY_CREATED, "a date and time");
			Instant.parse(created);
		} catch (DateTimeParseException e) {
			throw badKey(ModelBundle.KEY_CREATED, "a date and time such as 2026-01-31T12:00:00Z");
		}
	}

	/** The text entries listed in model.json (none if the key is absent), each a valid name, once. */
	private List<String> checkedTextEntryNames(JsonObject metadata) {
		JsonElement listed = metadata.get(ModelBundle.KEY_TEXT_ENTRIES);
		if (listed == null)
			return Collections.emptyList();
		if (!listed.isJsonArray() || listed.getAsJsonArray().size() > MAX_TEXT_ENTRIES)
			throw badKey(ModelBundle.KEY_TEXT_ENTRIES, "a list of at most " + MAX_TEXT_ENTRIES + " entry names");
		JsonArray array = listed.getAsJsonArray();
		List<String> names = new ArrayList<>(array.size());
		Set<String> seen = new HashSet<>();
		for (JsonElement element : array) {
			String name = stringOrNull(element);
			if (!EntryNames.isValidTextEntryName(name) || !seen.add(name))
				throw badKey(ModelBundle.KEY_TEXT_ENTRIES, "a list of distinct simple entry names");
			names.add(name);
		}
		return names;
	}

	private static String stringOrNull(JsonElement element) {
		if (element == null || !element.isJsonPrimitive() || !element.getAsJsonPrimitive().isString())
			return null;
		return element.getAsString();
	}

	/**
	 * The digits of a JSON whole number, or null. Numbers are checked as text: converting a crafted
	 * literal such as 1e999999999 with Gson's getAsLong can take minutes.
	 */
	private static String integerLiteralOrNull(JsonElement element) {
		if (element == null || !element.isJsonPrimitive())
			return null;
		JsonPrimitive primitive = element.getAsJsonPrimitive();
		if (!primitive.isNumber())
			return null;
		String literal = primitive.getAsString();
		return DIGITS.matcher(literal).matches() ? literal : null; // JSON has no leading zeros: Gson reads "007" as text
	}

	private String decodeUtf8(byte[] bytes, String entryName) {
		try {
			return UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
					.decode(ByteBuffer.wrap(bytes)).toString();
		} catch (CharacterCodingException e) {
			throw damaged(EntryNames.quote(entryName) + " is not UTF-8 text", e);
		}
	}

	// ---- messages -----------------------------------------------------------------------------------

	private ModelFileException badKey(String key, String expected) {
		return new ModelFileException(Problem.DAMAGED, "model file " + file + " has a " + ModelBundle.METADATA_ENTRY + " whose '" + key + "' is missing or not "
				+ expected + "; was it edited by hand? " + capitalize(remedy()));
	}

	private ModelFileException damaged(String detail, Throwable cause) {
		return new ModelFileException(Problem.DAMAGED, "model file " + file + " is damaged (truncated or corrupted: " + detail + "); " + remedy(), cause);
	}

	private ModelFileException tooLarge(String entryName, long size, long limit) {
		return new ModelFileException(Problem.TOO_LARGE, "model file " + file + " has an entry " + EntryNames.quote(entryName) + " of " + size
				+ " bytes, more than this plugin accepts (at most " + limit + "); it is damaged or was not made by this plugin");
	}

	private ModelFileException bomb(String entryName) {
		return new ModelFileException(Problem.UNSAFE, "model file " + file + " has an entry " + EntryNames.quote(entryName) + " that expands to more than "
				+ MAX_EXPANSION_RATIO + " times its stored size (a decompression bomb?); refusing to open it: it was not made by this plugin");
	}

	/** What to do about a damaged file: point at the other copy when there is one. */
	private String remedy() {
		Path other = ModelBundle.otherCopyOf(file);
		if (other != null && Files.isRegularFile(other))
			return "use the copy saved as " + other.getFileName() + " or retrain the model";
		return "restore it from a backup or retrain the model";
	}

	private static String capitalize(String text) {
		return Character.toUpperCase(text.charAt(0)) + text.substring(1);
	}

	/** A short, one-line description of an exception (Gson puts whole JSON paths into its messages). */
	static String describe(Throwable e) {
		String message = e.getMessage();
		String text = message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
		text = ModelFileException.oneLine(text);
		return text.length() > 120 ? text.substring(0, 117) + "..." : text;
	}

	/** A byte array that grows with the data actually read, so its size never trusts a header. */
	private static final class GrowingBuffer {
		private byte[] bytes;
		private int size;

		GrowingBuffer(int initialCapacity) {
			bytes = new byte[Math.max(initialCapacity, 16)];
		}

		void append(byte[] source, int length) {
			if (size + length > bytes.length) {
				long grown = Math.max((long) size + length, bytes.length + (bytes.length >> 1));
				bytes = Arrays.copyOf(bytes, (int) Math.min(grown, ModelBundle.MAX_WEIGHTS_BYTES));
			}
			System.arraycopy(source, 0, bytes, size, length);
			size += length;
		}

		byte[] toArray() {
			return size == bytes.length ? bytes : Arrays.copyOf(bytes, size);
		}
	}
}
