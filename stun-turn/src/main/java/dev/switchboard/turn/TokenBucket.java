package dev.switchboard.turn;

import java.time.Clock;

/**
 * Relay bandwidth cap of one allocation, in bytes per second with one second of burst. Confined to
 * the allocation's event loop (no locks).
 *
 * <p>Tokens are counted in thousandths of a byte so a refill after any number of milliseconds is
 * exact. A datagram larger than the remaining tokens passes when the bucket holds at least one
 * second's worth or the datagram's size, whichever is smaller, and leaves the bucket in debt: a cap
 * below the datagram size then still relays at the configured average rate instead of nothing.
 */
final class TokenBucket {

  private final Clock clock;
  private final long ratePerMilli;   // milli-bytes added per millisecond == bytes per second
  private final long capacity;       // milli-bytes: one second of burst
  private long tokens;
  private long lastMillis;

  /** @param bytesPerSecond the cap; 0 means unlimited */
  TokenBucket(long bytesPerSecond, Clock clock) {
    if (bytesPerSecond < 0) {
      throw new IllegalArgumentException("bytesPerSecond must not be negative");
    }
    this.clock = clock;
    // Beyond ~9 PB/s the milli-byte arithmetic would overflow; no link is that fast.
    this.ratePerMilli = bytesPerSecond > Long.MAX_VALUE / 2000 ? 0 : bytesPerSecond;
    this.capacity = ratePerMilli * 1000;
    this.tokens = capacity;
    this.lastMillis = clock.millis();
  }

  /** True (and the bytes are taken) when {@code bytes} may be relayed now. */
  boolean tryConsume(int bytes) {
    if (ratePerMilli == 0) {
      return true;
    }
    long now = clock.millis();
    long elapsed = now - lastMillis;
    if (elapsed > 0) {
      // Compare before multiplying: a long idle time must not overflow elapsed * rate.
      long missing = capacity - tokens;
      tokens = elapsed >= (missing + ratePerMilli - 1) / ratePerMilli ? capacity : tokens + elapsed * ratePerMilli;
      lastMillis = now;
    } else if (elapsed < 0) {
      lastMillis = now; // the clock went back: refill from the new reading on
    }
    long cost = bytes * 1000L;
    if (tokens < Math.min(cost, capacity)) {
      return false;
    }
    tokens -= cost;
    return true;
  }
}
