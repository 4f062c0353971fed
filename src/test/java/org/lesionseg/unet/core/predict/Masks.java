package org.lesionseg.unet.core.predict;

/** Test helper: masks drawn as text, '#' = 1 and '.' = 0, one string per row. */
public final class Masks {

	private Masks() {
	}

	public static byte[] parse(String... rows) {
		int w = rows[0].length();
		byte[] mask = new byte[w * rows.length];
		for (int y = 0; y < rows.length; y++) {
			if (rows[y].length() != w)
				throw new IllegalArgumentException("row " + y + " has length " + rows[y].length() + ", expected " + w);
			for (int x = 0; x < w; x++)
				mask[y * w + x] = (byte) (rows[y].charAt(x) == '#' ? 1 : 0);
		}
		return mask;
	}

	public static String format(byte[] mask, int w) {
		StringBuilder sb = new StringBuilder();
		for (int i = 0; i < mask.length; i++) {
			sb.append(mask[i] != 0 ? '#' : '.');
			if (i % w == w - 1)
				sb.append('\n');
		}
		return sb.toString();
	}
}
