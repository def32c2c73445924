package dev.switchboard.signaling;

/**
 * A session's message budget: a token bucket of {@code perSecond} tokens refilled continuously, with
 * one second of burst. Counts refusals so repeated abuse can be told from a burst. Thread-safe.
 */
final class RateLimiter {

  private final double perSecond;
  private double tokens;
  private long lastMillis;
  private int refusedInARow;

  RateLimiter(int perSecond, long nowMillis) {
    this.perSecond = perSecond;
    this.tokens = perSecond;
    this.lastMillis = nowMillis;
  }

  /** Milliseconds until one more message is allowed: 0 when it is allowed now (and taken). */
  synchronized long tryAcquire(long nowMillis) {
    tokens = Math.min(perSecond, tokens + (nowMillis - lastMillis) * perSecond / 1000.0);
    lastMillis = nowMillis;
    if (tokens >= 1) {
      tokens -= 1;
      refusedInARow = 0;
      return 0;
    }
    refusedInARow++;
    return Math.max(1, (long) Math.ceil((1 - tokens) * 1000.0 / perSecond));
  }

  /** Refusals since the last accepted message. */
  synchronized int refusedInARow() {
    return refusedInARow;
  }
}
