package dev.switchboard.signaling;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class PasswordThrottleTest {

  private static InetAddress ip(String address) throws Exception {
    return InetAddress.getByName(address);
  }

  @Test
  void eachWrongGuessFromAnAddressDoublesItsWaitUpTo30Seconds() throws Exception {
    PasswordThrottle throttle = new PasswordThrottle();
    Object a = PasswordThrottle.source(ip("192.0.2.1"), null);
    long now = 1_000_000;
    assertThat(throttle.tryAcquire(a, now)).isZero();
    assertThat(throttle.failed(a, now)).isEqualTo(500);
    assertThat(throttle.tryAcquire(a, now + 499)).isEqualTo(1);
    assertThat(throttle.tryAcquire(a, now + 500)).isZero();
    assertThat(throttle.failed(a, now + 500)).isEqualTo(1000);
    long t = now + 1500;
    for (int i = 0; i < 10; i++) {
      assertThat(throttle.tryAcquire(a, t)).isZero();
      t += throttle.failed(a, t);
    }
    assertThat(throttle.tryAcquire(a, t)).isZero();
    assertThat(throttle.failed(a, t)).isEqualTo(30_000);
    assertThat(throttle.tryAcquire(PasswordThrottle.source(ip("192.0.2.2"), null), t)).as("another address").isZero();
  }

  @Test
  void anAddressThatGuessedWrongHasOneTryAtATime() throws Exception {
    PasswordThrottle throttle = new PasswordThrottle();
    Object a = PasswordThrottle.source(ip("192.0.2.1"), null);
    throttle.failed(a, 0);
    assertThat(throttle.tryAcquire(a, 500)).isZero();
    assertThat(throttle.tryAcquire(a, 500)).as("a second connection while the first one's hash is checked").isPositive();
    throttle.passed(a);
    assertThat(throttle.tryAcquire(a, 500)).isZero();
    assertThat(throttle.size()).isZero();
  }

  @Test
  void anIpv6AddressCountsAsItsSlash64() throws Exception {
    PasswordThrottle throttle = new PasswordThrottle();
    throttle.failed(PasswordThrottle.source(ip("2001:db8:1:2::1"), null), 0);
    assertThat(throttle.tryAcquire(PasswordThrottle.source(ip("2001:db8:1:2:ffff::9"), null), 1)).isPositive();
    assertThat(throttle.tryAcquire(PasswordThrottle.source(ip("2001:db8:1:3::1"), null), 1)).isZero();
  }

  @Test
  void recordsAreForgottenAndCappedBeyondWhichNewAddressesShareOne() throws Exception {
    PasswordThrottle throttle = new PasswordThrottle();
    for (int i = 0; i < PasswordThrottle.MAX_SOURCES + 100; i++) {
      Object source = PasswordThrottle.source(ip("10.0." + i / 256 + "." + i % 256), null);
      assertThat(throttle.tryAcquire(source, 0)).as("guess %d", i).isEqualTo(i <= PasswordThrottle.MAX_SOURCES ? 0 : 500);
      if (i <= PasswordThrottle.MAX_SOURCES) {
        throttle.failed(source, 0);
      }
    }
    assertThat(throttle.size()).isEqualTo(PasswordThrottle.MAX_SOURCES + 1);
    long later = PasswordThrottle.FORGET_MILLIS;
    Object fresh = PasswordThrottle.source(ip("10.9.9.9"), null);
    assertThat(throttle.tryAcquire(fresh, later)).isZero();
    throttle.failed(fresh, later);
    assertThat(throttle.size()).as("the forgotten are dropped to make room").isEqualTo(1);
  }

  @Test
  void onlyTheAddressHoldingTheSharedTryGivesItBack() throws Exception {
    PasswordThrottle throttle = new PasswordThrottle();
    for (int i = 0; i < PasswordThrottle.MAX_SOURCES + 1; i++) { // 256 records and the shared one
      Object source = PasswordThrottle.source(ip("10.0." + i / 256 + "." + i % 256), null);
      throttle.tryAcquire(source, 0);
      throttle.failed(source, 0);
    }
    long now = 1000; // past the shared record's wait
    Object a = PasswordThrottle.source(ip("10.8.0.1"), null);
    Object b = PasswordThrottle.source(ip("10.8.0.2"), null);
    assertThat(throttle.tryAcquire(a, now)).isZero();
    throttle.passed(b); // b never held the try
    assertThat(throttle.tryAcquire(b, now)).as("a still holds the shared try").isPositive();
    throttle.passed(a);
    assertThat(throttle.tryAcquire(b, now)).isZero();
  }
}
