package dev.switchboard.turn;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;

/**
 * Stateless NONCEs (RFC 8489 §9.2): the nonce carries its expiry and an HMAC over that expiry and the
 * client IP, so no state is created for unauthenticated requests. Thread-safe.
 */
final class Nonces {

  enum Verdict { VALID, STALE, INVALID }

  /** @param key a random per-process key (at least 16 bytes) */
  Nonces(byte[] key, Clock clock, Duration lifetime) {
    throw new UnsupportedOperationException("implemented on branch turn-sec");
  }

  /** A fresh nonce for {@code client}, valid for the lifetime. */
  String issue(InetAddress client) {
    throw new UnsupportedOperationException("implemented on branch turn-sec");
  }

  /**
   * VALID: ours, for this client, not expired. STALE: ours and expired. INVALID: not ours, malformed,
   * or issued to another client address (the caller answers 438 for both STALE and INVALID, RFC 8489 §9.2.4).
   */
  Verdict check(String nonce, InetAddress client) {
    throw new UnsupportedOperationException("implemented on branch turn-sec");
  }
}
