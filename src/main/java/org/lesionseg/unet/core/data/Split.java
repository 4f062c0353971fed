package org.lesionseg.unet.core.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The names of a data set divided into training, validation and test parts (see {@link DataSplit}). */
public final class Split {

	private final List<String> train;
	private final List<String> val;
	private final List<String> test;
	private final int groups;

	public Split(List<String> train, List<String> val, List<String> test, int groups) {
		this.train = Collections.unmodifiableList(new ArrayList<>(train));
		this.val = Collections.unmodifiableList(new ArrayList<>(val));
		this.test = Collections.unmodifiableList(new ArrayList<>(test));
		this.groups = groups;
	}

	/** Names used to fit the network, in input order. */
	public List<String> train() {
		return train;
	}

	/** Names used to pick the best epoch, in input order. */
	public List<String> val() {
		return val;
	}

	/** Names held out for the final evaluation, in input order. */
	public List<String> test() {
		return test;
	}

	/** The number of groups the names formed (the number of names when no group pattern was given). */
	public int groups() {
		return groups;
	}

	@Override
	public String toString() {
		return "train " + train.size() + ", validation " + val.size() + ", test " + test.size() + " (" + groups + " groups)";
	}
}
