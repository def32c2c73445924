package dev.switchboard.signaling;

import java.time.Clock;
import java.time.Duration;

/**
 * HS256 JWTs for signaling auth (PROTOCOL.md "Session"): claims {@code sub}, {@code name},
 * {@code exp}, optional {@code room}. Thread-safe.
 */
public final class Tokens {

  /** The verified claims of a token; {@code room} is null when the token names none. */
  public record Claims(String userId, String name, String room, long expiresEpochSeconds) {}

  /** Why a token was refused. */
  public static final class InvalidTokenException extends Exception {
    private final boolean expired;

    public InvalidTokenException(String message, boolean expired) {
      super(message);
      this.expired = expired;
    }

    public boolean expired() {
      return expired;
    }
  }

  /** @param key the signing key, at least 32 bytes (DATA_DIR/token-key) */
  public Tokens(byte[] key, Clock clock) {
    throw new UnsupportedOperationException("implemented by the signaling issue");
  }

  /** A signed token; {@code name} and {@code room} may be null. */
  public String mint(String userId, String name, String room, Duration ttl) {
    throw new UnsupportedOperationException("implemented by the signaling issue");
  }

  public Claims verify(String token) throws InvalidTokenException {
    throw new UnsupportedOperationException("implemented by the signaling issue");
  }
}
