package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The peak ladder: top down to the first step within 1% loss, later rounds from the step carried before. */
class TurnPeakLadderTest {

  private final List<Integer> ran = new ArrayList<>();

  /** A server that carries up to 6 processes (the ladder's second step): 25000 relayed packets/s per process, 5% loss above. */
  private TurnRelayBench.StepResult carriesSix(int processes) {
    ran.add(processes);
    return new TurnRelayBench.StepResult(25_000.0 * processes, processes > 6 ? 5 : 0);
  }

  @Test
  void aFirstRoundStartsAtTheTopAndStopsAtTheFirstStepCarried() throws Exception {
    TurnRelayBench.Peak peak = TurnRelayBench.topDown(0, this::carriesSix);
    assertThat(TurnRelayBench.PEAK_PROCESSES).startsWith(8, 6);
    assertThat(ran).containsExactly(8, 6);
    assertThat(peak.relayedPerSecond()).isEqualTo(150_000.0);
    assertThat(TurnRelayBench.PEAK_PROCESSES[peak.step()]).isEqualTo(6);
  }

  @Test
  void aLaterRoundStartsAtTheStepCarriedBefore() throws Exception {
    TurnRelayBench.Peak first = TurnRelayBench.topDown(0, this::carriesSix);
    ran.clear();
    TurnRelayBench.Peak again = TurnRelayBench.topDown(first.step(), this::carriesSix);
    assertThat(ran).containsExactly(6);
    assertThat(again).isEqualTo(first);
  }

  @Test
  void aServerThatLosesAtEveryStepCarriesNothing() throws Exception {
    TurnRelayBench.Peak peak = TurnRelayBench.topDown(0, processes -> new TurnRelayBench.StepResult(1000, 50));
    assertThat(peak.relayedPerSecond()).isZero();
    assertThat(peak.step()).isEqualTo(TurnRelayBench.PEAK_PROCESSES.length - 1);
  }

  @Test
  void everyPacedModeIsMeasuredOnceAndTheTargetedOnesLast() {
    assertThat(TurnRelayBench.MEASURED_ORDER).containsExactlyInAnyOrder(Uclient.Mode.values());
    assertThat(TurnRelayBench.MEASURED_ORDER.subList(2, 4))
        .containsExactly(Uclient.Mode.UDP_CHANNELS, Uclient.Mode.UDP_PEER);
  }
}
