package dev.switchboard.signaling;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * IP literals from config and from request headers, parsed without DNS: a header is the client's
 * input, and a host name in it must never make the server look anything up. Stateless.
 */
final class IpLiterals {

  private IpLiterals() {}

  /**
   * The address of an IPv4 or IPv6 literal, IPv6 optionally in brackets; null when {@code text} is
   * anything else (a host name included). An IPv4-mapped IPv6 address comes back as the IPv4 one,
   * as Java gives a dual-stack socket's IPv4 peers.
   */
  static InetAddress parse(String text) {
    String t = text.strip();
    if (t.length() > 2 && t.charAt(0) == '[' && t.charAt(t.length() - 1) == ']') {
      t = t.substring(1, t.length() - 1);
    }
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(t);
    if (bytes == null) {
      return null;
    }
    try {
      return InetAddress.getByAddress(bytes); // from bytes: no lookup
    } catch (UnknownHostException e) {
      return null; // not 4 or 16 bytes: cannot happen for what NetUtil returns
    }
  }

  /**
   * An address as a proxy writes it in {@code X-Forwarded-For} or {@code Forwarded: for=}: a bare
   * literal, {@code 1.2.3.4:port}, {@code [v6]} or {@code [v6]:port}; null for anything else.
   */
  static InetAddress parseWithPort(String text) {
    String t = text.strip();
    if (t.startsWith("[")) {
      int close = t.indexOf(']');
      if (close < 0 || (close != t.length() - 1 && !isPort(t.substring(close + 1)))) {
        return null;
      }
      return parse(t.substring(0, close + 1));
    }
    int colon = t.indexOf(':');
    if (colon >= 0 && colon == t.lastIndexOf(':')) { // one colon: IPv4 and port (IPv6 has at least two)
      return isPort(t.substring(colon)) ? parse(t.substring(0, colon)) : null;
    }
    return parse(t);
  }

  /** ":" and 1-5 digits. */
  private static boolean isPort(String text) {
    return text.length() >= 2 && text.length() <= 6 && text.charAt(0) == ':'
        && text.chars().skip(1).allMatch(c -> c >= '0' && c <= '9');
  }
}
