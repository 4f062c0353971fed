package org.lesionseg.unet.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The memory verdict: settling early is fine, climbing to the end is not. */
class MemoryBenchTest {

	private static List<MemoryBench.Row> rows(double... rss) {
		List<MemoryBench.Row> rows = new ArrayList<>();
		for (int i = 0; i < rss.length; i++) {
			MemoryBench.Row r = new MemoryBench.Row();
			r.epoch = i + 1;
			r.rssMiB = rss[i];
			r.liveHeapMiB = 7;
			rows.add(r);
		}
		return rows;
	}

	@Test
	void settlingThenFlatIsFlat() {
		String s = MemoryBench.summary(rows(240, 250, 260, 270, 280, 290, 291, 290, 291, 290, 291, 290));
		assertTrue(s.contains("(flat at the end)"), s);
		assertTrue(s.contains("RSS 240.0 MiB after epoch 1, 290.0 MiB after epoch 12"), s);
	}

	@Test
	void steadyClimbIsGrowth() {
		String s = MemoryBench.summary(rows(240, 250, 260, 270, 280, 290, 300, 310, 320, 330));
		assertTrue(s.contains("+10.00 MiB/epoch from epoch 2, +10.00 MiB/epoch over the last half (still growing)"), s);
	}

	@Test
	void fewEpochsAreNotJudged() {
		assertTrue(MemoryBench.summary(rows(240, 250, 260)).contains("too few epochs to tell"));
	}
}
