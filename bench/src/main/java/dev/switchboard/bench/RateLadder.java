package dev.switchboard.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Rising offered rates, {@code factor} apart, each held for {@code stepDuration}, until a step has 1%
 * or more failures or {@code maxSteps} ran: the highest step that passed is the result. Stateless.
 */
record RateLadder(double factor, int maxSteps, Duration stepDuration) {

  /** Runs one step at an offered rate. */
  interface Runner {
    Step run(double perSecond, Duration duration) throws Exception;
  }

  /**
   * {@code best}: the highest passing step, or null when even the first failed; {@code capped}: no
   * step failed, so the limit was the ladder (or the load generator), not the server.
   */
  record Result(Step best, List<Step> steps, boolean capped) {
    double rate() {
      return best == null ? 0 : best.completedPerSecond();
    }

    /**
     * Where the limit lies, as far as this ladder tells: the best rate, or what the failing step
     * still completed when that was more (a doubling ladder passes 64000/s, fails 128000/s and
     * completes 120000/s there: the limit is nearer 120000 than 64000).
     */
    double capacityHint() {
      if (capped || best == null || steps.isEmpty()) {
        return rate();
      }
      return Math.max(rate(), steps.get(steps.size() - 1).completedPerSecond());
    }
  }

  /** Up to this many times a failing first step is retried at a rate {@link #DOWN} lower. */
  static final int DESCENTS = 3;
  static final double DOWN = 1.5;

  /**
   * Climbs from {@code start}; when the first step already fails (a start guessed too high, or a
   * hiccup), starts again lower, so one noisy step does not leave the result at zero.
   */
  Result climb(double start, Runner runner, String label) throws Exception {
    List<Step> steps = new ArrayList<>();
    Step best = null;
    double rate = start;
    for (int d = 0; d < DESCENTS; d++) {
      Step s = runner.run(rate, stepDuration);
      steps.add(s);
      System.out.printf("  %-28s %s%n", label, s);
      if (s.passed()) {
        best = s;
        break;
      }
      rate /= DOWN;
    }
    if (best == null) {
      return new Result(null, steps, false);
    }
    rate *= factor;
    for (int i = 1; i < maxSteps; i++, rate *= factor) {
      Step s = runner.run(rate, stepDuration);
      steps.add(s);
      System.out.printf("  %-28s %s%n", label, s);
      if (!s.passed()) {
        return new Result(best, steps, false);
      }
      best = s;
    }
    return new Result(best, steps, true);
  }
}
