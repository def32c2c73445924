package dev.switchboard.turn;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Every live allocation, indexed by relay port, with the per-user and total quotas. The only state
 * shared between event loops, hence concurrent structures. Thread-safe.
 */
final class AllocationRegistry {

  /**
   * Slot {@code port - minPort}: the allocation on that relay port. An array, not a map keyed by
   * Integer: {@link #relayAt} runs for every packet a client sends, and a map lookup would box the
   * port each time. Relay ports come from the configured range only, so the array covers it.
   */
  private final AtomicReferenceArray<Allocation> byPort;
  private final int minPort;
  private final AtomicInteger live = new AtomicInteger();
  private final Map<String, Integer> perUser = new ConcurrentHashMap<>();
  private final AtomicInteger total = new AtomicInteger();
  private final TurnConfig.Quotas quotas;
  private final RelayAddresses addresses;

  AllocationRegistry(TurnConfig.Quotas quotas, RelayAddresses addresses, int minPort, int maxPort) {
    if (minPort > maxPort) {
      throw new IllegalArgumentException("relay ports " + minPort + "-" + maxPort);
    }
    this.quotas = quotas;
    this.addresses = addresses;
    this.minPort = minPort;
    this.byPort = new AtomicReferenceArray<>(maxPort - minPort + 1);
  }

  AllocationRegistry(TurnConfig.Quotas quotas, RelayAddresses addresses, TurnConfig.Relay relay) {
    this(quotas, addresses, relay.minPort(), relay.maxPort());
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

  /** Registers {@code allocation} on its port (replacing whatever was there, as a map's put would). */
  void add(Allocation allocation) {
    int slot = slot(allocation.port());
    if (slot < 0) {
      throw new IllegalArgumentException("relay port " + allocation.port() + " outside the range");
    }
    if (byPort.getAndSet(slot, allocation) == null) {
      live.incrementAndGet();
    }
  }

  /** Unregisters {@code allocation} and gives back its quota, when it is still the one on its port. */
  void remove(Allocation allocation) {
    int slot = slot(allocation.port());
    if (slot >= 0 && byPort.compareAndSet(slot, allocation, null)) {
      live.decrementAndGet();
      releaseQuota(allocation.username());
    }
  }

  /** The index of {@code port} in {@link #byPort}, or -1 outside the relay range. */
  private int slot(int port) {
    int slot = port - minPort;
    return slot >= 0 && slot < byPort.length() ? slot : -1;
  }

  private Allocation at(int port) {
    int slot = slot(port);
    return slot < 0 ? null : byPort.get(slot);
  }

  /** True when {@code peer} is one of this server's live relay addresses (relay to relay is always allowed). */
  boolean isOwnRelay(InetSocketAddress peer) {
    InetAddress ip = peer.getAddress();
    return addresses.isAdvertised(ip) && at(peer.getPort()) != null;
  }

  /** The live allocation whose relayed transport address is {@code peer}, or null. */
  Allocation relayAt(InetSocketAddress peer) {
    if (!addresses.isAdvertised(peer.getAddress())) {
      return null;
    }
    Allocation a = at(peer.getPort());
    return a != null && a.relayAddress().equals(peer) ? a : null;
  }

  /** Live allocations (quota slots held by port reservations are not allocations). */
  int count() {
    return live.get();
  }

  /** The live allocations; a walk over the whole port range, for the sweeper, not for the relay path. */
  List<Allocation> snapshot() {
    List<Allocation> all = new ArrayList<>(Math.max(live.get(), 0));
    for (int i = 0; i < byPort.length(); i++) {
      Allocation a = byPort.get(i);
      if (a != null) {
        all.add(a);
      }
    }
    return all;
  }
}
