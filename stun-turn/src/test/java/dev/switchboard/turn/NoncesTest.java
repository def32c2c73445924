package dev.switchboard.turn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.turn.Nonces.Verdict;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class NoncesTest {

  private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes();

  private final MutableClock clock = new MutableClock();
  private final Nonces nonces = new Nonces(KEY, clock, Duration.ofMinutes(10));

  @Test
  void freshNonceIsValidForItsClient() throws Exception {
    InetAddress client = InetAddress.getByName("203.0.113.5");
    String nonce = nonces.issue(client);
    assertThat(nonce).hasSize(32).matches("[A-Za-z0-9_-]+").doesNotStartWith("obMatt+d");
    assertThat(nonces.check(nonce, client)).isEqualTo(Verdict.VALID);
  }

  @Test
  void nonceExpiresAfterItsLifetime() throws Exception {
    InetAddress client = InetAddress.getByName("127.0.0.1");
    String nonce = nonces.issue(client);
    clock.advance(Duration.ofMinutes(10).minusMillis(1));
    assertThat(nonces.check(nonce, client)).isEqualTo(Verdict.VALID);
    clock.advance(Duration.ofMillis(1));
    assertThat(nonces.check(nonce, client)).isEqualTo(Verdict.STALE);
  }

  @Test
  void nonceIsBoundToTheClientAddress() throws Exception {
    String nonce = nonces.issue(InetAddress.getByName("127.0.0.1"));
    assertThat(nonces.check(nonce, InetAddress.getByName("127.0.0.2"))).isEqualTo(Verdict.INVALID);
    assertThat(nonces.check(nonce, InetAddress.getByName("::1"))).isEqualTo(Verdict.INVALID);
    String v6 = nonces.issue(InetAddress.getByName("2001:db8::1"));
    assertThat(nonces.check(v6, InetAddress.getByName("2001:db8::1"))).isEqualTo(Verdict.VALID);
    assertThat(nonces.check(v6, InetAddress.getByName("2001:db8::2"))).isEqualTo(Verdict.INVALID);
  }

  @Test
  void nonceFromAnotherKeyIsInvalid() throws Exception {
    InetAddress client = InetAddress.getByName("127.0.0.1");
    Nonces other = new Nonces("fedcba9876543210fedcba9876543210".getBytes(), clock, Duration.ofMinutes(10));
    assertThat(nonces.check(other.issue(client), client)).isEqualTo(Verdict.INVALID);
  }

  @Test
  void tamperedExpiryIsInvalidNotValid() throws Exception {
    InetAddress client = InetAddress.getByName("127.0.0.1");
    byte[] raw = Base64.getUrlDecoder().decode(nonces.issue(client));
    raw[7] ^= 1; // move the expiry by a millisecond
    String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    assertThat(nonces.check(forged, client)).isEqualTo(Verdict.INVALID);
    clock.advance(Duration.ofHours(1));
    assertThat(nonces.check(forged, client)).as("a forged nonce is not reported stale").isEqualTo(Verdict.INVALID);
  }

  @Test
  void garbageIsInvalid() throws Exception {
    InetAddress client = InetAddress.getByName("127.0.0.1");
    for (String garbage : new String[] {null, "", "x", "obMatt+dAAAA", "!".repeat(32), "A".repeat(31),
        "A".repeat(33), "A".repeat(32), "+".repeat(32)}) {
      assertThat(nonces.check(garbage, client)).as(String.valueOf(garbage)).isEqualTo(Verdict.INVALID);
    }
  }

  @Test
  void shortKeyIsRefused() {
    assertThatThrownBy(() -> new Nonces(new byte[15], clock, Duration.ofMinutes(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
