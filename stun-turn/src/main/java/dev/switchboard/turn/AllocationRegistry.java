package dev.switchboard.turn;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every live allocation, indexed by relay port, with the per-user and total quotas. The only state
 * shared between event loops, hence concurrent structures. Thread-safe.
 */
final class AllocationRegistry {

  private final Map<Integer, Allocation> byPort = new ConcurrentHashMap<>();
  private final Map<String, Integer> perUser = new ConcurrentHashMap<>();
  private final AtomicInteger total = new AtomicInteger();
  private final TurnConfig.Quotas quotas;
  private final RelayAddresses addresses;

  AllocationRegistry(TurnConfig.Quotas quotas, RelayAddresses addresses) {
    this.quotas = quotas;
    this.addresses = addresses;
  }

  /**
   * Counts one more allocation for {@code user}: 0 when within quota, else the error code (RFC 8656
   * §7.2: 486 when the user's quota is reached, 508 when the server is full).
   */
  int reserveQuota(String user) {
    if (total.incrementAndGet() > quotas.totalAllocations()) {
      total.decrementAndGet();
      return 508;
    }
    // The check and the increment in one atomic step of the map: an increment on a counter that a
    // concurrent release had just removed from it would be lost, and the quota exceeded.
    boolean[] full = new boolean[1];
    perUser.compute(user, (u, count) -> {
      int held = count == null ? 0 : count;
      full[0] = held >= quotas.userAllocations();
      return full[0] ? count : held + 1;
    });
    if (full[0]) {
      total.decrementAndGet();
      return 486;
    }
    return 0;
  }

  void releaseQuota(String user) {
    total.decrementAndGet();
    perUser.computeIfPresent(user, (u, count) -> count <= 1 ? null : count - 1);
  }

  void add(Allocation allocation) {
    byPort.put(allocation.port(), allocation);
  }

  void remove(Allocation allocation) {
    if (byPort.remove(allocation.port(), allocation)) {
      releaseQuota(allocation.username());
    }
  }

  /** True when {@code peer} is one of this server's live relay addresses (relay to relay is always allowed). */
  boolean isOwnRelay(InetSocketAddress peer) {
    InetAddress ip = peer.getAddress();
    return addresses.isAdvertised(ip) && byPort.containsKey(peer.getPort());
  }

  /** The live allocation whose relayed transport address is {@code peer}, or null. */
  Allocation relayAt(InetSocketAddress peer) {
    if (!addresses.isAdvertised(peer.getAddress())) {
      return null;
    }
    Allocation a = byPort.get(peer.getPort());
    return a != null && a.relayAddress().equals(peer) ? a : null;
  }

  /** Live allocations (quota slots held by port reservations are not allocations). */
  int count() {
    return byPort.size();
  }

  List<Allocation> snapshot() {
    return new ArrayList<>(byPort.values());
  }
}
