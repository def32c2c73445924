package dev.switchboard.bench;

import java.util.Arrays;
import java.util.List;

/** What one load worker saw during a step. Confined to the worker's event loop until merged. */
final class LoadStats {

  long started;
  long completed;
  long failed;
  long timeouts;
  /** Failures that were answered: the last error code (or -type for an unexpected type), for diagnosis. */
  int lastError;
  long errors;
  private long[] latencies = new long[1024];
  private int latencyCount;

  void latency(long nanos) {
    if (latencyCount == latencies.length) {
      latencies = Arrays.copyOf(latencies, latencyCount * 2);
    }
    latencies[latencyCount++] = nanos;
  }

  /** Sums the workers' stats of one step into its result. */
  static Step merge(List<LoadStats> all, double offeredPerSecond, double seconds) {
    long started = 0;
    long completed = 0;
    long failed = 0;
    long timeouts = 0;
    long errors = 0;
    int lastError = 0;
    int n = 0;
    for (LoadStats s : all) {
      started += s.started;
      completed += s.completed;
      failed += s.failed;
      timeouts += s.timeouts;
      errors += s.errors;
      lastError = s.lastError != 0 ? s.lastError : lastError;
      n += s.latencyCount;
    }
    long[] lat = new long[n];
    int at = 0;
    for (LoadStats s : all) {
      System.arraycopy(s.latencies, 0, lat, at, s.latencyCount);
      at += s.latencyCount;
    }
    Arrays.sort(lat);
    return new Step(offeredPerSecond, seconds, started, completed, failed, timeouts, errors, lastError,
        percentileMs(lat, 0.50), percentileMs(lat, 0.99));
  }

  static double percentileMs(long[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
    return sorted[Math.max(0, i)] / 1e6;
  }
}
