package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** What a signaling step counts as: kept up, over, or the generator's own limit. */
class SignalingStepTest {

  private static SignalingLoad.Step step(double sent, double skipped, double delivered, double p99) {
    return new SignalingLoad.Step(10000, sent, skipped, delivered, 0.2, p99, 0);
  }

  @Test
  void skippedSendsAreTheServersBackPressureNotTheGeneratorFallingBehind() {
    assertThat(step(10000, 0, 9990, 1).within(5)).isTrue();
    assertThat(step(10000, 0, 9990, 6).within(5)).isFalse();
    SignalingLoad.Step backPressure = step(6000, 4000, 6000, 50);
    assertThat(backPressure.within(5)).isFalse();
    assertThat(backPressure.generatorBehind()).isFalse();
    SignalingLoad.Step behind = step(8000, 500, 8000, 3);
    assertThat(behind.within(5)).isFalse();
    assertThat(behind.generatorBehind()).isTrue();
  }

  @Test
  void aStepThatUsedMoreCpuPerSignalShowsMoreMicroseconds() {
    // 0.5 cores for 2 s on 10000 signals/s offered over a 1 s loaded window: 100 µs per signal.
    SignalingBench.Measured m = new SignalingBench.Measured(step(10000, 0, 10000, 1), 0.5, 0.25, 2.0);
    assertThat(m.serverMicros(Duration.ofSeconds(1))).isCloseTo(100, Offset.offset(1e-9));
    assertThat(m.generatorMicros(Duration.ofSeconds(1))).isCloseTo(50, Offset.offset(1e-9));
  }
}
