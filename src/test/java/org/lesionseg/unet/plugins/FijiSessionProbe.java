package org.lesionseg.unet.plugins;

/**
 * A Fiji command's start in a JVM of its own: runs work through {@link EngineContext} (as every engine command does)
 * and prints the libtorch settings DJL sees there, one {@code NAME=value} per line.
 */
public final class FijiSessionProbe {

	private FijiSessionProbe() {
	}

	public static void main(String[] args) {
		String seen = EngineContext.call(() -> {
			StringBuilder sb = new StringBuilder();
			for (String name : new String[] { "PYTORCH_LIBRARY_PATH", "PYTORCH_VERSION", "PYTORCH_FLAVOR" })
				sb.append(name).append('=').append(System.getProperty(name)).append('\n');
			return sb.toString();
		});
		System.out.print(seen);
		System.exit(0);
	}
}
