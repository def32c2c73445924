package dev.switchboard.signaling;

import java.util.List;
import java.util.Locale;

/**
 * Which browser Origins may use the port: those in {@code signaling.allowedOrigins} (every one with
 * {@code *}), and always the server's own pages (an Origin naming the host the request was sent to),
 * so that restricting the list does not lock out the built-in app. Requests without an Origin come
 * from no browser and are not this check's concern. Stateless.
 */
final class Origins {

  private final List<String> allowed;
  private final boolean any;

  Origins(List<String> allowedOrigins) {
    this.allowed = allowedOrigins.stream().map(o -> o.toLowerCase(Locale.ROOT)).toList();
    this.any = allowed.contains("*");
  }

  /** Whether a request from {@code origin} (null: none) to {@code host} (its Host header, null: none) may go on. */
  boolean allowed(String origin, String host) {
    if (origin == null || any) {
      return true;
    }
    String normalized = origin.toLowerCase(Locale.ROOT);
    return allowed.contains(normalized) || sameOrigin(normalized, host);
  }

  /** The Access-Control-Allow-Origin value for a cross-origin request from {@code origin}, or null for none. */
  String allowOriginHeader(String origin, String host) {
    if (origin == null || !allowed(origin, host)) {
      return null;
    }
    return any ? "*" : origin;
  }

  /** Whether {@code origin} (lower case, scheme://authority) names {@code host}, the authority the request went to. */
  private static boolean sameOrigin(String origin, String host) {
    if (host == null) {
      return false;
    }
    int authority = origin.indexOf("://");
    return authority > 0 && origin.substring(authority + 3).equals(host.toLowerCase(Locale.ROOT));
  }
}
