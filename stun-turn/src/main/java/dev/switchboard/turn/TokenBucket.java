package dev.switchboard.turn;

import java.time.Clock;

/**
 * Relay bandwidth cap of one allocation, in bytes per second with one second of burst. Confined to
 * the allocation's event loop (no locks).
 */
final class TokenBucket {

  /** @param bytesPerSecond the cap; 0 means unlimited */
  TokenBucket(long bytesPerSecond, Clock clock) {
    throw new UnsupportedOperationException("implemented on branch turn-sec");
  }

  /** True (and the bytes are taken) when {@code bytes} may be relayed now. */
  boolean tryConsume(int bytes) {
    throw new UnsupportedOperationException("implemented on branch turn-sec");
  }
}
