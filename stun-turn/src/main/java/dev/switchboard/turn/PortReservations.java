package dev.switchboard.turn;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Relay ports held for a later Allocate by RESERVATION-TOKEN (RFC 8656 §7.2, EVEN-PORT with the R
 * bit). A reservation lasts 30 seconds; the sweeper returns unclaimed ports to the pool. Each holds
 * one allocation quota slot of the user who reserved it, given back when it is claimed or expires.
 * Thread-safe.
 */
final class PortReservations {

  static final long LIFETIME_MILLIS = 30_000;

  /** A held port and the address family it was reserved for. */
  record Reservation(int port, boolean ipv6, String owner, long expiresAt) {}

  private final Map<Long, Reservation> byToken = new ConcurrentHashMap<>();
  private final RelayPortPool pool;
  private final AllocationRegistry registry;
  private final SecureRandom random = new SecureRandom();

  PortReservations(RelayPortPool pool, AllocationRegistry registry) {
    this.pool = pool;
    this.registry = registry;
  }

  /**
   * Holds {@code port} (already taken from the pool) with a quota slot {@code owner} already took,
   * and returns the 8-byte token for it.
   */
  byte[] reserve(int port, boolean ipv6, String owner, long now) {
    long token;
    do {
      token = random.nextLong();
    } while (byToken.putIfAbsent(token, new Reservation(port, ipv6, owner, now + LIFETIME_MILLIS)) != null);
    return ByteBuffer.allocate(8).putLong(token).array();
  }

  /** The reservation for {@code token} (its port now owned by the caller), or null when unknown or expired. */
  Reservation claim(byte[] token, long now) {
    if (token.length != 8) {
      return null;
    }
    Reservation r = byToken.remove(ByteBuffer.wrap(token).getLong());
    if (r == null) {
      return null;
    }
    // The claiming Allocate takes a slot of its own.
    registry.releaseQuota(r.owner());
    if (r.expiresAt() <= now) {
      pool.release(r.port());
      return null;
    }
    return r;
  }

  /** Returns the ports of expired reservations to the pool. */
  void sweep(long now) {
    // Released only by whoever removes the entry: a claim of the same token at the same moment
    // (Allocate on a client's loop) must not release its port and quota slot a second time.
    for (Map.Entry<Long, Reservation> e : byToken.entrySet()) {
      Reservation r = e.getValue();
      if (r.expiresAt() <= now && byToken.remove(e.getKey(), r)) {
        pool.release(r.port());
        registry.releaseQuota(r.owner());
      }
    }
  }

  /** Releases every reservation (server shutdown). */
  void clear() {
    sweep(Long.MAX_VALUE);
  }

  int size() {
    return byToken.size();
  }
}
