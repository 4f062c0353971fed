package org.lesionseg.unet.core.predict;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * One row per segmented slice with its {@link UncertaintyScore}, for {@code uncertainty.csv} and the "UNet slice
 * uncertainty" table alike: image, 1-based slice, objects, lesion pixels, the score and the pixels it was taken over.
 * Every slice has a row, also those without objects, so that slices can be ranked for review.
 */
public final class UncertaintyTable {

	public static final List<String> COLUMNS = Collections
		.unmodifiableList(Arrays.asList("image", "slice", "objects", "lesion_px", "uncertainty_score", "region_px"));

	/** One slice. */
	public static final class Row {
		public final String image;
		public final int slice;
		public final int objects;
		public final long lesionPixels;
		public final UncertaintyScore score;

		Row(String image, int slice, int objects, long lesionPixels, UncertaintyScore score) {
			this.image = image;
			this.slice = slice;
			this.objects = objects;
			this.lesionPixels = lesionPixels;
			this.score = score;
		}

		List<Object> cells() {
			return Arrays.asList(image, slice, objects, lesionPixels, score.score(), score.regionPixels());
		}
	}

	private final List<Row> rows = new ArrayList<>();

	/**
	 * Adds one slice.
	 *
	 * @param slice 1-based plane of the image
	 */
	public void add(String image, int slice, int objects, long lesionPixels, UncertaintyScore score) {
		rows.add(new Row(image, slice, objects, lesionPixels, score));
	}

	public void addAll(UncertaintyTable other) {
		rows.addAll(other.rows);
	}

	public int size() {
		return rows.size();
	}

	/** The slices in the order they were segmented. */
	public List<Row> slices() {
		return Collections.unmodifiableList(rows);
	}

	/** The slices most uncertain first (ties in segmentation order): the order of a review. */
	public List<Row> mostUncertainFirst() {
		List<Row> ranked = new ArrayList<>(rows);
		ranked.sort(Comparator.comparingDouble((Row r) -> r.score.score()).reversed());
		return ranked;
	}

	public List<String> header() {
		return COLUMNS;
	}

	/** The rows, one cell per {@link #header()} column. */
	public List<List<Object>> rows() {
		List<List<Object>> cells = new ArrayList<>(rows.size());
		for (Row r : rows)
			cells.add(r.cells());
		return cells;
	}
}
