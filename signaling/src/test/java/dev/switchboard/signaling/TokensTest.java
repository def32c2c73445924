package dev.switchboard.signaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class TokensTest {

  private final MutableClock clock = new MutableClock();
  private final Tokens tokens = new Tokens(TestServer.TOKEN_KEY, clock);

  @Test
  void mintedTokensVerifyWithTheirClaims() throws Exception {
    Tokens.Claims claims = tokens.verify(tokens.mint("alice", "Alice", "standup", Duration.ofHours(1)));
    assertThat(claims.userId()).isEqualTo("alice");
    assertThat(claims.name()).isEqualTo("Alice");
    assertThat(claims.room()).isEqualTo("standup");
    assertThat(claims.expiresEpochSeconds()).isEqualTo(clock.instant().plus(Duration.ofHours(1)).getEpochSecond());
    assertThat(tokens.verify(tokens.mint("bob", null, null, Duration.ofMinutes(1))).room()).isNull();
  }

  @Test
  void expiredTokensAreRefusedAsExpired() {
    String token = tokens.mint("alice", null, null, Duration.ofSeconds(10));
    clock.advance(Duration.ofSeconds(11));
    assertThatThrownBy(() -> tokens.verify(token)).isInstanceOfSatisfying(Tokens.InvalidTokenException.class,
        e -> assertThat(e.expired()).isTrue());
  }

  @Test
  void otherKeysTamperingAndAlgNoneAreRefused() {
    String token = tokens.mint("alice", null, null, Duration.ofHours(1));
    Tokens other = new Tokens("another-key-another-key-another-k".getBytes(StandardCharsets.UTF_8), clock);
    assertThatThrownBy(() -> other.verify(token)).isInstanceOf(Tokens.InvalidTokenException.class);

    String[] parts = token.split("\\.");
    String forgedClaims = Base64.getUrlEncoder().withoutPadding().encodeToString(
        ("{\"sub\":\"admin\",\"exp\":" + (clock.instant().getEpochSecond() + 3600) + "}").getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> tokens.verify(parts[0] + "." + forgedClaims + "." + parts[2]))
        .isInstanceOf(Tokens.InvalidTokenException.class);

    String none = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> tokens.verify(none + "." + forgedClaims + ".")).isInstanceOf(Tokens.InvalidTokenException.class);
    assertThatThrownBy(() -> tokens.verify("garbage")).isInstanceOf(Tokens.InvalidTokenException.class);
  }
}
