package dev.switchboard.turn;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * Time-limited TURN credentials (the "TURN REST API" scheme coturn calls {@code use-auth-secret}):
 * username {@code <expiry-unix-seconds>[:<user>]}, password base64(HMAC-SHA1(secret, username)).
 * Mints them with the current secret and, as a {@link CredentialStore}, accepts those signed with
 * any configured secret until they expire. Thread-safe.
 */
public final class TurnRestCredentials implements CredentialStore {

  /** A minted credential. */
  public record Credential(String username, String password, Instant expires) {}

  /**
   * @param secrets the shared secrets, current first; read on every use, so a supplier backed by a
   *                reloading file rotates secrets without a restart. An empty list disables the scheme.
   * @param clock   the clock expiry is checked against
   */
  public TurnRestCredentials(Supplier<List<String>> secrets, Clock clock) {
    throw new UnsupportedOperationException("implemented by the TURN issue");
  }

  /** A credential for {@code user} (may be null or empty for none) valid for {@code ttl}. */
  public Credential mint(String user, Duration ttl) {
    throw new UnsupportedOperationException("implemented by the TURN issue");
  }

  @Override
  public List<byte[]> keys(String username, String realm) {
    throw new UnsupportedOperationException("implemented by the TURN issue");
  }
}
