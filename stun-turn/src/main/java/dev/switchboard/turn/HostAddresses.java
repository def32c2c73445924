package dev.switchboard.turn;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The addresses of this host's interfaces that are up, loopback included: where a wildcard UDP
 * listener can be reached, each of which gets a socket of its own so that answers leave from the
 * address a client sent to. Read once, at start.
 */
final class HostAddresses {

  private static final Logger log = LoggerFactory.getLogger(HostAddresses.class);

  private HostAddresses() {
  }

  /**
   * This host's addresses, both families, each once, {@link #ordered}; empty when the kernel will not
   * list them. An interface that goes away while being read (a container's, say) is left out alone.
   */
  static List<InetAddress> list() {
    Set<InetAddress> out = new LinkedHashSet<>();
    try {
      for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        try {
          if (nif.isUp()) {
            out.addAll(Collections.list(nif.getInetAddresses()));
          }
        } catch (SocketException gone) {
          log.debug("interface {}: {}", nif.getName(), gone.toString());
        }
      }
    } catch (SocketException e) {
      log.warn("cannot list this host's addresses ({}): UDP answers leave from the routed address", e.toString());
      return List.of();
    }
    return ordered(new ArrayList<>(out));
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
