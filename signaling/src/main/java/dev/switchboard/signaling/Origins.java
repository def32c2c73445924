package dev.switchboard.signaling;

import java.util.List;
import java.util.Locale;

/**
 * Which browser Origins may use the port: those in {@code signaling.allowedOrigins}, every one with
 * {@code *}. Requests without an Origin come from no browser and are not this check's concern. The
 * server's own pages are not allowed implicitly: an Origin matching the request's Host header is
 * what a DNS-rebinding page sends too, and a restricted list is the defence against one; list the
 * server's own origin with the others. Stateless.
 */
final class Origins {

  private final List<String> allowed;
  private final boolean any;

  Origins(List<String> allowedOrigins) {
    this.allowed = allowedOrigins.stream().map(o -> o.toLowerCase(Locale.ROOT)).toList();
    this.any = allowed.contains("*");
  }

  /** Whether every Origin is allowed. */
  boolean any() {
    return any;
  }

  /** Whether a request from {@code origin} (null: none) may go on. */
  boolean allowed(String origin) {
    return origin == null || any || allowed.contains(origin.toLowerCase(Locale.ROOT));
  }

  /** The Access-Control-Allow-Origin value for a request from {@code origin}, or null for none. */
  String allowOriginHeader(String origin) {
    if (origin == null || !allowed(origin)) {
      return null;
    }
    return any ? "*" : origin;
  }
}
