package dev.switchboard.turn;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * The addresses of this host's interfaces that are up, loopback included: where a wildcard UDP
 * listener can be reached, each of which gets a socket of its own so that answers leave from the
 * address a client sent to. Read once, at start.
 */
final class HostAddresses {

  private HostAddresses() {
  }

  /** This host's addresses, both families, {@link #ordered}; empty when the kernel will not list them. */
  static List<InetAddress> list() {
    List<InetAddress> out = new ArrayList<>();
    try {
      for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!nif.isUp()) {
          continue;
        }
        out.addAll(Collections.list(nif.getInetAddresses()));
      }
    } catch (SocketException e) {
      return List.of();
    }
    return ordered(out);
  }

  /**
   * Link-local addresses last, in the order found otherwise: a host with many container interfaces
   * has an IPv6 link-local address on each, which clients hardly ever use, and they must not take
   * the places (TurnServer caps them) of the addresses clients do use.
   */
  static List<InetAddress> ordered(List<InetAddress> addresses) {
    List<InetAddress> out = new ArrayList<>(addresses);
    out.sort(Comparator.comparing(InetAddress::isLinkLocalAddress)); // stable: false before true
    return out;
  }
}
