package dev.switchboard.turn;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Time-limited TURN credentials (the "TURN REST API" scheme coturn calls {@code use-auth-secret}):
 * username {@code <expiry-unix-seconds>[:<user>]}, password base64(HMAC-SHA1(secret, username)).
 * Mints them with the current secret and, as a {@link CredentialStore}, accepts those signed with
 * any configured secret until they expire. Thread-safe.
 *
 * <p>Only coturn's default username order (timestamp first, ':' separator) is understood. A
 * username whose part before the first ':' is not a decimal number is not ours: {@link #keys}
 * returns no key for it, so a static user of the same server is unaffected. A credential is valid
 * while the clock is before its expiry second, as in coturn.
 */
public final class TurnRestCredentials implements CredentialStore {

  /** A minted credential. */
  public record Credential(String username, String password, Instant expires) {}

  private final Supplier<List<String>> secrets;
  private final Clock clock;
  private final ThreadLocal<Mac> hmacSha1 = ThreadLocal.withInitial(TurnRestCredentials::newMac);

  /**
   * @param secrets the shared secrets, current first; read on every use, so a supplier backed by a
   *                reloading file rotates secrets without a restart. An empty list disables the scheme.
   * @param clock   the clock expiry is checked against
   */
  public TurnRestCredentials(Supplier<List<String>> secrets, Clock clock) {
    this.secrets = Objects.requireNonNull(secrets, "secrets");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * A credential for {@code user} (may be null or empty for none) valid for {@code ttl}.
   *
   * @throws IllegalArgumentException when {@code ttl} is not positive
   * @throws IllegalStateException    when no secret is configured
   */
  public Credential mint(String user, Duration ttl) {
    if (ttl == null || ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("credential lifetime must be positive");
    }
    List<String> current = secrets.get();
    if (current == null || current.isEmpty() || current.get(0).isEmpty()) {
      throw new IllegalStateException("no TURN REST secret is configured");
    }
    long expiry = clock.instant().plus(ttl).getEpochSecond();
    String username = user == null || user.isEmpty() ? Long.toString(expiry) : expiry + ":" + user;
    return new Credential(username, password(current.get(0), username), Instant.ofEpochSecond(expiry));
  }

  @Override
  public List<byte[]> keys(String username, String realm) {
    long expiry = expiry(username);
    if (expiry < 0 || clock.millis() / 1000 >= expiry) {
      return List.of(); // not a REST username, or expired: the server answers 401
    }
    List<String> all = secrets.get();
    if (all == null || all.isEmpty()) {
      return List.of();
    }
    List<byte[]> keys = new ArrayList<>(all.size());
    for (String secret : all) {
      if (secret.isEmpty()) {
        continue; // an empty HMAC key is refused by the JCE; an empty secret is no secret
      }
      keys.add(UsersFileStore.md5(username + ":" + realm + ":" + password(secret, username)));
    }
    return keys;
  }

  /** The expiry in Unix seconds before the first ':', or -1 when there is no such number. */
  private static long expiry(String username) {
    if (username == null) {
      return -1;
    }
    int end = username.indexOf(':');
    if (end < 0) {
      end = username.length();
    }
    if (end == 0 || end > 18) { // 18 digits cannot overflow a long
      return -1;
    }
    long value = 0;
    for (int i = 0; i < end; i++) {
      char c = username.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private String password(String secret, String username) {
    Mac mac = hmacSha1.get();
    try {
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("TURN REST secret cannot key HMAC-SHA1", e);
    }
    return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
  }

  private static Mac newMac() {
    try {
      return Mac.getInstance("HmacSHA1");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA1 is not available", e);
    }
  }
}
