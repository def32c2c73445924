package dev.switchboard.signaling;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock tests move by hand; it starts at the real time so tokens and credentials look normal. Thread-safe. */
final class MutableClock extends Clock {

  private volatile Instant now = Instant.now();
  private volatile Gate gate;

  /** Every read of the clock passes {@code gate}: a race test stops a thread at its next read. */
  void gate(Gate gate) {
    this.gate = gate;
  }

  void advance(Duration by) {
    now = now.plus(by);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    Gate g = gate;
    if (g != null) {
      g.pass();
    }
    return now;
  }
}
