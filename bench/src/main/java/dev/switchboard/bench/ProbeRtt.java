package dev.switchboard.bench;

import java.util.Arrays;
import java.util.List;

/**
 * One paced run's {@link RelayRttProbe} pings, summed up over the spans in which uclient's load was
 * on: the round trips' p50 and p99 in microseconds (NaN when no answered ping fell in them), and
 * how many pings there were answered and lost. {@code relayedPackets} counts the whole run, since
 * the server's CPU is billed over the whole run too.
 */
record ProbeRtt(double p50Micros, double p99Micros, long answered, long lost, long relayedPackets) {

  /** No probe ran (a single server's run, the warm-up). */
  static final ProbeRtt NONE = new ProbeRtt(Double.NaN, Double.NaN, 0, 0, 0);

  static ProbeRtt of(RelayRttProbe.Sample[] samples, List<Span> busy) {
    double[] micros = micros(samples, busy);
    long lost = Arrays.stream(samples).filter(s -> !s.answered() && within(s, busy)).count();
    long relayed = 2 * Arrays.stream(samples).filter(RelayRttProbe.Sample::answered).count();
    return new ProbeRtt(quantile(micros, 0.5), quantile(micros, 0.99), micros.length, lost, relayed);
  }

  /** Lost pings in percent of those sent in the spans; NaN when none was. */
  double lostPercent() {
    return answered + lost == 0 ? Double.NaN : 100.0 * lost / (answered + lost);
  }

  /** The round trips of the answered pings sent within {@code spans}, in microseconds, sorted. */
  static double[] micros(RelayRttProbe.Sample[] samples, List<Span> spans) {
    return Arrays.stream(samples).filter(s -> s.answered() && within(s, spans))
        .mapToDouble(s -> s.rttNanos() / 1000.0).sorted().toArray();
  }

  /** The p-quantile (0-1) of sorted {@code values} by nearest rank; NaN when empty. */
  static double quantile(double[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p * sorted.length);
    return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
  }

  private static boolean within(RelayRttProbe.Sample s, List<Span> spans) {
    return spans.stream().anyMatch(span -> span.contains(s.sentAt()));
  }
}
