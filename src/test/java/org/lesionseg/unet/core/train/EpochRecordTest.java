package org.lesionseg.unet.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

class EpochRecordTest {

	private static final List<EpochRecord> HISTORY = Arrays.asList(new EpochRecord(1, 0.912345678, 0.8, 0.2, 0.25, 0.11, 0.97, 1e-4, 12.3456),
			new EpochRecord(2, 0.7, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.POSITIVE_INFINITY, 5e-5, 11.0));

	@Test
	void historyIsWrittenInTheOneCsvFormat() {
		assertEquals(EpochRecord.CSV_HEADER + "\n"
				+ "1,0.912346,0.8,0.2,0.25,0.11,0.97,0.0001,12.3456\n"
				+ "2,0.7,NaN,NaN,NaN,NaN,Infinity,0.00005,11\n", EpochRecord.toCsv(HISTORY));
	}

	@Test
	void writtenHistoryReadsBackAndWritesTheSameText() {
		String csv = EpochRecord.toCsv(HISTORY);
		List<EpochRecord> read = EpochRecord.parseCsv(csv);
		assertEquals(2, read.size());
		assertTrue(Double.isNaN(read.get(1).valDice));
		assertEquals(5e-5, read.get(1).learningRate, 0);
		assertEquals(csv, EpochRecord.toCsv(read), "resuming keeps the history lines unchanged");
	}

	@Test
	void historiesOfOlderCheckpointsStillRead() {
		List<EpochRecord> read = EpochRecord.parseCsv(EpochRecord.CSV_HEADER + "\n2,0.700000,nan,nan,nan,nan,nan,5.00e-05,11.00\n");
		assertEquals(1, read.size());
		assertTrue(Double.isNaN(read.get(0).valLoss));
		assertEquals(5e-5, read.get(0).learningRate, 0);
	}
}
