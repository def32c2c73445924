package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RelayRttProbeTest {

  private static final RelayRttProbe.Sample[] SAMPLES = {
      new RelayRttProbe.Sample(50, 9_000),   // before the load
      new RelayRttProbe.Sample(100, 30_000),
      new RelayRttProbe.Sample(150, -1),     // lost
      new RelayRttProbe.Sample(200, 10_000),
      new RelayRttProbe.Sample(250, 20_000),
      new RelayRttProbe.Sample(400, 1_000),  // after it
  };

  @Test
  void keepsThePingsSentWithinTheSpansInMicrosecondsSorted() {
    List<long[]> spans = List.of(new long[] {100, 200}, new long[] {240, 260});

    assertThat(RelayRttProbe.micros(SAMPLES, spans)).containsExactly(10.0, 20.0, 30.0);
    assertThat(RelayRttProbe.lost(SAMPLES, spans)).isEqualTo(1);
    assertThat(RelayRttProbe.micros(SAMPLES, List.of())).isEmpty();
  }

  @Test
  void billsTwoRelayedPacketsPerAnsweredPing() {
    assertThat(RelayRttProbe.relayedPackets(SAMPLES)).isEqualTo(10);
  }

  @Test
  void quantilesByNearestRank() {
    double[] sorted = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};

    assertThat(RelayRttProbe.quantile(sorted, 0.5)).isEqualTo(5);
    assertThat(RelayRttProbe.quantile(sorted, 0.99)).isEqualTo(10);
    assertThat(RelayRttProbe.quantile(sorted, 0)).isEqualTo(1);
    assertThat(RelayRttProbe.quantile(new double[0], 0.5)).isNaN();
  }
}
