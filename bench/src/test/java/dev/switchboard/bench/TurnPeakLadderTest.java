package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The peak ladder: a first round from the middle step, up while carried or down until carried; later
 * rounds from the step carried before, down only; no step begun that would not end before the deadline.
 */
class TurnPeakLadderTest {

  private static final long SECOND = 1_000_000_000L;

  private final List<Integer> ran = new ArrayList<>();
  /** A clock that each step moves on by 20 s. */
  private long now;
  private final StepAllowance plenty = new StepAllowance(() -> now, Long.MAX_VALUE, 0);

  /** A server that carries up to {@code most} processes: 25000 relayed packets/s per process, 5% loss above. */
  private TurnRelayBench.PeakStep carriesUpTo(int most) {
    return processes -> {
      ran.add(processes);
      now += 20 * SECOND;
      return new TurnRelayBench.StepResult(25_000.0 * processes, processes > most ? 5 : 0);
    };
  }

  @Test
  void theLadderIsEightSixFourAndAFirstRoundStartsAtSix() {
    assertThat(TurnRelayBench.PEAK_PROCESSES).containsExactly(8, 6, 4);
    assertThat(TurnRelayBench.PEAK_PROCESSES[TurnRelayBench.FIRST_PEAK_STEP]).isEqualTo(6);
  }

  /** The steps a first round runs for a server that carries up to {@code most} processes, and its answer. */
  @ParameterizedTest(name = "carries up to {0}: runs {1}, carries {2}/s at step {3}")
  @CsvSource({
      "8, 6 8, 200000, 0", // climbs from the middle while carried
      "6, 6 8, 150000, 1", // keeps the middle when the step above loses
      "4, 6 4, 100000, 2", // goes down when the middle loses
      "2, 6 4, 0, 2", // loses at every step: carries nothing, at the last step
  })
  void aFirstRoundStartsAtTheMiddle(int most, String steps, double carried, int step) throws Exception {
    TurnRelayBench.Peak peak = TurnRelayBench.ladder(TurnRelayBench.FIRST_PEAK_STEP, true, carriesUpTo(most), plenty)
        .orElseThrow();
    assertThat(ran).containsExactly(java.util.Arrays.stream(steps.split(" ")).map(Integer::valueOf)
        .toArray(Integer[]::new));
    assertThat(peak).isEqualTo(new TurnRelayBench.Peak(carried, step));
  }

  @Test
  void aLaterRoundRunsTheStepCarriedBeforeWithoutClimbing() throws Exception {
    TurnRelayBench.Peak first = TurnRelayBench.ladder(TurnRelayBench.FIRST_PEAK_STEP, true, carriesUpTo(6), plenty)
        .orElseThrow();
    ran.clear();
    TurnRelayBench.Peak again = TurnRelayBench.ladder(first.step(), false, carriesUpTo(6), plenty).orElseThrow();
    assertThat(ran).containsExactly(6);
    assertThat(again).isEqualTo(first);
  }

  @Test
  void aLaterRoundGoesDownWhenTheStepCarriedBeforeLosesNow() throws Exception {
    TurnRelayBench.Peak again = TurnRelayBench.ladder(0, false, carriesUpTo(6), plenty).orElseThrow();
    assertThat(ran).containsExactly(8, 6);
    assertThat(again).isEqualTo(new TurnRelayBench.Peak(150_000.0, 1));
  }

  @Test
  void aStepIsNotBegunWhenItWouldEndAfterTheDeadline() throws Exception {
    // 30 s left and no step timed yet, taken to last 25 s: the middle step runs (20 s), and the one
    // above, now taken to last 20 s, does not fit in the 10 s left.
    StepAllowance allowance = new StepAllowance(() -> now, 30 * SECOND, 25 * SECOND);
    assertThat(TurnRelayBench.ladder(TurnRelayBench.FIRST_PEAK_STEP, true, carriesUpTo(6), allowance)).isEmpty();
    assertThat(ran).containsExactly(6);
  }

  @Test
  void theLongestStepTimedSoFarIsTheEstimate() throws Exception {
    // The first estimate (25 s) would not fit in the 24 s left after a 20-s step; the step timed at 20 s does.
    StepAllowance allowance = new StepAllowance(() -> now, 44 * SECOND, 25 * SECOND);
    assertThat(TurnRelayBench.ladder(TurnRelayBench.FIRST_PEAK_STEP, true, carriesUpTo(6), allowance)).isPresent();
    assertThat(ran).containsExactly(6, 8);
    assertThat(allowance.fits()).isFalse();
  }

  @Test
  void onlyTheFirstRoundClimbs() throws Exception {
    java.util.Map<String, List<Double>> peaks = TurnRelayBench.peakRounds(List.of("switchboard", "coturn"), 3,
        (server, from, climb) -> TurnRelayBench.ladder(from, climb,
            carriesUpTo(server.equals("coturn") ? 4 : 8), plenty));
    assertThat(peaks.get("switchboard")).containsExactly(200_000.0, 200_000.0, 200_000.0);
    assertThat(peaks.get("coturn")).containsExactly(100_000.0, 100_000.0, 100_000.0);
    assertThat(ran).containsExactly(6, 8, 6, 4, 8, 4, 8, 4);
  }

  @Test
  void aRoundNotFinishedForEveryServerIsLeftOutForAllAndEndsTheLadder() throws Exception {
    // 119 s: round 1 takes 80 (switchboard 6 and 8, coturn 6 and 8, 20 s each), round 2 begins with
    // switchboard at 8 (100 s in all) and coturn's 6 no longer fits in the 19 s left.
    StepAllowance allowance = new StepAllowance(() -> now, 119 * SECOND, 20 * SECOND);
    java.util.Map<String, List<Double>> peaks = TurnRelayBench.peakRounds(List.of("switchboard", "coturn"), 3,
        (server, from, climb) -> TurnRelayBench.ladder(from, climb,
            carriesUpTo(server.equals("coturn") ? 6 : 8), allowance));
    assertThat(peaks).containsOnlyKeys("switchboard", "coturn");
    assertThat(peaks.get("switchboard")).containsExactly(200_000.0);
    assertThat(peaks.get("coturn")).containsExactly(150_000.0);
    assertThat(ran).containsExactly(6, 8, 6, 8, 8);
  }

  @Test
  void noRoundThatFitsMeansNoPeak() throws Exception {
    StepAllowance allowance = new StepAllowance(() -> now, 10 * SECOND, 20 * SECOND);
    assertThat(TurnRelayBench.peakRounds(List.of("switchboard", "coturn"), 3,
        (server, from, climb) -> TurnRelayBench.ladder(from, climb, carriesUpTo(8), allowance))).isEmpty();
    assertThat(ran).isEmpty();
  }

  @Test
  void everyPacedModeIsMeasuredOnceAndTheTargetedOnesLast() {
    assertThat(TurnRelayBench.MEASURED_ORDER).containsExactlyInAnyOrder(Uclient.Mode.values());
    assertThat(TurnRelayBench.MEASURED_ORDER.subList(2, 4))
        .containsExactly(Uclient.Mode.UDP_CHANNELS, Uclient.Mode.UDP_PEER);
  }
}
