package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

  @Test
  void percentilesAreBucketUpperEdges() {
    LatencyHistogram h = new LatencyHistogram();
    for (int i = 0; i < 99; i++) {
      h.record(105_000); // 0.105 ms → bucket [0.10, 0.11)
    }
    h.record(7_000_000);
    assertThat(h.count()).isEqualTo(100);
    assertThat(h.percentileMillis(0.50)).isEqualTo(0.11);
    assertThat(h.percentileMillis(0.99)).isEqualTo(0.11);
    assertThat(h.percentileMillis(1.0)).isEqualTo(7.01);
  }

  @Test
  void overflowAndNegativeValuesAreKeptNotLost() {
    LatencyHistogram h = new LatencyHistogram();
    h.record(-5);
    h.record(10_000_000_000L);
    assertThat(h.count()).isEqualTo(2);
    assertThat(h.percentileMillis(0.5)).isEqualTo(0.01);
    assertThat(h.percentileMillis(1.0)).isEqualTo(200.01);
  }

  @Test
  void resetEmptiesIt() {
    LatencyHistogram h = new LatencyHistogram();
    h.record(1);
    h.reset();
    assertThat(h.count()).isZero();
    assertThat(h.percentileMillis(0.99)).isZero();
  }
}
