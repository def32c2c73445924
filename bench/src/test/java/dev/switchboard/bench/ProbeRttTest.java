package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ProbeRttTest {

  private static final RelayRttProbe.Sample[] SAMPLES = {
      new RelayRttProbe.Sample(50, 9_000),   // before the load
      new RelayRttProbe.Sample(100, 30_000),
      new RelayRttProbe.Sample(150, -1),     // lost
      new RelayRttProbe.Sample(200, 10_000),
      new RelayRttProbe.Sample(250, 20_000),
      new RelayRttProbe.Sample(400, 1_000),  // after it
      new RelayRttProbe.Sample(450, -1),     // lost, after it
  };
  private static final List<Span> BUSY = List.of(new Span(100, 200), new Span(240, 260));

  @Test
  void keepsTheAnsweredPingsSentWithinTheSpansInMicrosecondsSorted() {
    assertThat(ProbeRtt.micros(SAMPLES, BUSY)).containsExactly(10.0, 20.0, 30.0);
    assertThat(ProbeRtt.micros(SAMPLES, List.of())).isEmpty();
  }

  @Test
  void countsLostPingsInTheSpansAndBillsTwoRelayedPacketsPerAnsweredPingOfTheRun() {
    ProbeRtt rtt = ProbeRtt.of(SAMPLES, BUSY);

    assertThat(rtt.answered()).isEqualTo(3);
    assertThat(rtt.lost()).isEqualTo(1);
    assertThat(rtt.lostPercent()).isEqualTo(25.0);
    assertThat(rtt.p50Micros()).isEqualTo(20.0);
    assertThat(rtt.relayedPackets()).as("5 answered in the whole run").isEqualTo(10);
  }

  @Test
  void noPingInTheSpansIsNaNNotZero() {
    ProbeRtt rtt = ProbeRtt.of(SAMPLES, List.of(new Span(1000, 2000)));

    assertThat(rtt.p50Micros()).isNaN();
    assertThat(rtt.p99Micros()).isNaN();
    assertThat(rtt.lostPercent()).isNaN();
  }

  @Test
  void quantilesByNearestRank() {
    double[] sorted = IntStream.rangeClosed(1, 200).asDoubleStream().toArray();

    assertThat(ProbeRtt.quantile(sorted, 0.5)).isEqualTo(100);
    assertThat(ProbeRtt.quantile(sorted, 0.99)).isEqualTo(198);
    assertThat(ProbeRtt.quantile(sorted, 0)).isEqualTo(1);
    assertThat(ProbeRtt.quantile(sorted, 1)).isEqualTo(200);
    assertThat(ProbeRtt.quantile(new double[0], 0.5)).isNaN();
  }
}
