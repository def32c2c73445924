package dev.switchboard.bench;

import java.util.concurrent.Callable;
import java.util.function.LongSupplier;

/**
 * Whether one more step of a ladder fits before a deadline, a step taken to last as long as the
 * longest one timed so far (or a first estimate before any): bench/run is bounded to 10 minutes,
 * and a ladder's length depends on how each server fares, which a slow machine stretches.
 */
final class StepAllowance {

  private final LongSupplier nanoTime;
  private final long deadlineNanos;
  private final long firstEstimateNanos;
  private long longestNanos = -1;

  StepAllowance(LongSupplier nanoTime, long deadlineNanos, long firstEstimateNanos) {
    this.nanoTime = nanoTime;
    this.deadlineNanos = deadlineNanos;
    this.firstEstimateNanos = firstEstimateNanos;
  }

  boolean fits() {
    long step = longestNanos < 0 ? firstEstimateNanos : longestNanos;
    return deadlineNanos - nanoTime.getAsLong() >= step;
  }

  /** Runs one step and keeps its duration when it is the longest so far. */
  <T> T time(Callable<T> step) throws Exception {
    long start = nanoTime.getAsLong();
    try {
      return step.call();
    } finally {
      longestNanos = Math.max(longestNanos, nanoTime.getAsLong() - start);
    }
  }
}
