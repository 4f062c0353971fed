package org.lesionseg.unet.workflow;

import java.util.Locale;

import org.lesionseg.unet.core.UnetException;

/**
 * Part {@code i} of {@code N} of a sorted list of inputs ({@code --shard i/N}, macro key {@code shard=i/N}): a job array
 * task segments only its part. Parts are contiguous runs of the sorted list, their sizes differ by at most one, and
 * together they hold every input exactly once, whatever N.
 */
public final class Shard {

	/** 1-based. */
	public final int index;
	public final int count;

	private Shard(int index, int count) {
		this.index = index;
		this.count = count;
	}

	public static Shard of(int index, int count) {
		if (count < 1 || index < 1 || index > count)
			throw new UnetException("shard " + index + "/" + count + " does not exist: use i/N with 1 <= i <= N, e.g. 2/4 for the second of four parts");
		return new Shard(index, count);
	}

	/**
	 * Reads {@code i/N}; empty or null means no sharding (null).
	 *
	 * @throws UnetException when the text is not of that form
	 */
	public static Shard parse(String text) {
		if (text == null || text.trim().isEmpty())
			return null;
		String t = text.trim();
		int slash = t.indexOf('/');
		try {
			if (slash > 0)
				return of(Integer.parseInt(t.substring(0, slash).trim()), Integer.parseInt(t.substring(slash + 1).trim()));
		} catch (NumberFormatException e) {
			// told below
		}
		throw new UnetException("shard '" + text + "' is not of the form i/N (e.g. 2/4 for the second of four parts)");
	}

	/** Whether the text is empty or a valid {@code i/N}. */
	public static boolean isValid(String text) {
		try {
			parse(text);
			return true;
		} catch (UnetException e) {
			return false;
		}
	}

	/** First input of this part (0-based, inclusive) among {@code total}. */
	public int from(int total) {
		return (int) ((long) (index - 1) * total / count);
	}

	/** End of this part (exclusive) among {@code total}. */
	public int to(int total) {
		return (int) ((long) index * total / count);
	}

	/** The part that holds input {@code position} (0-based) of {@code total} with {@code count} parts. */
	public static int indexOf(int position, int total, int count) {
		for (int i = 1; i <= count; i++)
			if (position < of(i, count).to(total))
				return i;
		return count;
	}

	@Override
	public String toString() {
		return String.format(Locale.ROOT, "%d/%d", index, count);
	}
}
