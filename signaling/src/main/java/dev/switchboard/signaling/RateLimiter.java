package dev.switchboard.signaling;

/**
 * A session's message budget: a token bucket of {@code perSecond} tokens refilled continuously, with
 * one second of burst. Keeps strikes, so that abuse can be told from a burst: a refusal adds one, and
 * one goes for every second that passes. A flood at any rate over the budget piles them up; a client
 * that waits the retryAfterMs it is told never gets more than a few. Thread-safe.
 */
final class RateLimiter {

  private final double perSecond;
  private double tokens;
  private long lastMillis;
  /** Refusals, less one a second since each; a float: a session holds one of these, 50000 a server. */
  private float strikes;

  RateLimiter(int perSecond, long nowMillis) {
    this.perSecond = perSecond;
    this.tokens = perSecond;
    this.lastMillis = nowMillis;
  }

  /** Milliseconds until one more message is allowed: 0 when it is allowed now (and taken). */
  synchronized long tryAcquire(long nowMillis) {
    long elapsed = Math.max(0, nowMillis - lastMillis);
    tokens = Math.min(perSecond, tokens + elapsed * perSecond / 1000.0);
    strikes = Math.max(0, strikes - elapsed / 1000f);
    lastMillis = nowMillis;
    if (tokens >= 1) {
      tokens -= 1;
      return 0;
    }
    strikes++;
    return Math.max(1, (long) Math.ceil((1 - tokens) * 1000.0 / perSecond));
  }

  /**
   * Refusals so far, less one for every second since each. Not reset by an accepted message: before,
   * it counted refusals in a row, and a flood of under twenty times the budget, with a message let
   * through every few, never reached the limit.
   */
  synchronized int strikes() {
    return (int) strikes;
  }
}
