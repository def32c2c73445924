package dev.switchboard.turn;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Where relay sockets bind and what address clients are told, per address family (RFC 8656 §7.2:
 * REQUESTED-ADDRESS-FAMILY). IPv6 is offered only when the host has a usable IPv6 address. Immutable.
 *
 * @param v4Bind       bind address for IPv4 relays, or null when IPv4 is unavailable
 * @param v4Advertised address put into XOR-RELAYED-ADDRESS for IPv4 relays
 * @param v6Bind       bind address for IPv6 relays, or null when IPv6 is unavailable
 * @param v6Advertised address put into XOR-RELAYED-ADDRESS for IPv6 relays
 */
record RelayAddresses(InetAddress v4Bind, InetAddress v4Advertised, InetAddress v6Bind, InetAddress v6Advertised) {

  static RelayAddresses of(TurnConfig.Relay relay) {
    InetAddress bind = relay.address();
    InetAddress adv = relay.advertisedAddress();
    if (bind instanceof Inet6Address) {
      InetAddress v6Adv = adv instanceof Inet6Address ? adv : bind;
      return new RelayAddresses(null, null, bind, v6Adv);
    }
    InetAddress v4Adv = adv instanceof Inet4Address && !adv.isAnyLocalAddress() ? adv
        : bind.isAnyLocalAddress() ? firstGlobal(Inet4Address.class) : bind;
    InetAddress v6Bind = null;
    InetAddress v6Adv = null;
    if (bind.isLoopbackAddress()) {
      if (hostHas(loopback6())) {
        v6Bind = loopback6();
        v6Adv = v6Bind;
      }
    } else if (bind.isAnyLocalAddress()) {
      InetAddress global = adv instanceof Inet6Address ? adv : firstGlobal(Inet6Address.class);
      if (global != null) {
        v6Bind = narrowed(anyLocal6(), global);
        v6Adv = global;
      }
    }
    // A wildcard bind with no address to advertise cannot serve that family.
    return new RelayAddresses(v4Adv == null ? null : narrowed(bind, v4Adv), v4Adv, v6Bind, v6Adv);
  }

  /**
   * A wildcard bind narrowed to the advertised address when that is one of this host's (no NAT in
   * between): a relay socket on the wildcard sends from the address the kernel routes by, which on a
   * host with several addresses need not be the one peers were told, and a peer's ICE agent or
   * firewall would not match those datagrams to the relayed candidate. Behind a NAT (the advertised
   * address is not the host's) the wildcard stays.
   */
  private static InetAddress narrowed(InetAddress bind, InetAddress advertised) {
    return bind.isAnyLocalAddress() && hostHas(advertised) ? advertised : bind;
  }

  InetAddress bind(boolean ipv6) {
    return ipv6 ? v6Bind : v4Bind;
  }

  InetAddress advertised(boolean ipv6) {
    return ipv6 ? v6Advertised : v4Advertised;
  }

  boolean supports(boolean ipv6) {
    return bind(ipv6) != null;
  }

  /** The bind addresses of the families served, IPv4 first. */
  List<InetAddress> binds() {
    return Stream.of(v4Bind, v6Bind).filter(Objects::nonNull).toList();
  }

  /** True when {@code ip} is an address our relays are reached at (never a wildcard). */
  boolean isAdvertised(InetAddress ip) {
    if (ip.isAnyLocalAddress()) {
      return false;
    }
    return ip.equals(v4Advertised) || ip.equals(v6Advertised) || ip.equals(v4Bind) || ip.equals(v6Bind);
  }

  private static InetAddress loopback6() {
    try {
      return InetAddress.getByName("::1");
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  private static InetAddress anyLocal6() {
    try {
      return InetAddress.getByName("::");
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean hostHas(InetAddress address) {
    try {
      return address != null && NetworkInterface.getByInetAddress(address) != null;
    } catch (SocketException e) {
      return false;
    }
  }

  private static InetAddress firstGlobal(Class<? extends InetAddress> family) {
    try {
      for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!nif.isUp() || nif.isLoopback()) {
          continue;
        }
        for (InetAddress a : Collections.list(nif.getInetAddresses())) {
          if (family.isInstance(a) && !a.isLinkLocalAddress() && !a.isLoopbackAddress()) {
            return a;
          }
        }
      }
    } catch (SocketException e) {
      return null;
    }
    return null;
  }
}
