package org.lesionseg.unet.core.interop;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.lesionseg.unet.core.UnetException;

/**
 * NumPy's {@code .npy} format, for bioimage.io's test tensors: reads versions 1–3 in C order with the numeric types
 * test tensors use (as floats); writes version 1.0 little-endian float32.
 */
public final class Npy {

	public final long[] shape;
	public final float[] values;

	private Npy(long[] shape, float[] values) {
		this.shape = shape;
		this.values = values;
	}

	private static final byte[] MAGIC = { (byte) 0x93, 'N', 'U', 'M', 'P', 'Y' };

	/** A version 1.0 file of little-endian float32 values in C order. */
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

	private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])([a-z])(\\d+)'");
	private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
	private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

	/** @param name for messages */
	public static Npy read(byte[] data, String name) {
		ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
		if (data.length < 10 || !java.util.Arrays.equals(java.util.Arrays.copyOf(data, MAGIC.length), MAGIC))
			throw new UnetException(name + " is not a .npy file");
		int major = data[6];
		int headerLength = major == 1 ? Short.toUnsignedInt(b.getShort(8)) : b.getInt(8);
		int start = major == 1 ? 10 : 12;
		if (start + headerLength > data.length)
			throw new UnetException(name + " is a truncated .npy file");
		String header = new String(data, start, headerLength, StandardCharsets.ISO_8859_1);
		Matcher d = DESCR.matcher(header), f = FORTRAN.matcher(header), s = SHAPE.matcher(header);
		if (!d.find() || !f.find() || !s.find())
			throw new UnetException(name + " has a .npy header this reader does not understand: " + header.trim());
		if (f.group(1).equals("True"))
			throw new UnetException(name + " is stored in Fortran order; save it in C order (numpy's default)");
		String[] dims = s.group(1).split(",");
		long count = 1;
		long[] shape = new long[(int) java.util.Arrays.stream(dims).filter(x -> !x.trim().isEmpty()).count()];
		int k = 0;
		for (String dim : dims)
			if (!dim.trim().isEmpty()) {
				shape[k] = Long.parseLong(dim.trim());
				count *= shape[k++];
			}
		ByteBuffer body = ByteBuffer.wrap(data, start + headerLength, data.length - start - headerLength)
			.order(d.group(1).equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN).slice()
			.order(d.group(1).equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
		String type = d.group(2) + d.group(3);
		int size = Integer.parseInt(d.group(3));
		if (count * size != data.length - start - headerLength)
			throw new UnetException(name + " declares shape " + java.util.Arrays.toString(shape) + " but holds " + (data.length - start - headerLength)
				+ " bytes of data");
		float[] values = new float[Math.toIntExact(count)];
		for (int i = 0; i < values.length; i++) {
			switch (type) {
				case "f4": values[i] = body.getFloat(); break;
				case "f8": values[i] = (float) body.getDouble(); break;
				case "u1": case "b1": values[i] = Byte.toUnsignedInt(body.get()); break;
				case "i1": values[i] = body.get(); break;
				case "u2": values[i] = Short.toUnsignedInt(body.getShort()); break;
				case "i2": values[i] = body.getShort(); break;
				case "i4": values[i] = body.getInt(); break;
				default: throw new UnetException(name + " holds values of type " + type + ": only floats and integers are read");
			}
		}
		return new Npy(shape, values);
	}
}
