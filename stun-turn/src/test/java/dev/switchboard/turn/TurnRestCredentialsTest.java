package dev.switchboard.turn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class TurnRestCredentialsTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

  @Test
  void mintsTheCoturnSchemeWithTheCurrentSecret() {
    TurnRestCredentials rest = new TurnRestCredentials(() -> List.of("s3cret", "older"), clock);
    TurnRestCredentials.Credential c = rest.mint("alice", Duration.ofHours(1));
    assertThat(c.username()).isEqualTo("1767229200:alice");
    // echo -n 1767229200:alice | openssl dgst -sha1 -hmac s3cret -binary | base64
    assertThat(c.password()).isEqualTo("0nAicpAnjcC6fTPKxhHd9BXdpto=");
    assertThat(c.expires()).isEqualTo(Instant.parse("2026-01-01T01:00:00Z"));
    assertThat(rest.mint(null, Duration.ofSeconds(30)).username()).isEqualTo("1767225630");
    assertThat(rest.mint("", Duration.ofSeconds(30)).username()).isEqualTo("1767225630");
  }

  @Test
  void keyIsMd5OfUsernameRealmPassword() {
    TurnRestCredentials rest = new TurnRestCredentials(() -> List.of("s3cret"), clock);
    assertThat(hex(rest.keys("1767229200:alice", "example.org")))
        // echo -n "1767229200:alice:example.org:0nAicpAnjcC6fTPKxhHd9BXdpto=" | md5sum
        .containsExactly("ae94c3b0f2cd2e7ca2c17b0268b7fa36");
  }

  @Test
  void everyConfiguredSecretYieldsAKeySoRotationKeepsLiveCalls() {
    TurnRestCredentials oldServer = new TurnRestCredentials(() -> List.of("old"), clock);
    TurnRestCredentials newServer = new TurnRestCredentials(() -> List.of("new"), clock);
    TurnRestCredentials rotating = new TurnRestCredentials(() -> List.of("new", "old"), clock);
    String username = oldServer.mint("bob", Duration.ofMinutes(5)).username();
    List<String> keys = hex(rotating.keys(username, "r"));
    assertThat(keys).hasSize(2)
        .containsExactly(hex(newServer.keys(username, "r")).get(0), hex(oldServer.keys(username, "r")).get(0));
  }

  @Test
  void secretsAreReadOnEveryUse() {
    List<String> secrets = new CopyOnWriteArrayList<>(List.of("one"));
    TurnRestCredentials rest = new TurnRestCredentials(() -> secrets, clock);
    String first = rest.mint("u", Duration.ofMinutes(1)).password();
    secrets.add(0, "two");
    assertThat(rest.mint("u", Duration.ofMinutes(1)).password()).isNotEqualTo(first);
    assertThat(rest.keys("1767225660:u", "r")).hasSize(2);
    secrets.clear();
    assertThat(rest.keys("1767225660:u", "r")).as("no secret: scheme disabled").isEmpty();
    assertThatThrownBy(() -> rest.mint("u", Duration.ofMinutes(1))).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void expiredCredentialHasNoKey() {
    TurnRestCredentials rest = new TurnRestCredentials(() -> List.of("s"), clock);
    String username = rest.mint("alice", Duration.ofSeconds(60)).username();
    clock.advance(Duration.ofSeconds(59));
    assertThat(rest.keys(username, "r")).hasSize(1);
    clock.advance(Duration.ofSeconds(1));
    assertThat(rest.keys(username, "r")).isEmpty();
  }

  @Test
  void usernamesNotOfTheSchemeHaveNoKey() {
    TurnRestCredentials rest = new TurnRestCredentials(() -> List.of("s"), clock);
    for (String name : new String[] {null, "", "alice", ":1767229200", "alice:1767229200", "17672x9200:a",
        "-1767229200", "99999999999999999999:a", "1767229200 :a", "+1767229200"}) {
      assertThat(rest.keys(name, "r")).as(String.valueOf(name)).isEmpty();
    }
    assertThat(rest.keys("1767229200", "r")).hasSize(1);
    assertThat(rest.keys("1767229200:a:b", "r")).hasSize(1);
  }

  @Test
  void nonPositiveTtlIsRefused() {
    TurnRestCredentials rest = new TurnRestCredentials(() -> List.of("s"), clock);
    assertThatThrownBy(() -> rest.mint("u", Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> rest.mint("u", Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
  }

  private static List<String> hex(List<byte[]> keys) {
    return keys.stream().map(HexFormat.of()::formatHex).toList();
  }
}
