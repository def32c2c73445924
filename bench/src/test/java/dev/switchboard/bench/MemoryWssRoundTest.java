package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The memory-wss arithmetic: one-time costs of the first sessions are not billed per session. */
class MemoryWssRoundTest {

  private static final long MB = 1024 * 1024;

  // Idle 100 MiB; the first 1000 sessions bring 20 MiB of one-time costs plus 5 KiB each; later ones 5 KiB each.
  private final MemoryWssBench.Round round = new MemoryWssBench.Round(
      100 * MB, 100 * MB + 20 * MB + 1000 * 5 * 1024, 100 * MB + 20 * MB + 5000 * 5 * 1024, 1000, 5000, 10.0);

  @Test
  void theSlopeLeavesOneTimeCostsOut() {
    assertThat(round.marginalBytes()).isCloseTo(5 * 1024, within(0.001));
    assertThat(round.averageBytes()).isCloseTo(5 * 1024 + 20.0 * MB / 5000, within(0.001));
  }

  @Test
  void projectsTheIdleServerSharedOverTheTargetPlusTheSlope() {
    assertThat(round.perSessionAt(50_000)).isCloseTo(100.0 * MB / 50_000 + 5 * 1024, within(0.001));
    assertThat(round.withinBudget()).isCloseTo((512.0 - 100) * MB / (5 * 1024), within(0.001));
  }

  @Test
  void theOpeningPaceIsTheSessionsOverTheTimeTheyTook() {
    assertThat(round.openedPerSecond()).isCloseTo(500, within(0.001));
  }
}
