package org.lesionseg.unet.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;

/**
 * What {@link OneDnnSwitch} chooses on a CPU that hides its cache sizes, each case in a fresh JVM: oneDNN reads its
 * instruction-set limit once per process, so only a new process shows what a user's session would get.
 */
class OneDnnSwitchTest {

	private static final String LIMITED = "oneDNN on, limited to its SSE4.1 kernels: the CPU hides its cache sizes";

	@Test
	void anAffectedCpuGetsOneDnnLimitedToKernelsThatAgreeWithLibtorch() throws Exception {
		assumeAffectedCpu();
		String state = probe(Map.of());
		assertTrue(state.startsWith(LIMITED) && state.endsWith("checked against libtorch's own kernels"), state);
		// and the device line says so
		assertTrue(probe(Map.of(), "device-line").endsWith("running on the CPU; CPU kernels: oneDNN on, limited to its SSE4.1 kernels (why: UNet Engine Info, or unet info)"));
	}

	@Test
	void aLimitThatComesTooLateOrIsTooWideIsCaughtAndOneDnnGoesOff() throws Exception {
		assumeAffectedCpu();
		// a convolution before the switch: oneDNN has read its (missing) limit already, and its AVX-512 kernels are wrong
		String late = probe(Map.of(), "convolution-first");
		assertTrue(late.startsWith("oneDNN off: the CPU hides its cache sizes") && late.contains("still disagreed with libtorch's own (3x3 convolution"), late);
		// the user's own limit is kept and checked: AVX2's kernels are wrong here too
		String avx2 = probe(Map.of("ONEDNN_MAX_CPU_ISA", "AVX2"));
		assertTrue(avx2.startsWith("oneDNN off") && avx2.contains("limited by ONEDNN_MAX_CPU_ISA=AVX2, still disagreed"), avx2);
	}

	@Test
	void offAndOnAreObeyed() throws Exception {
		assertEquals("oneDNN off: unet.onednn=off", probe(Map.of("UNET_ONEDNN", "off")));
		assertTrue(probe(Map.of("UNET_ONEDNN", "off"), "device-line").endsWith("; CPU kernels: oneDNN off (why: UNet Engine Info, or unet info)"));
		assertEquals("oneDNN on (libtorch default)", probe(Map.of("UNET_ONEDNN", "on")));
		assertTrue(probe(Map.of("UNET_ONEDNN", "on"), "device-line").endsWith("running on the CPU"), "nothing added where libtorch is left alone");
	}

	@Test
	void kernelDifferencesAreRelativeAndNonFiniteValuesFail() {
		assertEquals(0.5, KernelCheck.relativeDifference(new float[] { 1, 3 }, new float[] { 1, 2 }), 1e-9);
		assertEquals(0.01, KernelCheck.relativeDifference(new float[] { 20.2f, 0 }, new float[] { 20, 0 }), 1e-6, "relative to the largest value");
		assertTrue(Double.isNaN(KernelCheck.relativeDifference(new float[] { Float.NaN }, new float[] { 1 })));
	}

	private static void assumeAffectedCpu() {
		assumeTrue(OneDnnSwitch.cacheTopologyHidden() && System.getenv("UNET_ONEDNN") == null && System.getProperty("unet.onednn") == null
			&& System.getenv("ONEDNN_MAX_CPU_ISA") == null && System.getenv("DNNL_MAX_CPU_ISA") == null, "a CPU that hides its cache sizes, settings left at auto");
	}

	/** Runs {@link #main} in a new JVM with these environment variables; its last line. */
	private static String probe(Map<String, String> environment, String... args) throws Exception {
		List<String> command = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-Dai.djl.offline=true",
			"-cp", System.getProperty("java.class.path"), OneDnnSwitchTest.class.getName()));
		command.addAll(List.of(args));
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		builder.environment().keySet().removeAll(List.of("UNET_ONEDNN", "ONEDNN_MAX_CPU_ISA", "DNNL_MAX_CPU_ISA"));
		builder.environment().putAll(environment);
		Process p = builder.start();
		String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
		assertEquals(0, p.waitFor(), out);
		return out.substring(out.lastIndexOf('\n') + 1);
	}

	/** The probe: optionally runs a convolution first, then applies the switch and prints its state (or the device line). */
	public static void main(String[] args) {
		if (args.length > 0 && args[0].equals("convolution-first"))
			try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
				Conv2d.conv2d(m.ones(new Shape(1, 2, 8, 8)), m.ones(new Shape(4, 2, 3, 3)), null, new Shape(1, 1), new Shape(1, 1), new Shape(1, 1), 1);
			}
		OneDnnSwitch.apply();
		System.out.println(args.length > 0 && args[0].equals("device-line") ? Devices.describe(new Device[] { Device.cpu() }) : OneDnnSwitch.state());
	}
}
