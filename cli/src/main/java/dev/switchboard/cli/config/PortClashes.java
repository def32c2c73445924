package dev.switchboard.cli.config;

import dev.switchboard.signaling.SignalingConfig;
import dev.switchboard.turn.TurnConfig;
import io.netty.util.NetUtil;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
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
   * @param dualStack   opened as an IPv6 socket that takes IPv4 too, whatever its address: see
   *                    {@link #addressesOverlap}
   */
  private record Binding(String key, String addressKey, String protocol, InetAddress address, boolean dualStack,
                         int min, int max) {

    String ports() {
      return min == max ? String.valueOf(min) : min + "-" + max;
    }

    boolean isRange() {
      return min != max;
    }
  }

  private static final InetAddress IPV6_WILDCARD = ConfigSyntax.ip("::");

  private PortClashes() {}

  /** Records a problem for every two listeners that would bind the same protocol, port and address. */
  static void check(ConfigValues v, SignalingConfig signaling, boolean turnEnabled, TurnConfig turn) {
    List<Binding> bindings = new ArrayList<>();
    bindings.add(new Binding("signaling.port", "signaling.listen", "TCP", signaling.address(), true,
        signaling.port(), signaling.port()));
    if (turnEnabled) {
      TurnConfig.Listeners l = turn.listeners();
      if (l.udp()) {
        bindings.add(new Binding("turn.port", "turn.listen", "UDP", l.address(), true, l.port(), l.port()));
      }
      if (l.tcp()) {
        bindings.add(new Binding("turn.port", "turn.listen", "TCP", l.address(), true, l.port(), l.port()));
      }
      if (l.tls()) {
        bindings.add(new Binding("turn.tlsPort", "turn.listen", "TCP", l.address(), true, l.tlsPort(), l.tlsPort()));
      }
      TurnConfig.Relay relay = turn.relay();
      // A relay socket is opened in its address's own family (stun-turn's RelaySockets).
      bindings.add(new Binding("turn.relay.ports", "turn.relay.address", "UDP", relay.address(), false,
          relay.minPort(), relay.maxPort()));
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
    return portsOverlap && addressesOverlap(a.address(), a.dualStack(), b.address(), b.dualStack());
  }

  /**
   * Whether Linux refuses a second bind of one protocol and port on these addresses, for the sockets
   * the server opens (checked by binding them on loopback, both orders, TCP and UDP, kernel 6.18):
   * <ul>
   *   <li>:: takes every address: the server's IPv6 sockets are dual-stack (IPV6_V6ONLY off).
   *   <li>A listener is such a socket whatever its address, and on it the JDK and Netty bind 0.0.0.0
   *       as ::. So a listener's 0.0.0.0 takes IPv6 addresses too: 0.0.0.0:P and [::1]:P are
   *       "Address already in use" for two listeners.
   *   <li>A relay socket for an IPv4 address is an IPv4 socket: its 0.0.0.0 takes every IPv4
   *       address (an IPv4-mapped one too) and the wildcards, but not [::1] or [2001:db8::1].
   *   <li>Otherwise only the same address, an IPv4-mapped address being its IPv4 one.
   * </ul>
   */
  static boolean addressesOverlap(InetAddress a, boolean aDualStack, InetAddress b, boolean bDualStack) {
    InetAddress x = asBound(a, aDualStack);
    InetAddress y = asBound(b, bDualStack);
    if (isIpv6Wildcard(x) || isIpv6Wildcard(y)) {
      return true;
    }
    if (x.isAnyLocalAddress()) {
      return y instanceof Inet4Address;
    }
    if (y.isAnyLocalAddress()) {
      return x instanceof Inet4Address;
    }
    return x.equals(y);
  }

  /** The address the kernel sees: 0.0.0.0 on a dual-stack socket is ::, ::ffff:a.b.c.d is a.b.c.d. */
  private static InetAddress asBound(InetAddress address, boolean dualStack) {
    byte[] b = address.getAddress();
    InetAddress bound = address instanceof Inet6Address && isIpv4Mapped(b)
        ? ipv4(new byte[] {b[12], b[13], b[14], b[15]}) : address;
    return dualStack && bound instanceof Inet4Address && bound.isAnyLocalAddress() ? IPV6_WILDCARD : bound;
  }

  private static boolean isIpv6Wildcard(InetAddress address) {
    return address instanceof Inet6Address && address.isAnyLocalAddress();
  }

  private static boolean isIpv4Mapped(byte[] b) {
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
  }

  private static InetAddress ipv4(byte[] bytes) {
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e); // four bytes are always an address
    }
  }

  private static void report(ConfigValues v, Binding on, Binding other) {
    // ::1 as written, not the JDK's 0:0:0:0:0:0:0:1.
    String where = on.address().equals(other.address()) ? NetUtil.toAddressString(on.address())
        : NetUtil.toAddressString(on.address()) + " and " + NetUtil.toAddressString(other.address());
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
