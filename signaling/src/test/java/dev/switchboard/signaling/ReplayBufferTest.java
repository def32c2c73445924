package dev.switchboard.signaling;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The replay ring: what a resume gets back, across wrap-around, growth and both limits. */
class ReplayBufferTest {

  /** Unpooled, so its count of direct memory in use is exact. */
  private final UnpooledByteBufAllocator direct = new UnpooledByteBufAllocator(true);

  private static byte[] event(long seq, int length) {
    byte[] b = new byte[length];
    byte[] tag = ("#" + seq + ";").getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < length; i++) {
      b[i] = i < tag.length ? tag[i] : (byte) ('a' + (seq + i) % 26);
    }
    return b;
  }

  private static List<byte[]> after(ReplayBuffer buffer, long seq) {
    List<byte[]> out = new ArrayList<>();
    buffer.forEachAfter(seq, out::add);
    return out;
  }

  @Test
  void keepsTheLastEventsByCountInOrder() {
    ReplayBuffer buffer = new ReplayBuffer(direct, 5, 1 << 20);
    for (long seq = 1; seq <= 12; seq++) {
      buffer.add(seq, event(seq, 40));
    }
    assertThat(buffer.size()).isEqualTo(5);
    assertThat(buffer.oldestSeq()).isEqualTo(8);
    assertThat(buffer.lastSeq()).isEqualTo(12);
    List<byte[]> replay = after(buffer, 9);
    assertThat(replay).hasSize(3);
    for (int i = 0; i < 3; i++) {
      assertThat(replay.get(i)).isEqualTo(event(10 + i, 40));
    }
    assertThat(after(buffer, 12)).isEmpty();
  }

  @Test
  void dropsTheOldestWhenTheBytesRunOutAndWrapsAround() {
    ReplayBuffer buffer = new ReplayBuffer(direct, 1000, 1000);
    Random random = new Random(42);
    List<byte[]> all = new ArrayList<>();
    all.add(null); // seq 0
    for (long seq = 1; seq <= 400; seq++) {
      byte[] e = event(seq, 20 + random.nextInt(200));
      all.add(e);
      buffer.add(seq, e);
      // Whatever is kept is exactly the newest events, within the byte limit.
      long oldest = buffer.oldestSeq();
      int bytes = 0;
      List<byte[]> kept = after(buffer, oldest - 1);
      assertThat(kept).hasSize((int) (seq - oldest + 1));
      for (int i = 0; i < kept.size(); i++) {
        assertThat(kept.get(i)).as("seq %d after adding %d", oldest + i, seq).isEqualTo(all.get((int) (oldest + i)));
        bytes += kept.get(i).length;
      }
      assertThat(bytes).isLessThanOrEqualTo(1000);
    }
    assertThat(buffer.size()).isGreaterThan(3);
  }

  @Test
  void anEventLargerThanTheWholeBufferEmptiesIt() {
    ReplayBuffer buffer = new ReplayBuffer(direct, 100, 500);
    buffer.add(1, event(1, 100));
    buffer.add(2, event(2, 600));
    assertThat(buffer.size()).isZero();
    assertThat(buffer.oldestSeq()).as("a resume from seq 1 must fail").isEqualTo(3);
    buffer.add(3, event(3, 100));
    assertThat(after(buffer, 2)).containsExactly(event(3, 100));
  }

  @Test
  void growsFromSmallToTheLimits() {
    ReplayBuffer buffer = new ReplayBuffer(direct, 4096, 1 << 20);
    for (long seq = 1; seq <= 5000; seq++) {
      buffer.add(seq, event(seq, 150));
    }
    assertThat(buffer.size()).isEqualTo(4096);
    assertThat(after(buffer, 904)).hasSize(4096).first().isEqualTo(event(905, 150));
  }

  @Test
  void aSkippedEventIsCountedNotKeptAndAResumeFromBeforeItStillWorks() {
    ReplayBuffer buffer = new ReplayBuffer(direct, 4096, 128 << 10);
    buffer.skip(1);
    assertThat(buffer.capacity()).as("the welcome alone: no ring").isZero();
    assertThat(buffer.lastSeq()).isEqualTo(1);
    buffer.add(2, event(2, 100));
    assertThat(buffer.canResumeAfter(0)).isTrue();
    assertThat(buffer.canResumeAfter(1)).isTrue();
    assertThat(buffer.canResumeAfter(3)).as("never sent").isFalse();
    assertThat(after(buffer, 0)).containsExactly(event(2, 100));
  }

  @Test
  void aResumeFromBeforeADroppedEventFails() {
    ReplayBuffer buffer = new ReplayBuffer(direct, 3, 1 << 20);
    for (long seq = 1; seq <= 5; seq++) {
      buffer.add(seq, event(seq, 40));
    }
    assertThat(buffer.canResumeAfter(1)).as("2 was dropped").isFalse();
    assertThat(buffer.canResumeAfter(2)).isTrue();
    buffer.add(6, event(6, 2 << 20)); // too big to keep
    assertThat(buffer.canResumeAfter(5)).isFalse();
    assertThat(buffer.canResumeAfter(6)).isTrue();
  }

  @Test
  void anIdleSessionHoldsNoMoreThanItsOneEvent() {
    // 50k idle sessions each hold an event or two; a fixed first array would be paid 50k times.
    ReplayBuffer buffer = new ReplayBuffer(direct, 4096, 128 << 10);
    assertThat(buffer.capacity()).isZero();
    buffer.add(1, event(1, 300));
    assertThat(buffer.capacity()).isEqualTo(300);
    buffer.add(2, event(2, 100));
    assertThat(buffer.capacity()).isEqualTo(600);
    assertThat(after(buffer, 0)).containsExactly(event(1, 300), event(2, 100));
  }

  @Test
  void growsByDoublingUpToTheByteLimit() {
    ReplayBuffer buffer = new ReplayBuffer(direct, 4096, 1000);
    for (long seq = 1; seq <= 30; seq++) {
      buffer.add(seq, event(seq, 100));
    }
    assertThat(buffer.capacity()).isEqualTo(1000);
    assertThat(buffer.size()).isEqualTo(10);
    assertThat(after(buffer, 20)).hasSize(10);
  }

  @Test
  void keepsABusyRingOffTheJavaHeapAndGivesItBack() {
    // Off the heap so that the collector never copies a filling ring (bench/, signaling, p99).
    ReplayBuffer buffer = new ReplayBuffer(direct, 4096, 64 << 10);
    for (long seq = 1; seq <= 1000; seq++) {
      buffer.add(seq, event(seq, 100));
    }
    assertThat(buffer.capacity()).isEqualTo(64 << 10);
    assertThat(direct.metric().usedDirectMemory()).isEqualTo(64 << 10);
    assertThat(after(buffer, 999)).containsExactly(event(1000, 100));

    buffer.release();
    buffer.release();

    assertThat(direct.metric().usedDirectMemory()).isZero();
    assertThat(buffer.capacity()).isZero();
    buffer.add(1001, event(1001, 100));
    assertThat(direct.metric().usedDirectMemory()).isZero();
    assertThat(buffer.lastSeq()).isEqualTo(1001);
    assertThat(after(buffer, 0)).isEmpty();
  }

  @Test
  void keepsASmallRingOnTheJavaHeap() {
    // An idle session's welcome: not in the allocator the sockets' buffers come from (bench memory-wss).
    ReplayBuffer buffer = new ReplayBuffer(direct, 4096, 64 << 10);
    buffer.add(1, event(1, 300));
    buffer.add(2, event(2, 3000));
    assertThat(buffer.capacity()).isLessThanOrEqualTo(ReplayBuffer.HEAP_BYTES);
    assertThat(direct.metric().usedDirectMemory()).isZero();
  }
}
