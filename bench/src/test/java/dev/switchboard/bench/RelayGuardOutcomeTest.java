package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class RelayGuardOutcomeTest {

  @Test
  void oneRoundThatWasLuckyForCoturnAloneDoesNotSetTheRatio() {
    // The CI run of 2026-12-03: per-round ratios 1.55, 1.26 and 1.25; best against best read 1.47.
    RelayGuard.Outcome outcome = new RelayGuard.Outcome(List.of(1.55, 1.51, 1.60), List.of(1.00, 1.20, 1.28), 0, 0);

    assertThat(outcome.ratio()).isCloseTo(1.26, within(0.01));
    assertThat(outcome.passed()).isTrue();
  }

  @Test
  void aRelayThatIsSlowerInMostRoundsFails() {
    RelayGuard.Outcome outcome = new RelayGuard.Outcome(List.of(1.20, 1.70, 1.80), List.of(1.00, 1.10, 1.10), 0, 0);

    assertThat(outcome.ratio()).isGreaterThan(RelayGuard.MAX_CPU_RATIO);
    assertThat(outcome.passed()).isFalse();
  }

  @Test
  void anyLossFails() {
    assertThat(new RelayGuard.Outcome(List.of(1.0), List.of(1.0), 1, 0).passed()).isFalse();
    assertThat(new RelayGuard.Outcome(List.of(1.0), List.of(1.0), 0, 1).passed()).isFalse();
  }

  @Test
  void reportsEveryRound() {
    String text = new RelayGuard.Outcome(List.of(1.5, 1.25), List.of(1.0, 1.0), 0, 0).toString();

    assertThat(text).contains("[1.500, 1.250]").contains("[1.000, 1.000]").contains("median ratio 1.38");
  }
}
