package dev.switchboard.turn;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An address range in CIDR notation ({@code 10.0.0.0/8}, {@code fd00::/8}; a bare address is a
 * single host). Parsing never touches DNS: only IP literals are accepted. Immutable and thread-safe.
 */
final class Cidr {

  private static final Pattern DOTTED_QUAD =
      Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
  private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");

  private final byte[] network;
  private final int prefix;
  private final int v4Network;
  private final int v4Mask;

  private Cidr(byte[] network, int prefix) {
    mask(network, prefix);
    this.network = network;
    this.prefix = prefix;
    this.v4Mask = prefix == 0 ? 0 : -1 << (32 - Math.min(prefix, 32));
    this.v4Network = network.length == 4 ? PeerPolicy.toInt(network, 0) : 0;
  }

  /**
   * @throws IllegalArgumentException naming {@code text} when it is not an IPv4 or IPv6 CIDR
   */
  static Cidr parse(String text) {
    String trimmed = text == null ? "" : text.strip();
    int slash = trimmed.indexOf('/');
    String host = slash < 0 ? trimmed : trimmed.substring(0, slash);
    byte[] address = literal(host, text);
    int maxPrefix = address.length * 8;
    int prefix = maxPrefix;
    if (slash >= 0) {
      String bits = trimmed.substring(slash + 1);
      if (!bits.matches("\\d{1,3}")) {
        throw invalid(text, "prefix length is not a number");
      }
      prefix = Integer.parseInt(bits);
      if (host.indexOf(':') >= 0 && address.length == 4) {
        // "::ffff:10.0.0.0/104": Java hands back the IPv4 address, so the prefix counts from bit 96.
        prefix -= 96;
        if (prefix < 0) {
          throw invalid(text, "an IPv4-mapped range needs a prefix of at least 96");
        }
      }
      if (prefix > maxPrefix) {
        throw invalid(text, "prefix length exceeds " + maxPrefix);
      }
    }
    return new Cidr(address, prefix);
  }

  /** True when {@code address} (4 or 16 bytes, as from {@link InetAddress#getAddress()}) is in range. */
  boolean contains(byte[] address) {
    if (address.length != network.length) {
      return false;
    }
    int full = prefix >>> 3;
    for (int i = 0; i < full; i++) {
      if (address[i] != network[i]) {
        return false;
      }
    }
    int rest = prefix & 7;
    if (rest == 0) {
      return true;
    }
    int m = (0xFF << (8 - rest)) & 0xFF;
    return (address[full] & m) == (network[full] & 0xFF);
  }

  /** True when the IPv4 address {@code v4} (as an int, network order) is in this range. */
  boolean containsV4(int v4) {
    return network.length == 4 && (v4 & v4Mask) == v4Network;
  }

  @Override
  public String toString() {
    try {
      return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e); // cannot happen: length is 4 or 16
    }
  }

  private static byte[] literal(String host, String original) {
    Matcher quad = DOTTED_QUAD.matcher(host);
    if (quad.matches()) {
      byte[] out = new byte[4];
      for (int i = 0; i < 4; i++) {
        int octet = Integer.parseInt(quad.group(i + 1));
        if (octet > 255) {
          throw invalid(original, "octet " + octet + " exceeds 255");
        }
        out[i] = (byte) octet;
      }
      return out;
    }
    // Only IPv6-literal characters reach InetAddress, which then parses without a DNS lookup (a
    // string like "zz::1" would otherwise be looked up as a host name).
    if (host.indexOf(':') < 0 || !IPV6_CHARS.matcher(host).matches()) {
      throw invalid(original, "not an IPv4 or IPv6 address");
    }
    try {
      return InetAddress.getByName(host).getAddress();
    } catch (UnknownHostException e) {
      throw invalid(original, "not an IPv6 address");
    }
  }

  private static void mask(byte[] bytes, int prefix) {
    for (int i = 0; i < bytes.length; i++) {
      int keep = Math.max(0, Math.min(8, prefix - i * 8));
      bytes[i] &= (byte) ((0xFF << (8 - keep)) & 0xFF);
    }
  }

  private static IllegalArgumentException invalid(String text, String why) {
    return new IllegalArgumentException("invalid CIDR \"" + text + "\": " + why);
  }
}
