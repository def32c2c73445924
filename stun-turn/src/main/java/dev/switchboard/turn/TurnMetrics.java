package dev.switchboard.turn;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/** Counters for {@code /metrics}; LongAdders so the relay path only pays an uncontended add. Thread-safe. */
final class TurnMetrics {

  private static final String[] METHODS = {"binding", "allocate", "refresh", "send", "create_permission",
      "channel_bind", "other"};

  final LongAdder relayedBytes = new LongAdder();
  final LongAdder relayedPackets = new LongAdder();
  final LongAdder droppedPackets = new LongAdder();
  /** Packets between two allocations of this server, handed over in memory (a subset of relayedPackets). */
  final LongAdder relayedInMemory = new LongAdder();
  final LongAdder authFailures = new LongAdder();
  private final LongAdder[] requests = new LongAdder[METHODS.length];
  private final IntSupplier allocations;

  TurnMetrics(IntSupplier allocations) {
    this.allocations = allocations;
    for (int i = 0; i < requests.length; i++) {
      requests[i] = new LongAdder();
    }
  }

  void request(int method) {
    requests[index(method)].increment();
  }

  long requests(int method) {
    return requests[index(method)].sum();
  }

  void relayed(int bytes) {
    relayedPackets.increment();
    relayedBytes.add(bytes);
  }

  private static int index(int method) {
    return switch (method) {
      case Stun.BINDING -> 0;
      case Stun.ALLOCATE -> 1;
      case Stun.REFRESH -> 2;
      case Stun.SEND -> 3;
      case Stun.CREATE_PERMISSION -> 4;
      case Stun.CHANNEL_BIND -> 5;
      default -> 6;
    };
  }

  void appendPrometheus(StringBuilder out) {
    out.append("# HELP switchboard_turn_allocations Live TURN allocations.\n")
        .append("# TYPE switchboard_turn_allocations gauge\n")
        .append("switchboard_turn_allocations ").append(allocations.getAsInt()).append('\n');
    counter(out, "switchboard_turn_relayed_bytes_total", "Bytes relayed between clients and peers.", relayedBytes.sum());
    counter(out, "switchboard_turn_relayed_packets_total", "Packets relayed between clients and peers.", relayedPackets.sum());
    counter(out, "switchboard_turn_relayed_in_memory_packets_total",
        "Packets between two relays of this server, handed over without the kernel.", relayedInMemory.sum());
    counter(out, "switchboard_turn_dropped_packets_total",
        "Relay packets dropped (no permission, no channel, bandwidth cap, data over "
            + RelaySockets.MAX_DATAGRAM + " bytes, full socket send buffer, client not reading).", droppedPackets.sum());
    counter(out, "switchboard_turn_auth_failures_total", "Requests refused for bad or missing credentials.", authFailures.sum());
    out.append("# HELP switchboard_turn_requests_total STUN/TURN requests and indications by method.\n")
        .append("# TYPE switchboard_turn_requests_total counter\n");
    for (int i = 0; i < METHODS.length; i++) {
      out.append("switchboard_turn_requests_total{method=\"").append(METHODS[i]).append("\"} ")
          .append(requests[i].sum()).append('\n');
    }
  }

  private static void counter(StringBuilder out, String name, String help, long value) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n')
        .append("# TYPE ").append(name).append(" counter\n")
        .append(name).append(' ').append(value).append('\n');
  }
}
