package dev.switchboard.turn;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnauthorizedLimiterTest {

  private final MutableClock clock = new MutableClock();

  @Test
  void allowsOneSecondOfBurstThenRefills() throws Exception {
    UnauthorizedLimiter limiter = new UnauthorizedLimiter(5, clock);
    InetAddress client = InetAddress.getByName("198.51.100.1");
    for (int i = 0; i < 5; i++) {
      assertThat(limiter.tryAcquire(client)).as("answer " + i).isTrue();
    }
    assertThat(limiter.tryAcquire(client)).isFalse();
    clock.advance(Duration.ofMillis(200));
    assertThat(limiter.tryAcquire(client)).isTrue();
    assertThat(limiter.tryAcquire(client)).isFalse();
    clock.advance(Duration.ofSeconds(10));
    for (int i = 0; i < 5; i++) {
      assertThat(limiter.tryAcquire(client)).isTrue();
    }
    assertThat(limiter.tryAcquire(client)).as("idle time does not bank more than one second").isFalse();
  }

  @Test
  void sourcesHaveSeparateBuckets() throws Exception {
    UnauthorizedLimiter limiter = new UnauthorizedLimiter(1, clock);
    assertThat(limiter.tryAcquire(InetAddress.getByName("198.51.100.1"))).isTrue();
    assertThat(limiter.tryAcquire(InetAddress.getByName("198.51.100.1"))).isFalse();
    // Some other source can collide by chance (4096 slots); most must not.
    int answered = 0;
    for (int i = 2; i < 102; i++) {
      if (limiter.tryAcquire(InetAddress.getByName("198.51.100." + i))) {
        answered++;
      }
    }
    assertThat(answered).isGreaterThan(90);
  }

  @Test
  void ipv6SourcesShareABucketPerSlash64() throws Exception {
    UnauthorizedLimiter limiter = new UnauthorizedLimiter(2, clock);
    assertThat(limiter.tryAcquire(InetAddress.getByName("2001:db8:1:2::1"))).isTrue();
    assertThat(limiter.tryAcquire(InetAddress.getByName("2001:db8:1:2::ffff"))).isTrue();
    assertThat(limiter.tryAcquire(InetAddress.getByName("2001:db8:1:2:abcd::9"))).isFalse();
  }

  @Test
  void spoofedFloodFromManySourcesKeepsMemoryBoundedAndRatePerSource() throws Exception {
    UnauthorizedLimiter limiter = new UnauthorizedLimiter(1, clock);
    int answered = 0;
    for (int i = 0; i < 100_000; i++) {
      byte[] a = {(byte) (i >>> 16), (byte) (i >>> 8), (byte) i, 7};
      if (limiter.tryAcquire(InetAddress.getByAddress(a))) {
        answered++;
      }
    }
    // All sources share 4096 one-token buckets: at most that many answers in this second.
    assertThat(answered).isLessThanOrEqualTo(UnauthorizedLimiter.SLOTS);
  }

  @Test
  void concurrentCallersNeverExceedTheBurst() throws Exception {
    UnauthorizedLimiter limiter = new UnauthorizedLimiter(100, clock);
    InetAddress client = InetAddress.getByName("198.51.100.9");
    AtomicInteger granted = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        futures.add(pool.submit(() -> {
          for (int i = 0; i < 1000; i++) {
            if (limiter.tryAcquire(client)) {
              granted.incrementAndGet();
            }
          }
        }));
      }
      for (Future<?> f : futures) {
        f.get(10, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(granted.get()).isEqualTo(100);
  }
}
