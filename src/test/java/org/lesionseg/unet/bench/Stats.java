package org.lesionseg.unet.bench;

import java.util.Arrays;
import java.util.List;

/** Small statistics for timings: medians (robust to the odd slow step) and a least-squares slope. */
public final class Stats {

	private Stats() {
	}

	/** The median, NaN for no values. */
	public static double median(List<Double> values) {
		if (values.isEmpty())
			return Double.NaN;
		double[] v = new double[values.size()];
		for (int i = 0; i < v.length; i++)
			v[i] = values.get(i);
		Arrays.sort(v);
		int m = v.length / 2;
		return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
	}

	/** Slope of the least-squares line through (x[i], y[i]); NaN for fewer than two points. */
	public static double slope(double[] x, double[] y) {
		int n = Math.min(x.length, y.length);
		if (n < 2)
			return Double.NaN;
		double mx = 0, my = 0;
		for (int i = 0; i < n; i++) {
			mx += x[i];
			my += y[i];
		}
		mx /= n;
		my /= n;
		double sxy = 0, sxx = 0;
		for (int i = 0; i < n; i++) {
			sxy += (x[i] - mx) * (y[i] - my);
			sxx += (x[i] - mx) * (x[i] - mx);
		}
		return sxx == 0 ? Double.NaN : sxy / sxx;
	}
}
