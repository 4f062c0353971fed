package org.lesionseg.unet.plugins;

import org.lesionseg.unet.core.engine.Devices;
import org.lesionseg.unet.core.engine.EngineSettings;

import java.util.function.Supplier;


/**
 * Runs engine work with the plugin's class loader as the thread's context class loader.
 * <p>
 * DJL finds its engine ({@code ServiceLoader}) and the native PyTorch library in the jars through the context class
 * loader. Inside Fiji or ImageJ the plugin's jars are loaded by a plugin class loader that the context class loader of
 * a menu or macro thread does not see, and DJL would then report that no engine exists or try to download libtorch.
 * Every command therefore runs its work through {@link #run(Runnable)}.
 * <p>
 * It also turns PyTorch's gradient recording off for the calling thread. PyTorch keeps that switch per thread and DJL
 * turns it off only on the thread that starts the engine; a training on any other thread (every Fiji command runs on
 * a thread of its own) would otherwise fail in the optimizer's in-place update with "a leaf Variable that requires
 * grad is being used in an in-place operation". Training turns recording on inside its gradient collector.
 * <p>
 * It also keeps DJL offline unless the user asked for downloads ({@code UNET_ALLOW_DOWNLOAD=1}, or
 * {@code -Dai.djl.offline=false} given explicitly), as the command line does: the CPU library ships with the plugin,
 * and a CUDA build is fetched only on request (docs/gpu.md).
 */
public final class EngineContext {

	/** System property of DJL that forbids downloads when true. */
	static final String OFFLINE_PROPERTY = "ai.djl.offline";

	private EngineContext() {
	}

	/**
	 * Runs engine work: with the plugin's class loader as context class loader (restored afterwards) and, once the
	 * engine is up, gradient recording off on this thread.
	 */
	public static void run(Runnable work) {
		call(() -> {
			work.run();
			return null;
		});
	}

	/** Like {@link #run(Runnable)}, returning the work's result. */
	public static <T> T call(Supplier<T> work) {
		configureDownloads();
		EngineSettings.apply(); // the libtorch chosen with UNet GPU Setup, before the engine starts

		Thread thread = Thread.currentThread();
		ClassLoader previous = thread.getContextClassLoader();
		thread.setContextClassLoader(pluginClassLoader());
		try {
			noGradientsOnThisThread();
			return work.get();
		} finally {
			thread.setContextClassLoader(previous);
		}
	}

	/**
	 * Starts the engine if needed and turns PyTorch's gradient recording off for this thread. An engine that cannot
	 * start is left for the work to report, with its own message.
	 */
	static void noGradientsOnThisThread() {
		Devices.prepareThread();
	}


	/** The class loader that loaded the plugin (and, in Fiji or ImageJ, sees the DJL and PyTorch jars). */
	public static ClassLoader pluginClassLoader() {
		return EngineContext.class.getClassLoader();
	}

	/** Sets DJL's offline switch once, unless the user set it: offline unless UNET_ALLOW_DOWNLOAD=1. */
	static synchronized void configureDownloads() {
		if (System.getProperty(OFFLINE_PROPERTY) != null)
			return;
		System.setProperty(OFFLINE_PROPERTY, Boolean.toString(!downloadsAllowed(System.getenv("UNET_ALLOW_DOWNLOAD"))));
	}

	/** True for 1, true or yes: the values the launcher script accepts too. */
	static boolean downloadsAllowed(String setting) {
		if (setting == null)
			return false;
		String s = setting.trim();
		return s.equals("1") || s.equalsIgnoreCase("true") || s.equalsIgnoreCase("yes");
	}
}
