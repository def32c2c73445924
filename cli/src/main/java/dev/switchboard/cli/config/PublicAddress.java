package dev.switchboard.cli.config;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The address clients must reach: the host put into ICE URLs and the IP put into
 * XOR-RELAYED-ADDRESS. Immutable.
 *
 * @param host     as clients should write it (a name or an IP literal)
 * @param address  the IP it stands for
 * @param detected true when chosen by {@code auto}
 */
public record PublicAddress(String host, InetAddress address, boolean detected) {

  /** The host as it goes into a URL: IPv6 literals in brackets. */
  public String urlHost() {
    return address instanceof Inet6Address && host.contains(":") ? "[" + host + "]" : host;
  }

  /** True when clients on the internet cannot reach it (loopback, private, link-local, ...). */
  public boolean isPrivate() {
    return address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()
        || address.isAnyLocalAddress() || isUniqueLocal(address) || isCgnat(address);
  }

  private static boolean isUniqueLocal(InetAddress a) {
    return a instanceof Inet6Address && (a.getAddress()[0] & 0xfe) == 0xfc;
  }

  private static boolean isCgnat(InetAddress a) {
    byte[] b = a.getAddress();
    return a instanceof Inet4Address && (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64;
  }

  /**
   * Resolves a configured value: "auto", an IP literal or a host name.
   *
   * @throws UnknownHostException when a host name does not resolve
   */
  static PublicAddress resolve(String value) throws UnknownHostException {
    if (value.equalsIgnoreCase("auto")) {
      InetAddress detected = detect().orElse(InetAddress.getLoopbackAddress());
      return new PublicAddress(detected.getHostAddress(), detected, true);
    }
    InetAddress literal = ConfigSyntax.ip(value);
    if (literal != null) {
      String host = value.startsWith("[") ? value.substring(1, value.length() - 1) : value;
      return new PublicAddress(host, literal, false);
    }
    return new PublicAddress(value, InetAddress.getByName(value), false);
  }

  /** The first non-loopback, non-link-local address of an interface that is up; IPv4 first. */
  static Optional<InetAddress> detect() {
    List<InetAddress> candidates = new ArrayList<>();
    try {
      for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!nif.isUp() || nif.isLoopback() || nif.isVirtual()) {
          continue;
        }
        for (InetAddress a : Collections.list(nif.getInetAddresses())) {
          if (!a.isLoopbackAddress() && !a.isLinkLocalAddress() && !a.isAnyLocalAddress()) {
            candidates.add(a);
          }
        }
      }
    } catch (SocketException e) {
      return Optional.empty();
    }
    return candidates.stream().filter(a -> a instanceof Inet4Address).findFirst()
        .or(() -> candidates.stream().findFirst())
        .map(PublicAddress::withoutScope);
  }

  private static InetAddress withoutScope(InetAddress a) {
    try {
      return InetAddress.getByAddress(a.getAddress());
    } catch (UnknownHostException e) {
      return a;
    }
  }
}
