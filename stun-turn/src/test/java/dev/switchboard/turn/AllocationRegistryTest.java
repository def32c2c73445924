package dev.switchboard.turn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Quota counting under the threads that share it: every client loop and the sweeper. */
class AllocationRegistryTest {

  @Test
  void concurrentTakesAndReleasesNeverLetAUserPastTheQuota() throws Exception {
    AllocationRegistry registry = new AllocationRegistry(new TurnConfig.Quotas(1, 1000, 8, 0, 20),
        RelayAddresses.of(TurnFixture.config(23000, 23999, TurnConfig.Quotas.defaults(), true).relay()));
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
}
