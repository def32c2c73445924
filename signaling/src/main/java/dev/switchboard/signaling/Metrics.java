package dev.switchboard.signaling;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Signaling counters for {@code GET /metrics}, in Prometheus text format. Thread-safe. */
final class Metrics {

  /** Upper bounds of the relay latency histogram, in seconds. */
  private static final double[] BUCKETS = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1};

  /** The label of received messages whose type is not one of PROTOCOL.md's. */
  static final String UNKNOWN = "unknown";

  private final Map<String, LongAdder> messagesIn = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> messagesOut = new ConcurrentHashMap<>();
  /**
   * Striped, not one atomic array: every relayed signal lands here, from every event loop, and an
   * array's shared cache line passed between the cores on each of them (~3% of the loops' own CPU
   * under the signaling bench, profiled). The count is the buckets' total, as Prometheus requires.
   */
  private final LongAdder[] latencyBuckets = adders(BUCKETS.length + 1);
  private final LongAdder latencySumMicros = new LongAdder();
  final LongAdder rateLimited = new LongAdder();
  final LongAdder connections = new LongAdder();

  /**
   * Counts a message received. The type is the client's: only those of PROTOCOL.md get a label of
   * their own, every other (or none) counts as {@code unknown}, so a client can neither add lines to
   * /metrics nor grow this map.
   */
  void in(String type) {
    String label = type != null && ClientMessageDecoder.TYPES.contains(type) ? type : UNKNOWN;
    messagesIn.computeIfAbsent(label, t -> new LongAdder()).increment();
  }

  void out(String type) {
    messagesOut.computeIfAbsent(type, t -> new LongAdder()).increment();
  }

  /** Time from a relayed message's arrival to its hand-off to the receiver's connection. */
  void relayLatency(long micros) {
    double seconds = micros / 1_000_000.0;
    int bucket = BUCKETS.length;
    for (int i = 0; i < BUCKETS.length; i++) {
      if (seconds <= BUCKETS[i]) {
        bucket = i;
        break;
      }
    }
    latencyBuckets[bucket].increment();
    latencySumMicros.add(micros);
  }

  void append(StringBuilder out, int sessions, int connected, int rooms) {
    out.append("# HELP switchboard_signaling_sessions Signaling sessions, connected or waiting for a resume.\n")
        .append("# TYPE switchboard_signaling_sessions gauge\n")
        .append("switchboard_signaling_sessions ").append(sessions).append('\n')
        .append("# HELP switchboard_signaling_connected_sessions Sessions with an open WebSocket.\n")
        .append("# TYPE switchboard_signaling_connected_sessions gauge\n")
        .append("switchboard_signaling_connected_sessions ").append(connected).append('\n')
        .append("# HELP switchboard_signaling_rooms Rooms with at least one member.\n")
        .append("# TYPE switchboard_signaling_rooms gauge\n")
        .append("switchboard_signaling_rooms ").append(rooms).append('\n')
        .append("# HELP switchboard_signaling_connections_total WebSocket connections accepted.\n")
        .append("# TYPE switchboard_signaling_connections_total counter\n")
        .append("switchboard_signaling_connections_total ").append(connections.sum()).append('\n')
        .append("# HELP switchboard_signaling_rate_limited_total Messages refused with rate_limited.\n")
        .append("# TYPE switchboard_signaling_rate_limited_total counter\n")
        .append("switchboard_signaling_rate_limited_total ").append(rateLimited.sum()).append('\n');
    byType(out, "switchboard_signaling_messages_in_total", "Messages received, by type.", messagesIn);
    byType(out, "switchboard_signaling_messages_out_total", "Messages sent, by type.", messagesOut);
    out.append("# HELP switchboard_signaling_relay_latency_seconds Arrival of signal/chat to hand-off to the receiver.\n")
        .append("# TYPE switchboard_signaling_relay_latency_seconds histogram\n");
    long cumulative = 0;
    for (int i = 0; i < BUCKETS.length; i++) {
      cumulative += latencyBuckets[i].sum();
      out.append("switchboard_signaling_relay_latency_seconds_bucket{le=\"").append(BUCKETS[i]).append("\"} ")
          .append(cumulative).append('\n');
    }
    cumulative += latencyBuckets[BUCKETS.length].sum();
    out.append("switchboard_signaling_relay_latency_seconds_bucket{le=\"+Inf\"} ").append(cumulative).append('\n')
        .append("switchboard_signaling_relay_latency_seconds_sum ").append(latencySumMicros.sum() / 1_000_000.0).append('\n')
        .append("switchboard_signaling_relay_latency_seconds_count ").append(cumulative).append('\n');
  }

  private static LongAdder[] adders(int n) {
    LongAdder[] adders = new LongAdder[n];
    for (int i = 0; i < n; i++) {
      adders[i] = new LongAdder();
    }
    return adders;
  }

  private static void byType(StringBuilder out, String name, String help, Map<String, LongAdder> counts) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n')
        .append("# TYPE ").append(name).append(" counter\n");
    new TreeMap<>(counts).forEach((type, count) -> {
      out.append(name).append("{type=\"");
      appendLabelValue(out, type);
      out.append("\"} ").append(count.sum()).append('\n');
    });
  }

  /** A label value in the Prometheus text format: backslash, double quote and line feed escaped. */
  static void appendLabelValue(StringBuilder out, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '"' -> out.append("\\\"");
        case '\n' -> out.append("\\n");
        default -> out.append(c);
      }
    }
  }
}
