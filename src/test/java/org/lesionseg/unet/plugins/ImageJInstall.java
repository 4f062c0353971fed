package org.lesionseg.unet.plugins;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A plain ImageJ 1 installation laid out like target/imagej of "mvn package": the plugin jar in plugins/ (its name has
 * the underscore ImageJ needs to read plugins.config) and the dependencies in jars/ (links to the jars of the test
 * class path). Runs macros in it with the real ImageJ under Xvfb, as a user on a server would.
 */
final class ImageJInstall {

	final Path dir;

	private ImageJInstall(Path dir) {
		this.dir = dir;
	}

	/** True if Xvfb's wrapper is installed (.ci/run installs it). */
	static boolean xvfbAvailable() {
		for (String p : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
			if (Files.isExecutable(Paths.get(p, "xvfb-run")))
				return true;
		return false;
	}

	private static ImageJInstall shared;

	/** One installation for the whole test run, in the shared temporary folder (links to the jars, not copies). */
	static synchronized ImageJInstall shared() throws IOException {
		if (shared == null)
			shared = create(PluginTests.sharedDir().resolve("ImageJ"));
		return shared;
	}

	static ImageJInstall create(Path dir) throws IOException {
		Path plugins = Files.createDirectories(dir.resolve("plugins"));
		Path jars = Files.createDirectories(dir.resolve("jars"));
		writePluginJar(Paths.get("target", "classes"), plugins.resolve("UNet_Segmentation-test.jar"));
		for (Path jar : dependencyJars())
			Files.createSymbolicLink(jars.resolve(jar.getFileName()), jar);
		return new ImageJInstall(dir);
	}

	/** ImageJ's own jar, from the test class path. */
	static Path ijJar() throws Exception {
		return Paths.get(ij.IJ.class.getProtectionDomain().getCodeSource().getLocation().toURI());
	}

	/**
	 * Runs a macro file with {@code java -jar ij.jar -batch} under xvfb-run and returns everything it printed.
	 *
	 * @throws AssertionError if it does not end within the time limit
	 */
	String runMacro(Path macro, String argument, int timeoutSeconds) throws Exception {
		List<String> command = new ArrayList<>();
		command.add("xvfb-run");
		command.add("-a");
		command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
		command.add("-Xmx2g");
		command.add("-Dplugins.dir=" + dir);
		command.add("-Dai.djl.pytorch.num_interop_threads=1");
		command.add("-jar");
		command.add(ijJar().toString());
		command.add("-batch");
		command.add(macro.toString());
		if (argument != null)
			command.add(argument);
		Process process = new ProcessBuilder(command).directory(Paths.get("").toAbsolutePath().toFile()).redirectErrorStream(true).start();
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		Thread reader = new Thread(() -> copy(process.getInputStream(), out));
		reader.start();
		boolean ended = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
		if (!ended)
			process.destroyForcibly();
		reader.join(5000);
		String text = new String(out.toByteArray(), StandardCharsets.UTF_8);
		Files.write(macro.resolveSibling(macro.getFileName() + ".out"), out.toByteArray());
		if (!ended)
			throw new AssertionError("the macro " + macro + " did not end within " + timeoutSeconds + " s; it printed:\n" + text);
		return text;
	}

	private static void copy(InputStream in, OutputStream out) {
		try {
			in.transferTo(out);
		} catch (IOException e) {
			// the process ended
		}
	}

	/** The jars of the run-time class path: everything on the test class path but ImageJ itself and the test tools. */
	static List<Path> dependencyJars() throws IOException {
		List<Path> jars = new ArrayList<>();
		Enumeration<URL> manifests = ImageJInstall.class.getClassLoader().getResources("META-INF/MANIFEST.MF");
		while (manifests.hasMoreElements()) {
			String url = manifests.nextElement().toString();
			if (!url.startsWith("jar:file:"))
				continue;
			Path jar = Paths.get(java.net.URI.create(url.substring(4, url.indexOf("!/"))));
			String name = jar.getFileName().toString();
			if (name.startsWith("ij-") || name.startsWith("junit") || name.startsWith("opentest4j") || name.startsWith("apiguardian")
				|| name.startsWith("surefire") || name.startsWith("common-java") || name.startsWith("jaxb"))
				continue;
			if (!jars.contains(jar))
				jars.add(jar);
		}
		return jars;
	}

	/** The plugin jar as "mvn package" makes it, from the compiled classes and resources (with plugins.config). */
	static void writePluginJar(Path classes, Path jar) throws IOException {
		try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> files = Files.walk(classes)) {
			for (Path f : files.filter(Files::isRegularFile).sorted().collect(Collectors.toList())) {
				out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
				Files.copy(f, out);
				out.closeEntry();
			}
		}
	}
}
