package dev.switchboard.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Min, median and max of one measure over the rounds of a run. */
record Summary(double min, double median, double max, int rounds) {

  static Summary of(List<Double> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("no values");
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    return new Summary(sorted.get(0), median, sorted.get(n - 1), n);
  }

  /** Per-round ratios a[i] / b[i]: each round's pair was measured back to back. */
  static Summary ratios(List<Double> a, List<Double> b) {
    List<Double> r = new ArrayList<>();
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      r.add(b.get(i) == 0 ? Double.POSITIVE_INFINITY : a.get(i) / b.get(i));
    }
    return of(r);
  }

  String format(int decimals) {
    String f = "%." + decimals + "f";
    if (rounds == 1) {
      return String.format(f, median);
    }
    return String.format(f + " (" + f + "–" + f + ")", median, min, max);
  }
}
