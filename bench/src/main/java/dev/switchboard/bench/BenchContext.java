package dev.switchboard.bench;

import java.nio.file.Path;

/**
 * What every benchmark gets: the binary under test, a scratch directory, how many interleaved rounds
 * to run and the run's deadline (bench/run is bounded to 10 minutes in all).
 */
record BenchContext(Path dist, Path work, int rounds, long deadlineNanos, TurnSetup turn) {

  Path work(String name) {
    return work.resolve(name);
  }

  long secondsLeft() {
    return Math.max(0, (deadlineNanos - System.nanoTime()) / 1_000_000_000L);
  }
}
