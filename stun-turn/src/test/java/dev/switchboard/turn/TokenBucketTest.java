package dev.switchboard.turn;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TokenBucketTest {

  private final MutableClock clock = new MutableClock();

  @Test
  void zeroMeansUnlimited() {
    TokenBucket bucket = new TokenBucket(0, clock);
    for (int i = 0; i < 10_000; i++) {
      assertThat(bucket.tryConsume(65_535)).isTrue();
    }
  }

  @Test
  void startsWithOneSecondOfBurst() {
    TokenBucket bucket = new TokenBucket(10_000, clock);
    for (int i = 0; i < 10; i++) {
      assertThat(bucket.tryConsume(1000)).as("packet " + i).isTrue();
    }
    assertThat(bucket.tryConsume(1)).isFalse();
  }

  @Test
  void refillsAtTheRateExactly() {
    TokenBucket bucket = new TokenBucket(1_000, clock);
    assertThat(bucket.tryConsume(1000)).isTrue();
    assertThat(bucket.tryConsume(1)).isFalse();
    // 1000 B/s is one byte per millisecond: 10 ms in 1 ms steps give exactly 10 bytes.
    for (int i = 0; i < 10; i++) {
      clock.advance(Duration.ofMillis(1));
      assertThat(bucket.tryConsume(0)).isTrue();
    }
    assertThat(bucket.tryConsume(10)).isTrue();
    assertThat(bucket.tryConsume(1)).isFalse();
  }

  @Test
  void fractionalRefillIsNotLost() {
    TokenBucket bucket = new TokenBucket(300, clock); // 0.3 bytes per millisecond
    assertThat(bucket.tryConsume(300)).isTrue();
    for (int i = 0; i < 10; i++) {
      clock.advance(Duration.ofMillis(1));
      bucket.tryConsume(0);
    }
    assertThat(bucket.tryConsume(3)).isTrue();
    assertThat(bucket.tryConsume(1)).isFalse();
  }

  @Test
  void idleTimeBanksAtMostOneSecond() {
    TokenBucket bucket = new TokenBucket(1_000, clock);
    clock.advance(Duration.ofHours(1));
    assertThat(bucket.tryConsume(1000)).isTrue();
    assertThat(bucket.tryConsume(1)).isFalse();
  }

  @Test
  void datagramLargerThanTheCapPassesOnAFullBucketAndRepaysTheDebt() {
    TokenBucket bucket = new TokenBucket(500, clock);
    assertThat(bucket.tryConsume(1200)).isTrue();   // full bucket: passes, 700 bytes in debt
    clock.advance(Duration.ofMillis(1000));
    assertThat(bucket.tryConsume(1200)).as("only 500 - 700 < 0 bytes back").isFalse();
    clock.advance(Duration.ofMillis(1400));
    assertThat(bucket.tryConsume(1200)).as("bucket full again").isTrue();
  }

  @Test
  void clockGoingBackwardsDoesNotMintTokens() {
    TokenBucket bucket = new TokenBucket(1_000, clock);
    assertThat(bucket.tryConsume(1000)).isTrue();
    clock.advance(Duration.ofSeconds(-5));
    assertThat(bucket.tryConsume(1)).isFalse();
    clock.advance(Duration.ofMillis(5));
    assertThat(bucket.tryConsume(5)).isTrue();
    assertThat(bucket.tryConsume(1)).isFalse();
  }
}
