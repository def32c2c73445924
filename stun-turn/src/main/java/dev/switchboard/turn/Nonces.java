package dev.switchboard.turn;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stateless NONCEs (RFC 8489 §9.2): the nonce carries its expiry and an HMAC over that expiry and the
 * client IP, so no state is created for unauthenticated requests. Thread-safe.
 *
 * <p>Format: base64url without padding of {@code expiry-epoch-millis (8 bytes) || HMAC-SHA256(key,
 * expiry || client IP bytes) truncated to 16 bytes}, 32 characters. No RFC 8489 §9.2 nonce cookie
 * ("obMatt+d" + security feature bits) is sent: we implement neither PASSWORD-ALGORITHMS nor
 * USERHASH, and a client that sees no cookie falls back to plain RFC 5389 long-term credentials,
 * which every TURN client speaks. The base64url alphabet has no '+', so our nonces can never be
 * mistaken for a cookie. A 128-bit MAC makes forging infeasible; the comparison is constant-time.
 */
final class Nonces {

  enum Verdict { VALID, STALE, INVALID }

  private static final int EXPIRY_BYTES = 8;
  private static final int MAC_BYTES = 16;
  private static final int RAW_BYTES = EXPIRY_BYTES + MAC_BYTES;
  private static final int TEXT_CHARS = 32; // base64 of 24 bytes, no padding needed

  private final SecretKeySpec key;
  private final Clock clock;
  private final long lifetimeMillis;
  private final ThreadLocal<Mac> macs;

  /** @param key a random per-process key (at least 16 bytes) */
  Nonces(byte[] key, Clock clock, Duration lifetime) {
    if (key.length < 16) {
      throw new IllegalArgumentException("nonce key must have at least 16 bytes");
    }
    if (lifetime.isNegative() || lifetime.isZero()) {
      throw new IllegalArgumentException("nonce lifetime must be positive");
    }
    this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
    this.clock = clock;
    this.lifetimeMillis = lifetime.toMillis();
    this.macs = ThreadLocal.withInitial(this::newMac);
    newMac(); // fail at construction, not on the first request, if HmacSHA256 is missing
  }

  /** A fresh nonce for {@code client}, valid for the lifetime. */
  String issue(InetAddress client) {
    byte[] raw = new byte[RAW_BYTES];
    long expiry = clock.millis() + lifetimeMillis;
    putLong(raw, expiry);
    System.arraycopy(mac(raw, client), 0, raw, EXPIRY_BYTES, MAC_BYTES);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
  }

  /**
   * VALID: ours, for this client, not expired. STALE: ours and expired. INVALID: not ours, malformed,
   * or issued to another client address (the caller answers 438 for both STALE and INVALID, RFC 8489 §9.2.4).
   */
  Verdict check(String nonce, InetAddress client) {
    if (nonce == null || nonce.length() != TEXT_CHARS) {
      return Verdict.INVALID;
    }
    byte[] raw;
    try {
      raw = Base64.getUrlDecoder().decode(nonce.getBytes(StandardCharsets.ISO_8859_1));
    } catch (IllegalArgumentException e) {
      return Verdict.INVALID;
    }
    if (raw.length != RAW_BYTES) {
      return Verdict.INVALID;
    }
    byte[] expected = mac(raw, client);
    byte[] got = new byte[MAC_BYTES];
    System.arraycopy(raw, EXPIRY_BYTES, got, 0, MAC_BYTES);
    if (!MessageDigest.isEqual(expected, got)) { // constant-time
      return Verdict.INVALID;
    }
    return clock.millis() < getLong(raw) ? Verdict.VALID : Verdict.STALE;
  }

  /** HMAC over the first 8 bytes of {@code raw} (the expiry) and the client address, truncated. */
  private byte[] mac(byte[] raw, InetAddress client) {
    Mac mac = macs.get();
    mac.update(raw, 0, EXPIRY_BYTES);
    mac.update(client.getAddress());
    byte[] full = mac.doFinal();
    byte[] out = new byte[MAC_BYTES];
    System.arraycopy(full, 0, out, 0, MAC_BYTES);
    return out;
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  private static void putLong(byte[] b, long v) {
    for (int i = EXPIRY_BYTES - 1; i >= 0; i--) {
      b[i] = (byte) v;
      v >>>= 8;
    }
  }

  private static long getLong(byte[] b) {
    long v = 0;
    for (int i = 0; i < EXPIRY_BYTES; i++) {
      v = (v << 8) | (b[i] & 0xFF);
    }
    return v;
  }
}
