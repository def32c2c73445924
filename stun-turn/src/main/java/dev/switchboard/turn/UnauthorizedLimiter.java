package dev.switchboard.turn;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Clock;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Caps how many 401/438 answers one client IP gets per second, so the server cannot be used to
 * reflect traffic at a spoofed source. Bounded memory. Thread-safe.
 *
 * <p>A fixed table of {@value #SLOTS} token buckets (32 KiB), each one long updated by CAS, so
 * neither a flood of spoofed sources nor time can grow it. A bucket holds {@code perSecond} tokens
 * (one second of burst) and refills at {@code perSecond}; it is stored as the generic cell rate
 * algorithm's "theoretical arrival time", which needs a single word. An IPv4 source has its own
 * bucket; IPv6 sources share one per /64, since one host owns a whole /64 and could otherwise rotate
 * through it. Sources are spread over the table by a per-instance random seed, so two sources
 * share a bucket only by an unpredictable collision, which at worst lowers both their 401 rate.
 */
final class UnauthorizedLimiter {

  static final int SLOTS = 4096;

  private final Clock clock;
  private final long intervalNanos;   // time one token takes to refill
  private final long burstNanos;      // how far ahead of now a bucket may be booked
  private final AtomicLongArray tat = new AtomicLongArray(SLOTS);
  private final int seed = ThreadLocalRandom.current().nextInt();

  UnauthorizedLimiter(int perSecond, Clock clock) {
    if (perSecond < 1) {
      throw new IllegalArgumentException("perSecond must be positive");
    }
    this.clock = clock;
    this.intervalNanos = 1_000_000_000L / perSecond;
    this.burstNanos = intervalNanos * (perSecond - 1);
  }

  /** True when one more error answer to {@code client} is allowed now. */
  boolean tryAcquire(InetAddress client) {
    int slot = slot(client);
    long now = clock.millis() * 1_000_000L;
    while (true) {
      long stored = tat.get(slot);
      long next = Math.max(stored, now);
      if (next - now > burstNanos) {
        return false;
      }
      if (tat.compareAndSet(slot, stored, next + intervalNanos)) {
        return true;
      }
    }
  }

  private int slot(InetAddress client) {
    int h;
    if (client instanceof Inet4Address) {
      h = client.hashCode(); // Inet4Address's hash code is its address
    } else {
      byte[] a = client.getAddress();
      h = PeerPolicy.toInt(a, 0) * 31 + PeerPolicy.toInt(a, 4);
    }
    h ^= seed;
    // murmur3 finalizer: spreads neighbouring addresses over the whole table
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h & (SLOTS - 1);
  }
}
