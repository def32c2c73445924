package dev.switchboard.signaling;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AttributeKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Who a connection's client is, for the limits kept per client IP. Behind a TLS-terminating proxy
 * every connection comes from the proxy: when the peer is in {@code signaling.trustedProxies}, the
 * client is the one the proxies name in {@code X-Forwarded-For}, else in {@code Forwarded: for=}
 * (RFC 7239 §5.2). Headers from any other peer are ignored: they are whatever the client wrote.
 * Immutable and thread-safe.
 */
final class ClientAddresses {

  /**
   * The client of a WebSocket when it is not the peer (a trusted proxy's), set at the upgrade. Not
   * set otherwise: most connections come straight from their client and need no attribute.
   */
  private static final AttributeKey<InetAddress> FORWARDED_FOR = AttributeKey.valueOf(ClientAddresses.class, "forwardedFor");

  private final List<AddressRange> trusted;

  ClientAddresses(List<String> trustedProxies) {
    List<AddressRange> ranges = new ArrayList<>();
    for (String proxy : trustedProxies) {
      ranges.add(AddressRange.parse(proxy));
    }
    this.trusted = List.copyOf(ranges);
  }

  boolean trusted(InetAddress address) {
    for (AddressRange range : trusted) {
      if (range.contains(address)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The client of a request from {@code peer}: the peer itself unless it is a trusted proxy. The
   * proxies' list is walked from the right, the entry the nearest proxy added, past entries that
   * are trusted proxies too: everything left of the first untrusted one may be the client's own
   * invention. A list that is all trusted proxies names its leftmost; one with anything but an IP
   * literal where the walk reaches it, or none at all, leaves the proxy as the client.
   */
  InetAddress client(InetAddress peer, HttpHeaders headers) {
    if (!trusted(peer)) {
      return peer;
    }
    List<String> chain = xForwardedFor(headers);
    if (chain.isEmpty()) {
      chain = forwardedFor(headers);
    }
    InetAddress client = null;
    for (int i = chain.size() - 1; i >= 0; i--) {
      InetAddress hop = IpLiterals.parseWithPort(chain.get(i));
      if (hop == null) {
        return peer; // "unknown", an obfuscated node or garbage (RFC 7239 §6): nothing to go on
      }
      client = hop;
      if (!trusted(hop)) {
        break;
      }
    }
    return client == null ? peer : client;
  }

  /** A connection's peer: a proxy's address when it comes through one. */
  static InetAddress peer(Channel channel) {
    // Netty keeps the remote address once asked, so it is there after the close too.
    return ((InetSocketAddress) channel.remoteAddress()).getAddress();
  }

  /**
   * A WebSocket's client, as resolved at its upgrade; any other connection's peer; null for a
   * channel whose peer has no IP (an embedded one).
   */
  static InetAddress of(Channel channel) {
    // hasAttr first: attr() would add an empty attribute to every connection it is asked about.
    InetAddress forwarded = channel.hasAttr(FORWARDED_FOR) ? channel.attr(FORWARDED_FOR).get() : null;
    if (forwarded != null) {
      return forwarded;
    }
    return channel.remoteAddress() instanceof InetSocketAddress peer ? peer.getAddress() : null;
  }

  /** Records {@code client} as the client of the WebSocket {@code channel} becomes. */
  static void upgraded(Channel channel, InetAddress client) {
    if (!client.equals(peer(channel))) {
      channel.attr(FORWARDED_FOR).set(client);
    }
  }

  /** Every X-Forwarded-For entry, in order: several such headers make one list (RFC 9110 §5.3). */
  private static List<String> xForwardedFor(HttpHeaders headers) {
    List<String> chain = new ArrayList<>();
    for (String header : headers.getAll("X-Forwarded-For")) {
      for (String entry : header.split(",", -1)) {
        chain.add(entry);
      }
    }
    return chain;
  }

  /**
   * The {@code for} of every Forwarded element, in order (RFC 7239 §4); an element without one
   * counts as an entry that is no address. Quoted values are unquoted; none that is an address holds
   * a comma or semicolon, so splitting first is safe for the values that matter.
   */
  private static List<String> forwardedFor(HttpHeaders headers) {
    List<String> chain = new ArrayList<>();
    for (String header : headers.getAll("Forwarded")) {
      for (String element : header.split(",", -1)) {
        String value = "";
        for (String pair : element.split(";", -1)) {
          int eq = pair.indexOf('=');
          if (eq > 0 && pair.substring(0, eq).strip().toLowerCase(Locale.ROOT).equals("for")) {
            value = pair.substring(eq + 1).strip();
            if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
              value = value.substring(1, value.length() - 1);
            }
          }
        }
        chain.add(value);
      }
    }
    return chain;
  }
}
