package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The load generator against {@link FakeTurnResponder}: matching, the credential flow, timeouts. Short and bounded. */
class StunLoadGeneratorTest {

  private static final StunMessages.Credentials CREDENTIALS = StunMessages.Credentials.of("bench", "bench", "benchpass");
  private static final Duration TIMEOUT = Duration.ofMillis(300);

  @Test
  void everyBindingIsAnsweredAndMatched() throws Exception {
    try (FakeTurnResponder server = new FakeTurnResponder(CREDENTIALS, false);
         StunLoadGenerator g = StunLoadGenerator.binding(server.address(), 2, 8, TIMEOUT)) {
      Step s = g.step(2000, Duration.ofMillis(500));

      assertThat(s.started()).isEqualTo(1000);
      assertThat(s.completed()).isEqualTo(1000);
      assertThat(s.failed()).isZero();
      assertThat(s.passed()).isTrue();
      assertThat(s.p99Ms()).isPositive().isLessThan(TIMEOUT.toMillis());
    }
  }

  @Test
  void unansweredTransactionsTimeOut() throws Exception {
    try (FakeTurnResponder server = new FakeTurnResponder(CREDENTIALS, true);
         StunLoadGenerator g = StunLoadGenerator.binding(server.address(), 1, 4, TIMEOUT)) {
      Step s = g.step(400, Duration.ofMillis(250));

      assertThat(s.started()).isEqualTo(100);
      assertThat(s.timeouts()).isEqualTo(100);
      assertThat(s.passed()).isFalse();
    }
  }

  @Test
  void allocateCyclesAuthenticateAndGiveTheAllocationBack() throws Exception {
    try (FakeTurnResponder server = new FakeTurnResponder(CREDENTIALS, false);
         StunLoadGenerator g = StunLoadGenerator.allocations(server.address(), 1, 400, TIMEOUT, CREDENTIALS, false)) {
      Step s = g.step(400, Duration.ofMillis(500));

      assertThat(s.completed()).isEqualTo(200);
      assertThat(s.failed()).isZero();
      assertThat(server.badIntegrity).hasValue(0);
      assertThat(server.liveAllocations()).isZero();
    }
  }

  @Test
  void heldAllocationsStayUntilReleased() throws Exception {
    try (FakeTurnResponder server = new FakeTurnResponder(CREDENTIALS, false);
         StunLoadGenerator g = StunLoadGenerator.allocations(server.address(), 2, 100, TIMEOUT, CREDENTIALS, true)) {
      g.step(400, Duration.ofMillis(250));

      assertThat(g.held()).isEqualTo(100);
      assertThat(server.liveAllocations()).isEqualTo(100);
      g.releaseHeld();
      assertThat(server.liveAllocations()).isZero();
    }
  }

  @Test
  void closingReleasesEverySocket() throws Exception {
    long before = openFiles();
    try (FakeTurnResponder server = new FakeTurnResponder(CREDENTIALS, false)) {
      StunLoadGenerator.allocations(server.address(), 2, 500, TIMEOUT, CREDENTIALS, false).close();
    }
    assertThat(openFiles()).isLessThan(before + 20);
  }

  private static long openFiles() throws Exception {
    try (var s = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
      return s.count();
    }
  }

  @Test
  void aWrongPasswordFailsEveryCycle() throws Exception {
    try (FakeTurnResponder server = new FakeTurnResponder(CREDENTIALS, false);
         StunLoadGenerator g = StunLoadGenerator.allocations(server.address(), 1, 50, TIMEOUT,
             StunMessages.Credentials.of("bench", "bench", "wrong"), false)) {
      Step s = g.step(200, Duration.ofMillis(250));

      assertThat(s.failed()).isEqualTo(s.started()).isEqualTo(50);
      assertThat(s.errors()).isEqualTo(50);
      // 50 signed Allocates, then (the 5-tuple might hold an allocation) 50 clean-up Refreshes.
      assertThat(server.badIntegrity).hasValue(100);
    }
  }
}
