package org.lesionseg.unet.workflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.predict.Segmenter;
import org.lesionseg.unet.workflow.sources.ImageSource;

/**
 * Sharded segmentation of real CT slices (sample-data) with a small fixed-weight model: the shards together give the
 * same files and the same objects.csv and metrics.csv (against the true masks), byte for byte, as one run; a shard run again skips what it finished; a half-done
 * shard is completed without redoing its finished images; the merge names the shards still to run.
 */
class ShardedSegmentationTest {

	@TempDir
	Path dir;
	Path input;
	Path model;

	@BeforeEach
	void sampleSlicesAndModel() throws IOException {
		input = ResultFiles.sampleSlices(dir.resolve("in"), 7);
		model = FixedModels.grey(dir.resolve("model.zip"), 3);
	}

	/** Low threshold: the fixed weights' probabilities sit near 0.5, and the test needs objects to compare. */
	private SegmentRequest request(Path output, Shard shard) {
		return SegmentRequest.builder(model, ImageSource.files(input), Spelling.COMMAND_LINE).output(output).postprocessing(0.45, 0, false).device("cpu")
			.masks(java.nio.file.Paths.get("sample-data/ich-ct-bhsd/masks")).shard(shard).build();
	}

	private static SegmentationJob.Outcome run(Segmenter segmenter, SegmentRequest r, List<String> events) {
		return SegmentationJob.run(segmenter, r, new SegmentationJob.Listener() {
			@Override
			public void imageDone(int done, int total, SegmentationJob.ImageResult result) {
				events.add("segmented " + result.name);
			}

			@Override
			public void alreadyDone(int done, int total, String fileName) {
				events.add("skipped " + fileName);
			}
		});
	}

	@Test
	void threeShardsGiveTheFilesOfOneRunAndResumeSkipsFinishedImages() throws IOException {
		Path single = dir.resolve("single"), sharded = dir.resolve("sharded");
		try (Segmenter segmenter = new Segmenter(model, "cpu", new org.lesionseg.unet.core.predict.TiledPredictor.Options())) {
			SegmentationJob.run(segmenter, request(single, null), new SegmentationJob.Listener() {
			});
			List<String> events = new ArrayList<>();
			// shards 3 and 1 first: no objects.csv while shard 2 is missing, and the merge says which shard to run
			assertNull(run(segmenter, request(sharded, Shard.of(3, 3)), events).merged);
			assertNull(run(segmenter, request(sharded, Shard.of(1, 3)), events).merged);
			assertFalse(Files.exists(sharded.resolve("objects.csv")));
			UnetException notYet = assertThrows(UnetException.class, () -> ShardedOutput.merge(sharded));
			assertTrue(notYet.getMessage().contains("shards 2 of 3"), notYet.getMessage());

			// shard 2 of 7 images is images 3 and 4 (0-based 2..3); kill it "half-way": image 3 done, image 4 not
			SegmentationJob.Outcome two = run(segmenter, request(sharded, Shard.of(2, 3)), events);
			assertNotNull(two.merged, "the last shard to finish joins the objects");
			List<String> filesOfFourth = listed(sharded, stem(4));
			Files.delete(sharded.resolve("parts").resolve(name(4) + ".done"));
			Files.delete(sharded.resolve(stem(4) + "_mask.png"));
			events.clear();
			SegmentationJob.Outcome resumed = run(segmenter, request(sharded, Shard.of(2, 3)), events);
			assertEquals(List.of("skipped " + name(3), "segmented " + stem(4)), events, "only the unfinished image is segmented again");
			assertEquals(1, resumed.alreadyDone);
			assertNotNull(resumed.merged);
			assertEquals(filesOfFourth, listed(sharded, stem(4)));
		}
		byte[] one = Files.readAllBytes(single.resolve("objects.csv"));
		assertTrue(new String(one, "UTF-8").split("\n").length > 3, "the test needs objects to compare");
		assertArrayEquals(one, Files.readAllBytes(sharded.resolve("objects.csv")));
		// every result file the same, byte for byte (a ROI set entry by entry: zip entries carry the time they were written)
		for (Path f : ResultFiles.resultFiles(single))
			assertArrayEquals(ResultFiles.content(f), ResultFiles.content(sharded.resolve(f.getFileName())), f.getFileName().toString());
		assertEquals(ResultFiles.resultFiles(single).size(), ResultFiles.resultFiles(sharded).size());
		List<String> metrics = Files.readAllLines(single.resolve("metrics.csv"));
		assertEquals(8, metrics.size(), "a header and a row per slice: " + metrics);
		assertArrayEquals(Files.readAllBytes(single.resolve("metrics.csv")), Files.readAllBytes(sharded.resolve("metrics.csv")));
		// unet merge gives the same file again
		assertEquals(7, ShardedOutput.merge(sharded).images);
		assertArrayEquals(one, Files.readAllBytes(sharded.resolve("objects.csv")));
	}

	@Test
	void aResumedShardWithOtherSettingsIsRefused() {
		try (Segmenter segmenter = new Segmenter(model, "cpu", new org.lesionseg.unet.core.predict.TiledPredictor.Options())) {
			Path out = dir.resolve("out");
			run(segmenter, request(out, Shard.of(1, 4)), new ArrayList<>());
			SegmentRequest other = SegmentRequest.builder(model, ImageSource.files(input), Spelling.COMMAND_LINE).output(out).postprocessing(0.6, 0, false)
				.device("cpu").shard(Shard.of(2, 4)).build();
			UnetException e = assertThrows(UnetException.class, () -> run(segmenter, other, new ArrayList<>()));
			assertTrue(e.getMessage().contains("holds results of another run") && e.getMessage().contains("threshold"), e.getMessage());
		}
	}

	@Test
	void shardsPartitionTheSortedInputs() {
		for (int total : new int[] { 0, 1, 7, 36 })
			for (int count = 1; count <= 5; count++) {
				int expectedFrom = 0;
				for (int i = 1; i <= count; i++) {
					Shard s = Shard.of(i, count);
					assertEquals(expectedFrom, s.from(total));
					assertTrue(s.to(total) - s.from(total) <= total / count + 1);
					for (int p = s.from(total); p < s.to(total); p++)
						assertEquals(i, Shard.indexOf(p, total, count));
					expectedFrom = s.to(total);
				}
				assertEquals(total, expectedFrom);
			}
		assertEquals("2/4", Shard.parse(" 2 / 4").toString());
		assertNull(Shard.parse(""));
		assertThrows(UnetException.class, () -> Shard.parse("5/4"));
		assertThrows(UnetException.class, () -> Shard.parse("two"));
	}

	private String name(int position) throws IOException {
		try (Stream<Path> files = Files.list(input)) {
			return files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList()).get(position - 1);
		}
	}

	private String stem(int position) throws IOException {
		String n = name(position);
		return n.substring(0, n.lastIndexOf('.'));
	}

	private static List<String> listed(Path folder, String stem) throws IOException {
		try (Stream<Path> files = Files.list(folder)) {
			return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(stem + "_")).sorted().collect(Collectors.toList());
		}
	}
}
