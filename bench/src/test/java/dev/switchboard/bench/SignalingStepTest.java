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

  /** A server that keeps p99 within 5 ms up to {@code limit} signals/s, and the rates it was offered. */
  private static SignalingBench.StepRunner upTo(double limit, java.util.List<Double> offered) {
    return rate -> {
      offered.add(rate);
      return new SignalingBench.Measured(new SignalingLoad.Step(rate, rate, 0, rate, 0.2, rate <= limit ? 1 : 20, 0),
          0.5, 0.5, 1.3);
    };
  }

  @Test
  void theCoarseLadderClimbsUntilAStepFailsTwice() throws Exception {
    java.util.List<Double> offered = new java.util.ArrayList<>();
    SignalingBench.Coarse c = SignalingBench.coarse(0, upTo(30000, offered));

    assertThat(c.index()).isEqualTo(2);
    assertThat(c.passed().step().offeredPerSecond()).isEqualTo(20000);
    assertThat(c.failed().step().offeredPerSecond()).isEqualTo(40000);
    assertThat(offered).containsExactly(5000.0, 10000.0, 20000.0, 40000.0, 40000.0);
  }

  @Test
  void aLaterRoundStartsOneStepBelowItsBestAndFallsBackToTheBottom() throws Exception {
    assertThat(SignalingBench.startAfter(2)).isEqualTo(1);
    assertThat(SignalingBench.startAfter(-1)).isZero();

    java.util.List<Double> offered = new java.util.ArrayList<>();
    SignalingBench.Coarse same = SignalingBench.coarse(1, upTo(30000, offered));
    assertThat(same.index()).isEqualTo(2);
    assertThat(offered).containsExactly(10000.0, 20000.0, 40000.0, 40000.0);

    offered.clear();
    SignalingBench.Coarse worse = SignalingBench.coarse(2, upTo(12000, offered));
    assertThat(worse.index()).isEqualTo(1);
    assertThat(worse.passed().step().offeredPerSecond()).isEqualTo(10000);
    assertThat(worse.failed().step().offeredPerSecond()).isEqualTo(20000);
    assertThat(offered).containsExactly(20000.0, 20000.0, 5000.0, 10000.0);

    offered.clear();
    SignalingBench.Coarse muchWorse = SignalingBench.coarse(2, upTo(3000, offered));
    assertThat(muchWorse.index()).isEqualTo(-1);
    assertThat(muchWorse.failed().step().offeredPerSecond()).isEqualTo(5000);
    assertThat(offered).containsExactly(20000.0, 20000.0, 5000.0, 5000.0);
  }
}
