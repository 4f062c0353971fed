package org.lesionseg.unet.core.interop;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.lesionseg.unet.core.UnetException;

/** NumPy's {@code .npy} format (version 1–3, C order): reads the numeric types test tensors use, as floats. */
public final class Npy {

	public final long[] shape;
	public final float[] values;

	private Npy(long[] shape, float[] values) {
		this.shape = shape;
		this.values = values;
	}

	private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])([a-z])(\\d+)'");
	private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
	private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

	/** @param name for messages */
	public static Npy read(byte[] data, String name) {
		ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
		if (data.length < 10 || (data[0] & 0xff) != 0x93 || data[1] != 'N' || data[2] != 'U' || data[3] != 'M' || data[4] != 'P' || data[5] != 'Y')
			throw new UnetException(name + " is not a .npy file");
		int major = data[6];
		int headerLength = major == 1 ? Short.toUnsignedInt(b.getShort(8)) : b.getInt(8);
		int start = major == 1 ? 10 : 12;
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
