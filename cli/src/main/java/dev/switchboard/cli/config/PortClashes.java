package dev.switchboard.cli.config;

import dev.switchboard.signaling.SignalingConfig;
import dev.switchboard.turn.TurnConfig;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds listeners of one process that would bind the same port: without this check the second bind
 * fails at start-up with "Address already in use", which reads as if another process held the port.
 * Stateless.
 */
final class PortClashes {

  /**
   * A port or port range the server binds.
   *
   * @param key         the config key of the port(s), where a clash is reported
   * @param addressKey  the config key of the bind address
   * @param protocol    "TCP" or "UDP": a TCP and a UDP socket may share a port
   */
  private record Binding(String key, String addressKey, String protocol, InetAddress address, int min, int max) {

    String ports() {
      return min == max ? String.valueOf(min) : min + "-" + max;
    }

    boolean isRange() {
      return min != max;
    }
  }

  private PortClashes() {}

  /** Records a problem for every two listeners that would bind the same protocol, port and address. */
  static void check(ConfigValues v, SignalingConfig signaling, boolean turnEnabled, TurnConfig turn) {
    List<Binding> bindings = new ArrayList<>();
    bindings.add(new Binding("signaling.port", "signaling.listen", "TCP", signaling.address(), signaling.port(),
        signaling.port()));
    if (turnEnabled) {
      TurnConfig.Listeners l = turn.listeners();
      if (l.udp()) {
        bindings.add(new Binding("turn.port", "turn.listen", "UDP", l.address(), l.port(), l.port()));
      }
      if (l.tcp()) {
        bindings.add(new Binding("turn.port", "turn.listen", "TCP", l.address(), l.port(), l.port()));
      }
      if (l.tls()) {
        bindings.add(new Binding("turn.tlsPort", "turn.listen", "TCP", l.address(), l.tlsPort(), l.tlsPort()));
      }
      TurnConfig.Relay relay = turn.relay();
      bindings.add(new Binding("turn.relay.ports", "turn.relay.address", "UDP", relay.address(), relay.minPort(),
          relay.maxPort()));
    }
    // A key with a problem holds the default standing in for a bad value, which was reported already.
    bindings.removeIf(b -> v.hasProblem(b.key()) || v.hasProblem(b.addressKey()));
    for (int i = 0; i < bindings.size(); i++) {
      for (int j = i + 1; j < bindings.size(); j++) {
        Binding a = bindings.get(i);
        Binding b = bindings.get(j);
        if (clash(a, b)) {
          // Reported on the one the user set (the later when both are), naming the other with its origin.
          boolean onB = v.setByUser(b.key()) || !v.setByUser(a.key());
          report(v, onB ? b : a, onB ? a : b);
        }
      }
    }
  }

  private static boolean clash(Binding a, Binding b) {
    if (a.key().equals(b.key()) || !a.protocol().equals(b.protocol())) {
      return false;
    }
    // Port 0 is any free port: the kernel never hands out one that is taken.
    boolean portsOverlap = a.min() != 0 && b.min() != 0 && a.min() <= b.max() && b.min() <= a.max();
    return portsOverlap && addressesOverlap(a.address(), b.address());
  }

  /**
   * Conservative: a wildcard overlaps every address (0.0.0.0 and :: may both cover IPv4, depending on
   * IPV6_V6ONLY), other addresses only themselves.
   */
  private static boolean addressesOverlap(InetAddress a, InetAddress b) {
    return a.isAnyLocalAddress() || b.isAnyLocalAddress() || a.equals(b);
  }

  private static void report(ConfigValues v, Binding on, Binding other) {
    String where = on.address().equals(other.address()) ? on.address().getHostAddress()
        : on.address().getHostAddress() + " and " + other.address().getHostAddress();
    String relation;
    String fix;
    if (other.isRange()) {
      relation = on.ports() + " is inside " + other.key() + " " + other.ports();
      fix = "choose a port outside it";
    } else if (on.isRange()) {
      relation = on.ports() + " holds " + other.key() + " " + other.ports();
      fix = "choose a range without it";
    } else {
      relation = on.ports() + " is also " + other.key();
      fix = "give them different ports";
    }
    v.problem(on.key(), relation + " (" + v.where(other.key()) + "), and both bind " + on.protocol() + " on " + where
        + ": " + fix);
  }
}
