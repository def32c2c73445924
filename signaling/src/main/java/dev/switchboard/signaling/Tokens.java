package dev.switchboard.signaling;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;

/**
 * HS256 JWTs for signaling auth (PROTOCOL.md "Session"): claims {@code sub}, {@code name},
 * {@code exp}, optional {@code room}. Only HS256 is accepted (no "none", no algorithm confusion).
 * Thread-safe.
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

  private final MACSigner signer;
  private final JWSVerifier verifier;
  private final Clock clock;

  /** @param key the signing key, at least 32 bytes (DATA_DIR/token-key) */
  public Tokens(byte[] key, Clock clock) {
    try {
      this.signer = new MACSigner(key);
      this.verifier = new MACVerifier(key);
    } catch (JOSEException e) {
      throw new IllegalArgumentException("the token key must be at least 32 bytes", e);
    }
    this.clock = clock;
  }

  /** The longest display name a token's name claim may hold, in characters: as long as a join's. */
  public static final int MAX_NAME = ClientMessageDecoder.MAX_NAME;

  /** Whether {@code name} can be a token's name claim: no longer than a join's name. */
  public static boolean isNameClaim(String name) {
    return ClientMessageDecoder.characters(name) <= MAX_NAME;
  }

  /** Whether {@code room} can be a token's room claim: a room id (PROTOCOL.md) or {@code *}. */
  public static boolean isRoomClaim(String room) {
    return room.equals("*") || ClientMessageDecoder.isRoomId(room);
  }

  /** A signed token; {@code name} and {@code room} may be null. */
  public String mint(String userId, String name, String room, Duration ttl) {
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
        .subject(userId)
        .issueTime(Date.from(clock.instant()))
        .expirationTime(Date.from(clock.instant().plus(ttl)));
    if (name != null) {
      claims.claim("name", name);
    }
    if (room != null) {
      claims.claim("room", room);
    }
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign a token", e);
    }
    return jwt.serialize();
  }

  public Claims verify(String token) throws InvalidTokenException {
    SignedJWT jwt;
    try {
      jwt = SignedJWT.parse(token);
    } catch (ParseException e) {
      throw new InvalidTokenException("not a JWT", false);
    }
    if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm())) {
      throw new InvalidTokenException("only HS256 tokens are accepted", false);
    }
    try {
      if (!jwt.verify(verifier)) {
        throw new InvalidTokenException("bad signature", false);
      }
      JWTClaimsSet claims = jwt.getJWTClaimsSet();
      if (claims.getSubject() == null || claims.getSubject().isBlank()) {
        throw new InvalidTokenException("the token has no sub", false);
      }
      Date exp = claims.getExpirationTime();
      if (exp == null) {
        throw new InvalidTokenException("the token has no exp", false);
      }
      if (!exp.toInstant().isAfter(clock.instant())) {
        throw new InvalidTokenException("the token expired at " + exp.toInstant(), true);
      }
      return new Claims(claims.getSubject(), claims.getStringClaim("name"), claims.getStringClaim("room"),
          exp.toInstant().getEpochSecond());
    } catch (JOSEException | ParseException e) {
      throw new InvalidTokenException("the token cannot be verified: " + e.getMessage(), false);
    }
  }
}
