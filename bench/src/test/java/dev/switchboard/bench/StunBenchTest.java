package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The CPU per unit row: the server's CPU over a round's best step, per unit that step completed. */
class StunBenchTest {

  private static Step step(double rate, long completed) {
    return new Step(rate, 1, completed, completed, 0, 0, 0, 0, 1, 2);
  }

  @Test
  void cpuPerUnitIsTheBestStepsCpuOverWhatItCompleted() {
    Step lower = step(100000, 100000);
    Step best = step(112000, 112000);
    Step failed = step(125440, 110000);
    Map<Step, Double> cpu = new IdentityHashMap<>();
    cpu.put(lower, 0.6);
    cpu.put(best, 0.728);
    cpu.put(failed, 0.9);
    RateLadder.Result round = new RateLadder.Result(best, List.of(lower, best, failed), false);
    RateLadder.Result none = new RateLadder.Result(null, List.of(failed), false);

    List<Double> micros = StunBench.cpuMicros(List.of(round, none), cpu);

    assertThat(micros.get(0)).isCloseTo(6.5, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(micros.get(1)).isNaN();
  }

  @Test
  void equalStepsOfDifferentRoundsKeepTheirOwnCpu() {
    Step first = step(112000, 112000);
    Step second = step(112000, 112000); // equal as a record, another step
    Step empty = step(112000, 0);
    Map<Step, Double> cpu = new IdentityHashMap<>();
    cpu.put(first, 0.56);
    cpu.put(second, 0.84);
    cpu.put(empty, 0.1);

    List<Double> micros = StunBench.cpuMicros(List.of(new RateLadder.Result(first, List.of(first), false),
        new RateLadder.Result(empty, List.of(empty), false)), cpu);

    assertThat(micros.get(0)).isCloseTo(5, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(micros.get(1)).isNaN();
  }
}
