package dev.switchboard.bench;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Relay latencies in 10 µs buckets up to 200 ms (one overflow bucket above): fixed memory however
 * many messages a step delivers, and recording is one atomic add. Thread-safe.
 */
final class LatencyHistogram {

  static final long BUCKET_NANOS = 10_000;
  static final int BUCKETS = 20_000;

  private final AtomicLongArray counts = new AtomicLongArray(BUCKETS + 1);

  void record(long nanos) {
    int bucket = (int) Math.min(BUCKETS, Math.max(0, nanos) / BUCKET_NANOS);
    counts.incrementAndGet(bucket);
  }

  void reset() {
    for (int i = 0; i <= BUCKETS; i++) {
      counts.set(i, 0);
    }
  }

  long count() {
    long n = 0;
    for (int i = 0; i <= BUCKETS; i++) {
      n += counts.get(i);
    }
    return n;
  }

  /** The upper edge, in milliseconds, of the bucket holding the p-th quantile (0 when empty). */
  double percentileMillis(double p) {
    long total = count();
    if (total == 0) {
      return 0;
    }
    long rank = (long) Math.ceil(p * total);
    long seen = 0;
    for (int i = 0; i <= BUCKETS; i++) {
      seen += counts.get(i);
      if (seen >= Math.max(1, rank)) {
        return (i + 1) * BUCKET_NANOS / 1e6;
      }
    }
    return (BUCKETS + 1) * BUCKET_NANOS / 1e6;
  }
}
