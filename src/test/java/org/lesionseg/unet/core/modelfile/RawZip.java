package org.lesionseg.unet.core.modelfile;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Builds zip archives byte by byte, with full control over what java.util.zip would refuse to write:
 * duplicate or path-like names, declared sizes that lie, wrong CRCs, odd offsets and directory counts.
 * Used to craft the evil files of the tests.
 */
final class RawZip {

	static final int STORED = 0;
	static final int DEFLATED = 8;

	/** One entry; the declared fields start correct for {@code data} and can be overwritten to lie. */
	static final class Entry {
		byte[] name;
		int method;
		byte[] data; // the bytes as stored in the archive (deflated for DEFLATED)
		long crc;
		long size;
		long compressedSize;
		Long localOffset; // null: the real offset
		byte[] centralExtra = new byte[0];

		Entry(String name, byte[] content, int method) {
			this.name = name.getBytes(UTF_8);
			this.method = method;
			this.data = method == DEFLATED ? deflate(content) : content.clone();
			CRC32 crc32 = new CRC32();
			crc32.update(content);
			this.crc = crc32.getValue();
			this.size = content.length;
			this.compressedSize = data.length;
		}
	}

	final List<Entry> entries = new ArrayList<>();
	/** Overrides of the end record, null for the real values. */
	Long endEntryCount;
	Long endDirectorySize;
	Long endDirectoryOffset;

	RawZip add(String name, byte[] content) {
		return add(new Entry(name, content, DEFLATED));
	}

	RawZip add(String name, String text) {
		return add(name, text.getBytes(UTF_8));
	}

	RawZip add(Entry entry) {
		entries.add(entry);
		return this;
	}

	/** All entries of a zip written by java.util.zip, in order (names must be unique there). */
	static RawZip copyOf(byte[] zipBytes) {
		RawZip zip = new RawZip();
		for (Map.Entry<String, byte[]> e : contents(zipBytes).entrySet())
			zip.add(e.getKey(), e.getValue());
		return zip;
	}

	/** Entry name to content of a well-formed zip. */
	static Map<String, byte[]> contents(byte[] zipBytes) {
		Map<String, byte[]> map = new LinkedHashMap<>();
		try (ZipInputStream in = new ZipInputStream(new java.io.ByteArrayInputStream(zipBytes), UTF_8)) {
			ZipEntry entry;
			while ((entry = in.getNextEntry()) != null)
				map.put(entry.getName(), in.readAllBytes());
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		return map;
	}

	Entry entry(String name) {
		for (Entry e : entries)
			if (new String(e.name, UTF_8).equals(name))
				return e;
		throw new IllegalArgumentException(name);
	}

	byte[] toBytes() {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		List<Long> offsets = new ArrayList<>();
		for (Entry e : entries) {
			offsets.add((long) out.size());
			int32(out, 0x04034b50);
			int16(out, 20);
			int16(out, 0x800); // names are UTF-8
			int16(out, e.method);
			int16(out, 0);
			int16(out, 0x21); // 1980-01-01
			int32(out, e.crc);
			int32(out, e.compressedSize);
			int32(out, e.size);
			int16(out, e.name.length);
			int16(out, 0);
			out.writeBytes(e.name);
			out.writeBytes(e.data);
		}
		long directoryOffset = out.size();
		for (int i = 0; i < entries.size(); i++) {
			Entry e = entries.get(i);
			int32(out, 0x02014b50);
			int16(out, 20);
			int16(out, 20);
			int16(out, 0x800);
			int16(out, e.method);
			int16(out, 0);
			int16(out, 0x21);
			int32(out, e.crc);
			int32(out, e.compressedSize);
			int32(out, e.size);
			int16(out, e.name.length);
			int16(out, e.centralExtra.length);
			int16(out, 0);
			int16(out, 0);
			int16(out, 0);
			int32(out, 0);
			int32(out, e.localOffset != null ? e.localOffset : offsets.get(i));
			out.writeBytes(e.name);
			out.writeBytes(e.centralExtra);
		}
		long directorySize = out.size() - directoryOffset;
		int32(out, 0x06054b50);
		int16(out, 0);
		int16(out, 0);
		long count = endEntryCount != null ? endEntryCount : entries.size();
		int16(out, count);
		int16(out, count);
		int32(out, endDirectorySize != null ? endDirectorySize : directorySize);
		int32(out, endDirectoryOffset != null ? endDirectoryOffset : directoryOffset);
		int16(out, 0);
		return out.toByteArray();
	}

	/** Raw deflate (no zlib header), as zip uses it. */
	static byte[] deflate(byte[] content) {
		Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
		try {
			deflater.setInput(content);
			deflater.finish();
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			byte[] buffer = new byte[1 << 16];
			while (!deflater.finished())
				out.write(buffer, 0, deflater.deflate(buffer));
			return out.toByteArray();
		} finally {
			deflater.end();
		}
	}

	/** A zip64 extended-information extra field holding these 8-byte values (size, compressed size, ...). */
	static byte[] zip64Extra(long... values) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		int16(out, 0x0001);
		int16(out, 8 * values.length);
		for (long v : values) {
			int32(out, v & 0xFFFFFFFFL);
			int32(out, v >>> 32);
		}
		return out.toByteArray();
	}

	private static void int16(ByteArrayOutputStream out, long v) {
		out.write((int) (v & 0xFF));
		out.write((int) ((v >> 8) & 0xFF));
	}

	private static void int32(ByteArrayOutputStream out, long v) {
		int16(out, v & 0xFFFF);
		int16(out, (v >> 16) & 0xFFFF);
	}
}
