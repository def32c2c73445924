package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The ladder against a fake server that completes at most {@code limit} units per second. */
class RateLadderTest {

  private static RateLadder.Runner limitedTo(double limit) {
    return (rate, duration) -> {
      long started = Math.round(rate);
      long completed = Math.round(Math.min(rate, limit));
      return new Step(rate, 1, started, completed, started - completed, started - completed, 0, 0, 1, 2);
    };
  }

  @Test
  void climbsUntilAStepFailsAndHintsAtWhatTheFailingStepStillCompleted() throws Exception {
    RateLadder.Result r = new RateLadder(2, 6, Duration.ofSeconds(1)).climb(32000, limitedTo(120000), "test");

    assertThat(r.rate()).isEqualTo(64000);
    assertThat(r.capped()).isFalse();
    assertThat(r.capacityHint()).isEqualTo(120000);
  }

  @Test
  void aCappedLadderHintsAtItsBestStep() throws Exception {
    RateLadder.Result r = new RateLadder(2, 3, Duration.ofSeconds(1)).climb(1000, limitedTo(1e9), "test");

    assertThat(r.capped()).isTrue();
    assertThat(r.capacityHint()).isEqualTo(r.rate()).isEqualTo(4000);
  }

  @Test
  void aLadderWhereEveryStepFailedHintsAtNothing() throws Exception {
    RateLadder.Result r = new RateLadder(2, 6, Duration.ofSeconds(1)).climb(100000, limitedTo(1000), "test");

    assertThat(r.best()).isNull();
    assertThat(r.capacityHint()).isZero();
  }

  @Test
  void aFailingFirstStepIsRetriedLower() throws Exception {
    RateLadder.Result r = new RateLadder(1.12, 2, Duration.ofSeconds(1)).climb(150000, limitedTo(110000), "test");

    assertThat(r.steps().get(1).offeredPerSecond()).isEqualTo(100000);
    assertThat(r.rate()).isEqualTo(100000);
  }
}
