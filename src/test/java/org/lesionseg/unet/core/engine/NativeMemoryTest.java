package org.lesionseg.unet.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

class NativeMemoryTest {

	@Test
	void thresholdsAreBytesKibibytesMebibytesOrOff() {
		assertEquals(1 << 20, NativeMemory.parseBytes("1m"));
		assertEquals(65536, NativeMemory.parseBytes(" 64K "));
		assertEquals(131072, NativeMemory.parseBytes("131072"));
		assertEquals(-1, NativeMemory.parseBytes("off"));
		assertThrows(NumberFormatException.class, () -> NativeMemory.parseBytes("64m"), "glibc's maximum is 32 MiB");
		assertThrows(NumberFormatException.class, () -> NativeMemory.parseBytes("lots"));
	}

	/**
	 * The threshold really takes, in a fresh JVM (in this one, blocks freed by earlier tests would serve the request
	 * before glibc ever decides to map): glibc raises its own threshold to the size of a freed mapped block, so by
	 * default a 1.5 MiB block allocated after a 4 MiB one was freed comes from the heap; with unet.mmapThreshold=1m, from
	 * a mapping of its own (the IS_MMAPPED bit of the chunk's size word), which free() returns to the system.
	 */
	@Test
	void aThresholdMapsLargeBlocksOnTheirOwn() throws Exception {
		assumeTrue(System.getProperty("os.name").toLowerCase().contains("linux") && System.getenv("MALLOC_MMAP_THRESHOLD_") == null
			&& System.getenv("UNET_MMAP_THRESHOLD") == null, "glibc, as it starts");
		assertEquals("mapped|malloc mmap threshold 1 MiB (unet.mmapThreshold: freed tensors go back to the system; slower steps)", probe("-Dunet.mmapThreshold=1m"));
		assertEquals("heap|" + NativeMemory.LEFT_ALONE, probe("-Dunet.mmapThreshold=off"));
	}

	/** Runs {@link #main} in a new JVM with the option; its one line. */
	private static String probe(String option) throws Exception {
		Process p = new ProcessBuilder(java.nio.file.Paths.get(System.getProperty("java.home"), "bin", "java").toString(), option, "-cp",
			System.getProperty("java.class.path"), NativeMemoryTest.class.getName()).redirectErrorStream(true).start();
		String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
		assertEquals(0, p.waitFor(), out);
		return out;
	}

	/** The probe: applies the setting, frees a 4 MiB block, then says where a 1.5 MiB one came from. */
	public static void main(String[] args) {
		NativeMemory.apply();
		NativeLibrary c = NativeLibrary.getInstance("c");
		Function malloc = c.getFunction("malloc"), free = c.getFunction("free");
		Pointer big = (Pointer) malloc.invoke(Pointer.class, new Object[] { 4L << 20 });
		free.invoke(new Object[] { big });
		Pointer next = (Pointer) malloc.invoke(Pointer.class, new Object[] { 3L << 19 });
		boolean mapped = (next.getLong(-8) & 2) != 0;
		free.invoke(new Object[] { next });
		System.out.println((mapped ? "mapped" : "heap") + "|" + NativeMemory.state());
	}

	@Test
	void glibcIsLeftAloneUnlessAsked() {
		assumeTrue(System.getProperty("unet.mmapThreshold") == null && System.getenv("UNET_MMAP_THRESHOLD") == null
			&& System.getenv("MALLOC_MMAP_THRESHOLD_") == null && System.getProperty("os.name").toLowerCase().contains("linux"), "the default setting");
		NativeMemory.apply();
		assertEquals(NativeMemory.LEFT_ALONE, NativeMemory.state());
	}
}
