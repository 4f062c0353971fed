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
	 * The threshold really takes: glibc raises its own threshold to the size of a freed mapped block, so without a fixed
	 * one a 1.5 MiB block allocated after a 4 MiB one was freed comes from the heap; with 1 MiB, from a mapping of its own
	 * (the IS_MMAPPED bit of the chunk's size word), which free() returns to the system. The test JVM is then given
	 * 32 MiB, glibc's own ceiling, where it behaves as by default (the same speed in the bench), for the tests after it.
	 */
	@Test
	void aThresholdMapsLargeBlocksOnTheirOwn() {
		assumeTrue(System.getProperty("os.name").toLowerCase().contains("linux") && System.getenv("MALLOC_MMAP_THRESHOLD_") == null, "glibc");
		NativeLibrary c = NativeLibrary.getInstance("c");
		Function malloc = c.getFunction("malloc"), free = c.getFunction("free");
		assertEquals(null, NativeMemory.setThreshold(NativeMemory.SUGGESTED_THRESHOLD));
		try {
			Pointer big = (Pointer) malloc.invoke(Pointer.class, new Object[] { 4L << 20 });
			free.invoke(new Object[] { big });
			Pointer next = (Pointer) malloc.invoke(Pointer.class, new Object[] { 3L << 19 });
			try {
				assertTrue((next.getLong(-8) & 2) != 0, "a 1.5 MiB block after a freed 4 MiB one is mapped on its own");
			} finally {
				free.invoke(new Object[] { next });
			}
		} finally {
			NativeMemory.setThreshold(32L << 20);
		}
	}

	@Test
	void glibcIsLeftAloneUnlessAsked() {
		assumeTrue(System.getProperty("unet.mmapThreshold") == null && System.getenv("UNET_MMAP_THRESHOLD") == null
			&& System.getenv("MALLOC_MMAP_THRESHOLD_") == null && System.getProperty("os.name").toLowerCase().contains("linux"), "the default setting");
		NativeMemory.apply();
		assertEquals(NativeMemory.LEFT_ALONE, NativeMemory.state());
	}
}
