package dev.switchboard.turn;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Quota counting under the threads that share it (every client loop and the sweeper), and the lookup by relay port. */
class AllocationRegistryTest {

  @Test
  void concurrentTakesAndReleasesNeverLetAUserPastTheQuota() throws Exception {
    AllocationRegistry registry = new AllocationRegistry(new TurnConfig.Quotas(1, 1000, 8, 0, 20),
        RelayAddresses.of(TurnFixture.config(23000, 23999, TurnConfig.Quotas.defaults(), true).relay()), 23000, 23999);
    AtomicInteger holding = new AtomicInteger();
    AtomicInteger overQuota = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      threads.add(new Thread(() -> {
        for (int i = 0; i < 200_000; i++) {
          if (registry.reserveQuota("alice") == 0) {
            if (holding.incrementAndGet() > 1) {
              overQuota.incrementAndGet();
            }
            holding.decrementAndGet();
            registry.releaseQuota("alice");
          }
        }
      }));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join(60_000);
    }
    assertThat(overQuota.get()).as("times two held alice's one slot at once").isZero();
    assertThat(registry.reserveQuota("alice")).isZero();
    assertThat(registry.reserveQuota("alice")).isEqualTo(486);
  }

  @Test
  void relayAtFindsAllocationsAtBothEndsOfTheRangeAndNotAfterTheirRemoval() throws Exception {
    try (TurnFixture f = new TurnFixture()) { // relay ports 23000-23999 on 127.0.0.1
      AllocationRegistry registry = f.ctx.registry();
      InetAddress lo = InetAddress.getLoopbackAddress();
      Allocation first = allocation(f, 23000);
      Allocation last = allocation(f, 23999);
      assertThat(registry.reserveQuota(TurnFixture.USER)).isZero();
      assertThat(registry.reserveQuota(TurnFixture.USER)).isZero();
      registry.add(first);
      registry.add(last);

      assertThat(registry.count()).isEqualTo(2);
      assertThat(registry.relayAt(new InetSocketAddress(lo, 23000))).isSameAs(first);
      assertThat(registry.relayAt(new InetSocketAddress(lo, 23999))).isSameAs(last);
      assertThat(registry.isOwnRelay(new InetSocketAddress(lo, 23999))).isTrue();
      assertThat(registry.relayAt(new InetSocketAddress(lo, 23001))).isNull();
      assertThat(registry.relayAt(new InetSocketAddress(lo, 22999))).as("below the range").isNull();
      assertThat(registry.relayAt(new InetSocketAddress(lo, 24000))).as("above the range").isNull();
      assertThat(registry.isOwnRelay(new InetSocketAddress(lo, 24000))).isFalse();
      assertThat(registry.relayAt(new InetSocketAddress(InetAddress.getByName("203.0.113.1"), 23000)))
          .as("not our address").isNull();
      assertThat(registry.snapshot()).containsExactlyInAnyOrder(first, last);

      registry.remove(last);
      assertThat(registry.relayAt(new InetSocketAddress(lo, 23999))).isNull();
      assertThat(registry.isOwnRelay(new InetSocketAddress(lo, 23999))).isFalse();
      assertThat(registry.relayAt(new InetSocketAddress(lo, 23000))).isSameAs(first);
      assertThat(registry.count()).isEqualTo(1);
      assertThat(registry.snapshot()).containsExactly(first);
    }
  }

  @Test
  void removeTakesOutOnlyTheSameInstanceAndReleasesItsQuotaOnce() throws Exception {
    try (TurnFixture f = new TurnFixture()) {
      AllocationRegistry registry = f.ctx.registry();
      InetSocketAddress relay = new InetSocketAddress(InetAddress.getLoopbackAddress(), 23500);
      Allocation old = allocation(f, 23500);
      Allocation now = allocation(f, 23500);
      int userQuota = f.config.quotas().userAllocations();
      for (int i = 0; i < userQuota; i++) {
        assertThat(registry.reserveQuota(TurnFixture.USER)).isZero();
      }
      assertThat(registry.reserveQuota(TurnFixture.USER)).as("quota full").isEqualTo(486);
      registry.add(old);
      registry.add(now); // the port went to another allocation
      assertThat(registry.count()).isEqualTo(1);

      registry.remove(old);
      assertThat(registry.relayAt(relay)).as("a stale remove leaves the new one").isSameAs(now);
      assertThat(registry.reserveQuota(TurnFixture.USER)).as("and releases nothing").isEqualTo(486);

      registry.remove(now);
      registry.remove(now);
      assertThat(registry.relayAt(relay)).isNull();
      assertThat(registry.count()).isZero();
      assertThat(registry.reserveQuota(TurnFixture.USER)).as("one slot released").isZero();
      assertThat(registry.reserveQuota(TurnFixture.USER)).as("only one").isEqualTo(486);
    }
  }

  @Test
  void refusesAPortOutsideTheRange() throws Exception {
    try (TurnFixture f = new TurnFixture()) {
      assertThatThrownBy(() -> f.ctx.registry().add(allocation(f, 24000))).isInstanceOf(IllegalArgumentException.class);
      f.ctx.registry().remove(allocation(f, 24000)); // nothing to remove, no quota to release
      assertThat(f.ctx.registry().count()).isZero();
    }
  }

  private static Allocation allocation(TurnFixture f, int port) {
    InetSocketAddress relay = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    ClientLink link = new RecordingLink(f.loop, new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000), false);
    return new Allocation(link, TurnFixture.USER, port, relay, Long.MAX_VALUE, f.ctx);
  }
}
