package org.lesionseg.unet.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Stream;

/** Where libtorch came from: an existing installation named by the user, or DJL's cache of the shipped CPU build. */
final class EngineInfo {

	private EngineInfo() {
	}

	static String libtorchLocation() {
		String userPath = System.getenv("PYTORCH_LIBRARY_PATH");
		if (userPath != null && !userPath.isEmpty())
			return userPath + " (PYTORCH_LIBRARY_PATH)";
		String cache = System.getProperty("DJL_CACHE_DIR", System.getenv("DJL_CACHE_DIR"));
		Path dir = cache != null ? Paths.get(cache).resolve("pytorch") : Paths.get(System.getProperty("user.home"), ".djl.ai", "pytorch");
		if (Files.isDirectory(dir)) {
			try (Stream<Path> versions = Files.list(dir)) {
				return versions.map(Path::toString).sorted().reduce((a, b) -> b).map(p -> p + " (unpacked from the pytorch-native-cpu jar)")
					.orElse(dir.toString());
			} catch (java.io.IOException e) {
				return dir.toString();
			}
		}
		return "not yet unpacked (it is unpacked from the pytorch-native-cpu jar on first use)";
	}
}
