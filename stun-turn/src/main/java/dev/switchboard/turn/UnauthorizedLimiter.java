package dev.switchboard.turn;

import java.net.InetAddress;
import java.time.Clock;

/**
 * Caps how many 401/438 answers one client IP gets per second, so the server cannot be used to
 * reflect traffic at a spoofed source. Bounded memory. Thread-safe.
 */
final class UnauthorizedLimiter {

  UnauthorizedLimiter(int perSecond, Clock clock) {
    throw new UnsupportedOperationException("implemented on branch turn-sec");
  }

  /** True when one more error answer to {@code client} is allowed now. */
  boolean tryAcquire(InetAddress client) {
    throw new UnsupportedOperationException("implemented on branch turn-sec");
  }
}
