package dev.switchboard.turn;

import java.net.InetAddress;
import java.util.List;

/**
 * Which peer addresses a TURN allocation may relay to (DESIGN.md "Security defaults"; RFC 8656 §21.3
 * asks servers to keep clients from reaching internal hosts). Immutable and thread-safe.
 *
 * <p>Order of decision: a {@code deny} CIDR refuses (and wins over everything); an {@code allow}
 * CIDR permits; otherwise the built-in rules refuse every address that is not globally reachable
 * unicast. For IPv4 those are 0/8, 10/8, 127/8 (unless loopback is allowed), 100.64/10, 169.254/16,
 * 172.16/12, 192.0.0/24, 192.0.2/24, 192.168/16, 198.18/15, 198.51.100/24, 203.0.113/24 and
 * everything from 224/4 up (multicast, 240/4 reserved, broadcast). IPv6 is refused outside
 * 2000::/3 (global unicast), which covers ::, ::1, ::/96 IPv4-compatible, 100::/64, fe80::/10,
 * fec0::/10, fc00::/7, ff00::/8 and the local-use NAT64 prefix 64:ff9b:1::/48 (whose IPv4 position
 * depends on a prefix length we cannot know); inside it, Teredo 2001::/32, benchmarking 2001:2::/48,
 * ORCHID 2001:10::/28 and 2001:20::/28 and documentation 2001:db8::/32 and 3fff::/20 are refused.
 * Forms that embed an IPv4 address are judged by that address: IPv4-mapped ::ffff:0:0/96, NAT64
 * 64:ff9b::/96 (RFC 6052) and 6to4 2002::/16 (RFC 3056).
 *
 * <p>Deny CIDRs also match the IPv4 address embedded in any of those forms, so denying 8.8.8.8
 * denies ::ffff:8.8.8.8 and 2002:808:808::1 too. Allow CIDRs match the address itself and, for an
 * IPv4-mapped address, its IPv4 address (the same destination); opening 192.168/16 for a LAN does
 * not open the NAT64 or 6to4 spellings of it. (The server logs the loopback switch as a warning;
 * permitting its own relay addresses is the server's job too.)
 */
public final class PeerPolicy {

  private final Cidr[] allow;
  private final Cidr[] deny;
  private final boolean allowLoopback;

  private PeerPolicy(Cidr[] allow, Cidr[] deny, boolean allowLoopback) {
    this.allow = allow;
    this.deny = deny;
    this.allowLoopback = allowLoopback;
  }

  /**
   * @param config        allow/deny CIDR lists and the loopback switch
   * @throws IllegalArgumentException naming the CIDR that does not parse
   */
  public static PeerPolicy of(TurnConfig.Peers config) {
    Cidr[] allow = parseAll(config.allow(), "turn.peers.allow");
    Cidr[] deny = parseAll(config.deny(), "turn.peers.deny");
    return new PeerPolicy(allow, deny, config.allowLoopback());
  }

  /** True when relaying to {@code peer} is allowed. */
  public boolean permits(InetAddress peer) {
    byte[] a = peer.getAddress();
    boolean v4 = a.length == 4;
    boolean mapped = !v4 && isMapped(a);
    int embeddedAt = v4 ? 0 : mapped ? 12 : embeddedV4Offset(a);
    int ip4 = embeddedAt >= 0 ? toInt(a, embeddedAt) : 0;
    for (Cidr c : deny) {
      if (c.contains(a) || (embeddedAt >= 0 && c.containsV4(ip4))) {
        return false;
      }
    }
    for (Cidr c : allow) {
      if (c.contains(a) || ((v4 || mapped) && c.containsV4(ip4))) {
        return true;
      }
    }
    if (v4 || mapped) {
      return !refusedV4(ip4, allowLoopback);
    }
    return !refusedV6(a, allowLoopback);
  }

