package dev.switchboard.bench;

/**
 * The outcome of one paced step of the STUN load: {@code started} units (Binding transactions or
 * Allocate cycles) were offered at {@code offeredPerSecond}; {@code completed} ended as expected;
 * {@code failed} timed out, got an unexpected response, or found no free 5-tuple. Latencies in ms.
 */
record Step(double offeredPerSecond, double seconds, long started, long completed, long failed,
            long timeouts, long errors, int lastError, double p50Ms, double p99Ms) {

  double failedPercent() {
    return started == 0 ? 0 : 100.0 * failed / started;
  }

  double completedPerSecond() {
    return completed / seconds;
  }

  /** The acceptance rule of the STUN benchmark: fewer than 1% of the offered units failed. */
  boolean passed() {
    return started > 0 && failedPercent() < 1.0;
  }

  @Override
  public String toString() {
    return String.format("offered %.0f/s: %d started, %.0f/s completed, %.2f%% failed (%d timeouts, %d errors, last %d), p50 %.2f ms, p99 %.2f ms",
        offeredPerSecond, started, completedPerSecond(), failedPercent(), timeouts, errors, lastError, p50Ms, p99Ms);
  }
}
