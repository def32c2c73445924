package dev.switchboard.turn;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The addresses of this host's interfaces that are up, loopback included: where a wildcard UDP
 * listener can be reached, each of which gets a socket of its own so that answers leave from the
 * address a client sent to. Read once, at start.
 */
final class HostAddresses {

  private HostAddresses() {
  }

  /** This host's addresses, both families; empty when the kernel will not list them. */
  static List<InetAddress> list() {
    List<InetAddress> out = new ArrayList<>();
    try {
      for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!nif.isUp()) {
          continue;
        }
        for (InetAddress address : Collections.list(nif.getInetAddresses())) {
          out.add(address);
        }
      }
    } catch (SocketException e) {
      return List.of();
    }
    return out;
  }
}
