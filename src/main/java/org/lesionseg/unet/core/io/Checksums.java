package org.lesionseg.unet.core.io;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 and its lower-case hex spelling, for model files and downloads alike. */
public final class Checksums {

	private Checksums() {
	}

	public static MessageDigest newSha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		} catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException("every Java runtime has SHA-256", e);
		}
	}

	public static String hex(byte[] bytes) {
		StringBuilder sb = new StringBuilder(bytes.length * 2);
		for (byte b : bytes)
			sb.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
		return sb.toString();
	}
}
