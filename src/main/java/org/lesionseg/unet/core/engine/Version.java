package org.lesionseg.unet.core.engine;

/** The plugin's version, from the jar's manifest (or "dev" when run from classes). */
public final class Version {

	private Version() {
	}

	public static String get() {
		String v = Version.class.getPackage() == null ? null : Version.class.getPackage().getImplementationVersion();
		return v == null ? "dev" : v;
	}
}
