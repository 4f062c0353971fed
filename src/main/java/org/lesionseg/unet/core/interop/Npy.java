package org.lesionseg.unet.core.interop;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.lesionseg.unet.core.UnetException;

/** NumPy's {@code .npy} format (version 1.0) for little-endian float32 arrays in C order: bioimage.io's test tensors. */
public final class Npy {

	private static final byte[] MAGIC = { (byte) 0x93, 'N', 'U', 'M', 'P', 'Y' };
	private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

	private Npy() {
	}

	/** A float32 array with its shape. */
	public static final class Array {
		public final long[] shape;
		public final float[] values;

		public Array(long[] shape, float[] values) {
			this.shape = shape.clone();
			this.values = values;
		}
	}

	public static byte[] write(float[] values, long... shape) {
		StringBuilder dims = new StringBuilder();
		for (long d : shape)
			dims.append(d).append(", ");
		String dimText = shape.length == 1 ? dims.toString().trim() : dims.substring(0, Math.max(0, dims.length() - 2));
		String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dimText + "), }";
		// the header (with its newline) pads magic + version + length + header to a multiple of 64 bytes
		int unpadded = MAGIC.length + 2 + 2 + header.length() + 1;
		int padding = (64 - unpadded % 64) % 64;
		StringBuilder padded = new StringBuilder(header);
		for (int i = 0; i < padding; i++)
			padded.append(' ');
		padded.append('\n');
		byte[] headerBytes = padded.toString().getBytes(StandardCharsets.US_ASCII);
		ByteBuffer out = ByteBuffer.allocate(MAGIC.length + 4 + headerBytes.length + values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
		out.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) headerBytes.length).put(headerBytes);
		out.asFloatBuffer().put(values);
		return out.array();
	}

	/** Reads a float32 (little-endian, C order) array; anything else is refused with one line. */
	public static Array read(byte[] bytes, String name) {
		if (bytes.length < 10 || !Arrays.equals(Arrays.copyOf(bytes, 6), MAGIC))
			throw new UnetException(name + " is not a .npy file");
		ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
		int major = bytes[6];
		int headerLength = major == 1 ? Short.toUnsignedInt(in.getShort(8)) : in.getInt(8);
		int start = (major == 1 ? 10 : 12) + headerLength;
		if (start > bytes.length)
			throw new UnetException(name + " is a truncated .npy file");
		String header = new String(bytes, major == 1 ? 10 : 12, headerLength, StandardCharsets.ISO_8859_1);
		if (!header.contains("'descr': '<f4'") || header.contains("'fortran_order': True"))
			throw new UnetException(name + " holds " + header.trim() + ": only little-endian float32 arrays in C order are read");
		Matcher m = SHAPE.matcher(header);
		if (!m.find())
			throw new UnetException(name + " has no shape in its .npy header");
		String[] parts = m.group(1).split(",");
		long[] shape = Arrays.stream(parts).map(String::trim).filter(s -> !s.isEmpty()).mapToLong(Long::parseLong).toArray();
		long count = 1;
		for (long d : shape)
			count *= d;
		if (count * 4 != bytes.length - start)
			throw new UnetException(name + " declares shape " + Arrays.toString(shape) + " but holds " + (bytes.length - start) + " bytes of data");
		float[] values = new float[(int) count];
		ByteBuffer.wrap(bytes, start, bytes.length - start).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
		return new Array(shape, values);
	}
}