  /** Default rule for an IPv4 address given as an int in network order. */
  static boolean refusedV4(int ip, boolean allowLoopback) {
    int top = ip >>> 24;
    if (top == 127) {
      return !allowLoopback;
    }
    return top == 0                                  // "this network", RFC 791
        || top == 10                                 // RFC 1918
        || top >= 224                                // multicast 224/4, reserved 240/4, broadcast
        || (ip & 0xFFC00000) == 0x64400000           // 100.64/10 CGNAT, RFC 6598
        || (ip & 0xFFFF0000) == 0xA9FE0000           // 169.254/16 link-local and cloud metadata
        || (ip & 0xFFF00000) == 0xAC100000           // 172.16/12, RFC 1918
        || (ip & 0xFFFF0000) == 0xC0A80000           // 192.168/16, RFC 1918
        || (ip & 0xFFFFFF00) == 0xC0000000           // 192.0.0/24 IETF protocol assignments
        || (ip & 0xFFFFFF00) == 0xC0000200           // 192.0.2/24 TEST-NET-1
        || (ip & 0xFFFE0000) == 0xC6120000           // 198.18/15 benchmarking
        || (ip & 0xFFFFFF00) == 0xC6336400           // 198.51.100/24 TEST-NET-2
        || (ip & 0xFFFFFF00) == 0xCB007100;          // 203.0.113/24 TEST-NET-3
  }

  /** Default rule for an IPv6 address that is not IPv4-mapped. */
  private static boolean refusedV6(byte[] a, boolean allowLoopback) {
    if (isLoopbackV6(a)) {
      return !allowLoopback;
    }
    if (isNat64WellKnown(a)) {
      return refusedV4(toInt(a, 12), false);
    }
    int w0 = ((a[0] & 0xFF) << 8) | (a[1] & 0xFF);
    int w1 = ((a[2] & 0xFF) << 8) | (a[3] & 0xFF);
    if (w0 == 0x2002) {
      return refusedV4(toInt(a, 2), false);
    }
    if ((w0 & 0xE000) != 0x2000) {
      return true;                                   // not 2000::/3 global unicast
    }
    return (w0 == 0x2001 && w1 == 0x0000)            // Teredo, RFC 4380
        || (w0 == 0x2001 && w1 == 0x0002 && a[4] == 0 && a[5] == 0) // 2001:2::/48 benchmarking
        || (w0 == 0x2001 && (w1 & 0xFFF0) == 0x0010) // 2001:10::/28 ORCHID
        || (w0 == 0x2001 && (w1 & 0xFFF0) == 0x0020) // 2001:20::/28 ORCHIDv2
        || (w0 == 0x2001 && w1 == 0x0DB8)            // 2001:db8::/32 documentation
        || (w0 == 0x3FFF && (w1 & 0xF000) == 0);    // 3fff::/20 documentation, RFC 9637
  }

  /** Where an IPv4 address sits inside a non-mapped IPv6 address, or -1 if it embeds none. */
  private static int embeddedV4Offset(byte[] a) {
    if (isNat64WellKnown(a) || isCompatible(a)) {
      return 12;
    }
    if (a[0] == 0x20 && a[1] == 0x02) {
      return 2;
    }
    return -1;
  }

  static boolean isMapped(byte[] a) {
    for (int i = 0; i < 10; i++) {
      if (a[i] != 0) {
        return false;
      }
    }
    return a[10] == (byte) 0xFF && a[11] == (byte) 0xFF;
  }

  /** ::/96 except :: and ::1 (RFC 4291 §2.5.5.1, deprecated). */
  private static boolean isCompatible(byte[] a) {
    for (int i = 0; i < 12; i++) {
      if (a[i] != 0) {
        return false;
      }
    }
    return (toInt(a, 12) & 0xFFFFFFFE) != 0;
  }

  private static boolean isLoopbackV6(byte[] a) {
    for (int i = 0; i < 15; i++) {
      if (a[i] != 0) {
        return false;
      }
    }
    return a[15] == 1;
  }

  /** 64:ff9b::/96, the well-known NAT64 prefix of RFC 6052 §2.1. */
  private static boolean isNat64WellKnown(byte[] a) {
    if (a[0] != 0 || a[1] != 0x64 || a[2] != (byte) 0xFF || a[3] != (byte) 0x9B) {
      return false;
    }
    for (int i = 4; i < 12; i++) {
      if (a[i] != 0) {
        return false;
      }
    }
    return true;
  }

  static int toInt(byte[] a, int at) {
    return ((a[at] & 0xFF) << 24) | ((a[at + 1] & 0xFF) << 16) | ((a[at + 2] & 0xFF) << 8) | (a[at + 3] & 0xFF);
  }

  private static Cidr[] parseAll(List<String> texts, String key) {
    Cidr[] out = new Cidr[texts.size()];
    for (int i = 0; i < out.length; i++) {
      try {
        out[i] = Cidr.parse(texts.get(i));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
      }
    }
    return out;
  }
}
