package dev.switchboard.signaling;

import java.net.InetAddress;
import java.util.Arrays;

/**
 * An address range in CIDR notation ({@code 10.0.0.0/8}, {@code fd00::/8}; a bare address is one
 * host), for {@code signaling.trustedProxies}. The TURN module's peer ranges are its own class there:
 * signaling does not depend on the TURN module, and this needs only parsing and membership.
 * Immutable and thread-safe.
 */
final class AddressRange {

  private final byte[] network;
  private final int prefix;

  private AddressRange(byte[] network, int prefix) {
    this.network = network;
    this.prefix = prefix;
  }

  /** @throws IllegalArgumentException naming {@code text} when it is not an IPv4 or IPv6 address or CIDR */
  static AddressRange parse(String text) {
    String trimmed = text == null ? "" : text.strip();
    int slash = trimmed.indexOf('/');
    String host = slash < 0 ? trimmed : trimmed.substring(0, slash);
    InetAddress address = IpLiterals.parse(host);
    if (address == null) {
      throw invalid(text, "not an IPv4 or IPv6 address");
    }
    byte[] bytes = address.getAddress();
    int max = bytes.length * 8;
    int prefix = max;
    if (slash >= 0) {
      String bits = trimmed.substring(slash + 1);
      if (!bits.matches("\\d{1,3}")) {
        throw invalid(text, "prefix length is not a number");
      }
      prefix = Integer.parseInt(bits);
      if (host.indexOf(':') >= 0 && bytes.length == 4) {
        // "::ffff:10.0.0.0/104" parses to the IPv4 address, so the prefix counts from bit 96.
        prefix -= 96;
        if (prefix < 0) {
          throw invalid(text, "an IPv4-mapped range needs a prefix of at least 96");
        }
      }
      if (prefix > max) {
        throw invalid(text, "prefix length exceeds " + max);
      }
    }
    return new AddressRange(bytes, prefix);
  }

  boolean contains(InetAddress address) {
    byte[] bytes = address.getAddress();
    if (bytes.length != network.length) {
      return false;
    }
    int full = prefix >>> 3;
    if (!Arrays.equals(bytes, 0, full, network, 0, full)) {
      return false;
    }
    int rest = prefix & 7;
    int mask = (0xFF << (8 - rest)) & 0xFF;
    return rest == 0 || ((bytes[full] ^ network[full]) & mask) == 0;
  }

  private static IllegalArgumentException invalid(String text, String why) {
    return new IllegalArgumentException("invalid trusted proxy \"" + text + "\": " + why);
  }
}
