package dev.switchboard.cli.probe;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed {@code stun:}, {@code stuns:}, {@code turn:} or {@code turns:} URL (RFC 7064, RFC 7065):
 * {@code scheme:host[:port][?transport=udp|tcp]}, IPv6 literals in brackets. Immutable.
 *
 * @param text      the URL as given
 * @param turn      a TURN URL (allocate and relay), else STUN only
 * @param secure    stuns:/turns: (TLS over TCP)
 * @param host      host name or IP literal, without brackets
 * @param port      explicit port or the scheme's default (3478, or 5349 when secure)
 * @param tcp       TCP or TLS rather than UDP
 */
public record StunUrl(String text, boolean turn, boolean secure, String host, int port, boolean tcp) {

  private static final Pattern URL = Pattern.compile(
      "(stuns?|turns?):(\\[[0-9A-Fa-f:.]+\\]|[^:?\\[\\]/@]+)(?::(\\d{1,5}))?(?:\\?transport=([A-Za-z]+))?", Pattern.CASE_INSENSITIVE);

  /** @throws IllegalArgumentException naming what is wrong and the expected form */
  public static StunUrl parse(String text) {
    Matcher m = URL.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a STUN/TURN URL; expected e.g. stun:host:3478, "
          + "turn:host:3478?transport=udp or turns:host:5349?transport=tcp (RFC 7064/7065)");
    }
    String scheme = m.group(1).toLowerCase(Locale.ROOT);
    boolean turn = scheme.startsWith("turn");
    boolean secure = scheme.endsWith("s");
    String host = m.group(2);
    if (host.startsWith("[")) {
      host = host.substring(1, host.length() - 1);
    }
    int port = secure ? 5349 : 3478;
    if (m.group(3) != null) {
      port = Integer.parseInt(m.group(3));
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("'" + text + "': port " + port + " is outside 1-65535");
      }
    }
    String transport = m.group(4) == null ? null : m.group(4).toLowerCase(Locale.ROOT);
    if (transport != null && !turn) {
      throw new IllegalArgumentException("'" + text + "': ?transport= belongs to turn: URLs only (RFC 7064)");
    }
    if (transport != null && !transport.equals("udp") && !transport.equals("tcp")) {
      throw new IllegalArgumentException("'" + text + "': transport must be udp or tcp, not " + transport);
    }
    if (secure && "udp".equals(transport)) {
      throw new IllegalArgumentException("'" + text + "': turns: runs over TLS, so transport must be tcp (DTLS is not supported)");
    }
    boolean tcp = secure || "tcp".equals(transport);
    return new StunUrl(text.trim(), turn, secure, host, port, tcp);
  }

  /** "UDP", "TCP" or "TLS". */
  public String transportName() {
    return secure ? "TLS" : tcp ? "TCP" : "UDP";
  }
}
