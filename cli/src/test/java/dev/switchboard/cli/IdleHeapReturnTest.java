package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class IdleHeapReturnTest {

  private static final long MB = 1 << 20;

  private long collections = 3;
  private long used = 50 * MB;
  private final long committed = 100 * MB;
  private final AtomicInteger returns = new AtomicInteger();
  private long retained = 50 * MB;
  private final IdleHeapReturn idle = new IdleHeapReturn(() -> new IdleHeapReturn.Heap(collections, used, committed, retained),
      () -> {
        returns.incrementAndGet();
        collections++; // the returning cycle is a collection itself
      }, 5, 0.15);

  private void checks(int n) {
    for (int i = 0; i < n; i++) {
      idle.check();
    }
  }

  /** Past start-up's own cycle, with its count cleared, and a collection after it: work was done. */
  private void workAfterStartUp() {
    checks(5);
    returns.set(0);
    collection();
    idle.check();
  }

  /** A young collection: work was done, and what was allocated is gone. */
  private void collection() {
    collections++;
    used = 50 * MB;
  }

  @Test
  void startUpIsWorkToo() {
    checks(4);
    assertThat(returns).hasValue(0);
    idle.check();
    assertThat(returns).hasValue(1);
    checks(100);
    assertThat(returns).hasValue(1);
  }

  @Test
  void oneCycleOnceTheCollectionsStopForTheQuietChecksAndNoneAfterWhileIdle() {
    workAfterStartUp();
    checks(4);
    assertThat(returns).as("not quiet for long enough yet").hasValue(0);
    idle.check();
    assertThat(returns).hasValue(1);
    checks(100);
    assertThat(returns).as("idle: G1's periodic collection would have run 20 more").hasValue(1);
  }

  @Test
  void aCollectionDuringTheQuietWaitStartsItAgainAndTheNextSpellOfWorkGetsItsOwnCycle() {
    collection();
    idle.check();
    checks(3);
    collection(); // still working
    idle.check();
    checks(4);
    assertThat(returns).hasValue(0);
    idle.check();
    assertThat(returns).hasValue(1);

    collection();
    checks(6);
    assertThat(returns).hasValue(2);
  }

  @Test
  void noCycleWhenTheHeapHoldsNoMoreThanG1WouldKeep() {
    IdleHeapReturn tight = new IdleHeapReturn(() -> new IdleHeapReturn.Heap(collections, used, 60 * MB, retained),
        returns::incrementAndGet, 5, 0.15); // 50 MB kept: G1 would keep 58.8 MB of the 60
    collection();
    for (int i = 0; i < 20; i++) {
      tight.check();
    }
    assertThat(returns).hasValue(0);
  }

  @Test
  void garbageAllocatedAfterTheLastCollectionDoesNotHideWhatACycleWouldReturn() {
    workAfterStartUp();
    used += 40 * MB; // the end of a burst: 90 of the 100 MB in use, all but 50 MB of it garbage in eden
    checks(5); // the quiet period in which the burst ended: it grew, so not idle yet
    assertThat(returns).hasValue(0);
    checks(5); // idle: and 100 MB committed is more than G1 would keep of the 50 that are not garbage
    assertThat(returns).hasValue(1);
  }

  @Test
  void steadyWorkThatFillsALargeYoungGenerationSlowlyIsNotIdle() {
    workAfterStartUp();
    for (int i = 0; i < 30; i++) {
      used += 3 * MB; // 15 MB every quiet period: more than a tenth of the 100 MB heap
      idle.check();
    }
    assertThat(returns).as("busy, though no collection ran for six quiet periods").hasValue(0);
    checks(5); // the work stopped: within a quiet period the growth over one is under a tenth
    assertThat(returns).hasValue(1);
  }
}
