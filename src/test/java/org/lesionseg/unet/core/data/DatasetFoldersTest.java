package org.lesionseg.unet.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lesionseg.unet.core.data.ImageFilesTest.assertMessage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetFoldersTest {

	@TempDir
	Path dir;

	private Path folder(String name, String... files) throws IOException {
		Path folder = Files.createDirectories(dir.resolve(name));
		for (String file : files)
			ImageFiles.writePng8(folder.resolve(file), new byte[] { 0, (byte) 255, 0, 0 }, 2, 2);
		return folder;
	}

	private static List<String> names(List<ImageMaskPair> pairs) {
		List<String> names = new ArrayList<>();
		for (ImageMaskPair pair : pairs)
			names.add(pair.name() + ":" + pair.imagePath().getFileName() + "+" + pair.maskPath().getFileName());
		return names;
	}

	@Test
	void pairsRealSampleDataByName() {
		Listing<ImageMaskPair> pairs = DatasetFolders.pair(ImageFilesTest.SAMPLES.resolve("isles22-case0009/images"),
				ImageFilesTest.SAMPLES.resolve("isles22-case0009/masks"));
		assertEquals(73, pairs.size());
		assertEquals("sub-strokecase0009_z000", pairs.get(0).name());
		assertEquals("sub-strokecase0009_z072", pairs.get(72).name());
		assertEquals(pairs.get(5).imagePath().getFileName(), pairs.get(5).maskPath().getFileName());
		assertTrue(pairs.warnings().isEmpty());
	}

	@Test
	void byNameIgnoresExtensionAndMaskSuffixAndSkipsJunk() throws IOException {
		Path images = folder("images", "b.png", "a.png", "c.tif", "d.png");
		Files.write(images.resolve("notes.txt"), new byte[] { 1 });
		Files.write(images.resolve(".hidden.png"), new byte[] { 1 });
		Files.write(images.resolve("Thumbs.db"), new byte[] { 1 });
		Files.createDirectories(images.resolve("sub"));
		Path masks = folder("masks", "a.tif", "b_mask.png", "c-mask.png", "d_label.png");
		Listing<ImageMaskPair> pairs = DatasetFolders.pair(images, masks, Pairing.BY_NAME);
		assertEquals(Arrays.asList("a:a.png+a.tif", "b:b.png+b_mask.png", "c:c.tif+c-mask.png", "d:d.png+d_label.png"), names(pairs));
		assertEquals(1, pairs.warnings().size());
		assertTrue(pairs.warnings().get(0).startsWith("skipped notes.txt in "), pairs.warnings().get(0));
	}

	@Test
	void imagesAndMasksInOneFolderLikeKaggleLgg() throws IOException {
		Path both = folder("lgg", "TCGA_1.tif", "TCGA_1_mask.tif", "TCGA_10.tif", "TCGA_10_mask.tif", "TCGA_2.tif", "TCGA_2_mask.tif");
		assertEquals(Arrays.asList("TCGA_1:TCGA_1.tif+TCGA_1_mask.tif", "TCGA_10:TCGA_10.tif+TCGA_10_mask.tif", "TCGA_2:TCGA_2.tif+TCGA_2_mask.tif"),
				names(DatasetFolders.pair(both, both)));
	}

	@Test
	void sortedPairingZipsSortedNames() throws IOException {
		Path images = folder("images", "img2.png", "img1.png", "img3.png");
		Path masks = folder("masks", "x_b.png", "x_a.png", "x_c.png");
		assertEquals(Arrays.asList("img1:img1.png+x_a.png", "img2:img2.png+x_b.png", "img3:img3.png+x_c.png"), names(DatasetFolders.pair(images, masks, Pairing.SORTED)));
		Path fewer = folder("fewer", "x_a.png", "x_b.png");
		assertMessage(() -> DatasetFolders.pair(images, fewer, Pairing.SORTED), "has 3 images", "has 2 masks");
	}

	@Test
	void pairingErrors() throws IOException {
		Path images = folder("images", "a.png", "b.png", "c.png", "d.png", "e.png", "f.png", "g.png");
		Path masks = folder("masks", "a.png", "zz.png");
		assertMessage(() -> DatasetFolders.pair(images, masks), "7 images in", "2 masks in", "no mask for b.png, c.png, d.png, e.png, f.png (and 1 more)",
				"no image for zz.png");

		Path dupImages = folder("dup", "a.png", "a.tif");
		assertMessage(() -> DatasetFolders.pair(dupImages, masks), "two image files share the base name a (a.png and a.tif)");

		Path ambiguous = folder("amb", "a.png", "a_mask.png");
		Path one = folder("one", "a.png");
		assertMessage(() -> DatasetFolders.pair(one, ambiguous), "image a.png has several possible masks (a.png, a_mask.png)");

		Path empty = Files.createDirectories(dir.resolve("empty/images"));
		assertMessage(() -> DatasetFolders.pair(empty, masks), "contains no image files");
		assertMessage(() -> DatasetFolders.pair(dir.resolve("empty"), masks), "contains no image files", "sub-folders images");
		assertMessage(() -> DatasetFolders.pair(dir.resolve("nowhere"), masks), "nowhere", "does not exist");
		assertMessage(() -> DatasetFolders.pair(images.resolve("a.png"), masks), "is a file, not a folder");
	}

	@Test
	void listImagesOfFolderOrFile() throws IOException {
		Path images = folder("pred", "b.png", "a.tif");
		Files.write(images.resolve("readme.md"), new byte[] { 1 });
		Listing<Path> listed = DatasetFolders.listImages(images);
		assertEquals(Arrays.asList(images.resolve("a.tif"), images.resolve("b.png")), listed);
		assertEquals(1, listed.warnings().size());
		assertEquals(Arrays.asList(images.resolve("b.png")), DatasetFolders.listImages(images.resolve("b.png")));
		assertMessage(() -> DatasetFolders.listImages(images.resolve("readme.md")), "not a supported image file");
		assertMessage(() -> DatasetFolders.listImages(images.resolve("none.png")), "does not exist");
	}

	@Test
	void pairingNames() {
		assertEquals(Pairing.BY_NAME, Pairing.fromName("by-name"));
		assertEquals(Pairing.SORTED, Pairing.fromName("Sorted"));
		assertMessage(() -> Pairing.fromName("random"), "unknown pairing 'random'");
	}
}
