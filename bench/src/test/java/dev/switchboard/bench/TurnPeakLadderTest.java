package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The peak ladder: top down to the first step within 1% loss, later rounds from the step carried
 * before, no step begun that would not end before the deadline.
 */
class TurnPeakLadderTest {

  private static final long SECOND = 1_000_000_000L;

  private final List<Integer> ran = new ArrayList<>();
  /** A clock that each step moves on by 20 s. */
  private long now;
  private final StepAllowance plenty = new StepAllowance(() -> now, Long.MAX_VALUE, 0);

  /** A server that carries up to 6 processes (the ladder's second step): 25000 relayed packets/s per process, 5% loss above. */
  private TurnRelayBench.StepResult carriesSix(int processes) {
    ran.add(processes);
    now += 20 * SECOND;
    return new TurnRelayBench.StepResult(25_000.0 * processes, processes > 6 ? 5 : 0);
  }

  /** A server that carries the top step: 25000 relayed packets/s per process. */
  private TurnRelayBench.StepResult carriesAll(int processes) {
    ran.add(processes);
    now += 20 * SECOND;
    return new TurnRelayBench.StepResult(25_000.0 * processes, 0);
  }

  @Test
  void aFirstRoundStartsAtTheTopAndStopsAtTheFirstStepCarried() throws Exception {
    TurnRelayBench.Peak peak = TurnRelayBench.topDown(0, this::carriesSix, plenty).orElseThrow();
    assertThat(TurnRelayBench.PEAK_PROCESSES).startsWith(8, 6);
    assertThat(ran).containsExactly(8, 6);
    assertThat(peak.relayedPerSecond()).isEqualTo(150_000.0);
    assertThat(TurnRelayBench.PEAK_PROCESSES[peak.step()]).isEqualTo(6);
  }

  @Test
  void aLaterRoundStartsAtTheStepCarriedBefore() throws Exception {
    TurnRelayBench.Peak first = TurnRelayBench.topDown(0, this::carriesSix, plenty).orElseThrow();
    ran.clear();
    TurnRelayBench.Peak again = TurnRelayBench.topDown(first.step(), this::carriesSix, plenty).orElseThrow();
    assertThat(ran).containsExactly(6);
    assertThat(again).isEqualTo(first);
  }

  @Test
  void aServerThatLosesAtEveryStepCarriesNothing() throws Exception {
    TurnRelayBench.Peak peak = TurnRelayBench.topDown(0, processes -> new TurnRelayBench.StepResult(1000, 50), plenty)
        .orElseThrow();
    assertThat(peak.relayedPerSecond()).isZero();
    assertThat(peak.step()).isEqualTo(TurnRelayBench.PEAK_PROCESSES.length - 1);
  }

  @Test
  void aStepIsNotBegunWhenItWouldEndAfterTheDeadline() throws Exception {
    // 30 s left and no step timed yet, taken to last 25 s: the top step runs (20 s), and the next,
    // now taken to last 20 s, does not fit in the 10 s left.
    StepAllowance allowance = new StepAllowance(() -> now, 30 * SECOND, 25 * SECOND);
    assertThat(TurnRelayBench.topDown(0, this::carriesSix, allowance)).isEmpty();
    assertThat(ran).containsExactly(8);
  }

  @Test
  void theLongestStepTimedSoFarIsTheEstimate() throws Exception {
    // The first estimate (25 s) would not fit in the 24 s left after a 20-s step; the step timed at 20 s does.
    StepAllowance allowance = new StepAllowance(() -> now, 44 * SECOND, 25 * SECOND);
    assertThat(TurnRelayBench.topDown(0, this::carriesSix, allowance)).isPresent();
    assertThat(ran).containsExactly(8, 6);
    assertThat(allowance.fits()).isFalse();
  }

  @Test
  void aRoundNotFinishedForEveryServerIsLeftOutForAllAndEndsTheLadder() throws Exception {
    // 99 s: round 1 takes 60 (switchboard 8 at 20 s; coturn 8 and 6 at 20 s each), round 2 begins
    // with switchboard at 8 (80 s in all) and coturn's 6 no longer fits in the 19 s left.
    StepAllowance allowance = new StepAllowance(() -> now, 99 * SECOND, 20 * SECOND);
    java.util.Map<String, List<Double>> peaks = TurnRelayBench.peakRounds(List.of("switchboard", "coturn"), 3,
        (server, from) -> TurnRelayBench.topDown(from, server.equals("coturn") ? this::carriesSix : this::carriesAll,
            allowance));
    assertThat(peaks).containsOnlyKeys("switchboard", "coturn");
    assertThat(peaks.get("switchboard")).containsExactly(200_000.0);
    assertThat(peaks.get("coturn")).containsExactly(150_000.0);
    assertThat(ran).containsExactly(8, 8, 6, 8);
  }

  @Test
  void noRoundThatFitsMeansNoPeak() throws Exception {
    StepAllowance allowance = new StepAllowance(() -> now, 10 * SECOND, 20 * SECOND);
    assertThat(TurnRelayBench.peakRounds(List.of("switchboard", "coturn"), 3,
        (server, from) -> TurnRelayBench.topDown(from, this::carriesAll, allowance))).isEmpty();
    assertThat(ran).isEmpty();
  }

  @Test
  void everyPacedModeIsMeasuredOnceAndTheTargetedOnesLast() {
    assertThat(TurnRelayBench.MEASURED_ORDER).containsExactlyInAnyOrder(Uclient.Mode.values());
    assertThat(TurnRelayBench.MEASURED_ORDER.subList(2, 4))
        .containsExactly(Uclient.Mode.UDP_CHANNELS, Uclient.Mode.UDP_PEER);
  }
}
